"""What the Grafana components need from stack settings, plus Grafana's shared names.

``vigil.settings`` validates ``vigil:grafana`` (its fields are ``GRAFANA_FIELDS`` there) and
builds ``GrafanaSettings``; the components only read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from vigil.models import Site
from vigil.naming import GRAFANA_SITE_LABEL, grafana_uid

PolicyMode = Literal["manage", "external"]
POLICY_MODES: tuple[PolicyMode, ...] = ("manage", "external")
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
    zabbix_datasource_uid: str | None
    notification_policy: PolicyMode
    default_contact_point: str

    def cloudwatch_uid(self, account: str, region: str) -> str:
        """An existing data source named in config, else the one vigil creates."""
        return self.cloudwatch_datasources.get(f"{account}/{region}") or cloudwatch_uid(
            account, region
        )

    def manages_datasource(self, account: str, region: str) -> bool:
        return f"{account}/{region}" not in self.cloudwatch_datasources


def cloudwatch_uid(account: str, region: str) -> str:
    """Stable uid of the data source vigil creates for one account/region (Grafana's uid
    rules: ``naming.grafana_uid``)."""
    return grafana_uid("vigil-cw", account, region)


def contact_point_name(site: Site | str) -> str:
    site_id = site if isinstance(site, str) else site.id
    return f"{site_id}-pagerduty"
