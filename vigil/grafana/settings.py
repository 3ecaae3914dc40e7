"""What the Grafana components need from stack settings, plus Grafana's shared names.

``vigil.settings`` validates ``vigil:grafana`` (its fields are ``GRAFANA_FIELDS`` there) and
builds ``GrafanaSettings``; the components only read it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from vigil.grafana.datasources import CloudWatchAccess, cloudwatch_uid
from vigil.models import Site
from vigil.naming import GRAFANA_SITE_LABEL

__all__ = ["GrafanaSettings", "cloudwatch_uid", "contact_point_name"]

PolicyMode = Literal["manage", "external", "shared"]
POLICY_MODES: tuple[PolicyMode, ...] = ("manage", "external", "shared")
"""``manage``: this stack owns the org's one tree (in a fleet: the shared stack, routing every
site stack's sites); ``external``: another owner (a human, another tool) adds the routes vigil
lists; ``shared``: a fleet site stack whose sites the shared stack's tree routes."""
SITE_LABEL = GRAFANA_SITE_LABEL
"""Alert label that routes a Grafana alert to its site's contact point."""
DEFAULT_ROOT_CONTACT_POINT = "grafana-default-email"


@dataclass(frozen=True)
class GrafanaSettings:
    """Built by ``vigil.settings`` (the defaults are its ``GRAFANA_FIELDS``)."""

    enabled: bool
    skip_reason: str
    url: str
    cloudwatch_datasources: Mapping[str, str]
    cloudwatch_assume_role_arn: str | None
    aws_account_id: str | None
    """The account of Grafana's own AWS credentials (what ``authType: default`` reads)."""
    monitoring_account: str | None
    source_accounts: tuple[str, ...]
    """CloudWatch cross-account observability: source accounts linked to the monitoring one."""
    zabbix_datasource_uid: str | None
    notification_policy: PolicyMode
    default_contact_point: str

    @property
    def access(self) -> CloudWatchAccess:
        return CloudWatchAccess(
            existing=self.cloudwatch_datasources,
            assume_role_arn=self.cloudwatch_assume_role_arn,
            grafana_account=self.aws_account_id,
            monitoring_account=self.monitoring_account,
            source_accounts=self.source_accounts,
        )

    @property
    def skip_message(self) -> str:
        """Why Grafana is not deployed (empty when it is): logged by the program, printed by
        ``vigil plan``."""
        if self.enabled:
            return ""
        return f"Grafana skipped: {self.skip_reason}. Dashboards and contact points not managed."

    def manual_routes(self, site_ids: Iterable[str]) -> list[str]:
        """With ``notificationPolicy: external`` another owner keeps the policy tree: the
        routes it must hold for these sites' alerts to reach their contact points."""
        if not self.enabled or self.notification_policy != "external":
            return []
        return [
            f"Grafana notification policy is external: add the route {SITE_LABEL}={site_id} → "
            f"contact point {contact_point_name(site_id)} to the existing tree"
            for site_id in sorted(site_ids)
        ]

    def cloudwatch_uid(self, account: str, region: str) -> str:
        """Uid of the data source that reads ``account`` in ``region``."""
        return self.access.reader(account, region).uid


def contact_point_name(site: Site | str) -> str:
    site_id = site if isinstance(site, str) else site.id
    return f"{site_id}-pagerduty"
