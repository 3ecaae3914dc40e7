"""Stack config → Grafana settings (pure: the component passes in plain config values).

Keys (see the report / README):
  ``grafana:url``, ``grafana:auth`` (secret)   provider config, read by the Grafana provider
  ``vigil:grafanaUrl``                        base URL for dashboard links (else ``grafana:url``)
  ``vigil:grafana``                           object, all keys optional:
      enabled: bool                           force on/off (default: on when ``grafana:auth`` set)
      cloudwatchDatasources: {"<account>/<region>": "<existing uid>"}   reuse, don't create
      cloudwatchAssumeRoleArn: "arn:aws:iam::{account}:role/grafana-cloudwatch"   per account
      zabbixDatasourceUid: "<uid>"            draw Zabbix panels with this data source
      notificationPolicy: "manage" | "external"   (default "manage")
      defaultContactPoint: "<name>"           root receiver when managing the tree
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from vigil.models import Site, frozen_map
from vigil.naming import GRAFANA_SITE_LABEL, grafana_uid

PolicyMode = Literal["manage", "external"]
POLICY_MODES: tuple[PolicyMode, ...] = ("manage", "external")
SITE_LABEL = GRAFANA_SITE_LABEL
"""Alert label that routes a Grafana alert to its site's contact point."""
DEFAULT_ROOT_CONTACT_POINT = "grafana-default-email"


class GrafanaConfigError(ValueError):
    """Stack config for Grafana is malformed (reported as a plan error, not a traceback)."""


@dataclass(frozen=True)
class GrafanaSettings:
    enabled: bool
    skip_reason: str = ""
    url: str = ""
    cloudwatch_datasources: Mapping[str, str] = field(default_factory=frozen_map)
    cloudwatch_assume_role_arn: str | None = None
    zabbix_datasource_uid: str | None = None
    notification_policy: PolicyMode = "manage"
    default_contact_point: str = DEFAULT_ROOT_CONTACT_POINT

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


def parse_settings(
    vigil_grafana: Mapping[str, Any] | None,
    *,
    link_url: str | None,
    provider_url: str | None,
    has_auth: bool,
) -> GrafanaSettings:
    """Decide whether Grafana is deployed and with which options.

    Without auth (and no explicit ``enabled: true``) Grafana is skipped with a reason the plan
    prints: a stack without Grafana is a valid choice, not an error.
    """
    raw = dict(vigil_grafana or {})
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise GrafanaConfigError(f"vigil:grafana: unknown keys {unknown}; known: {sorted(_KEYS)}")
    mode = raw.get("notificationPolicy", "manage")
    if mode not in POLICY_MODES:
        raise GrafanaConfigError(
            f"vigil:grafana.notificationPolicy: {mode!r} is not one of {list(POLICY_MODES)}"
        )
    datasources = raw.get("cloudwatchDatasources") or {}
    if not isinstance(datasources, Mapping) or not all(
        isinstance(k, str) and "/" in k and isinstance(v, str) for k, v in datasources.items()
    ):
        raise GrafanaConfigError(
            'vigil:grafana.cloudwatchDatasources: expected {"<account>/<region>": "<uid>"}'
        )
    explicit = raw.get("enabled")
    enabled = bool(explicit) if explicit is not None else has_auth
    reason = ""
    if not enabled:
        reason = (
            "vigil:grafana.enabled is false"
            if explicit is not None
            else "Grafana not configured (set grafana:url and the secret grafana:auth)"
        )
    elif not (provider_url or link_url):
        raise GrafanaConfigError("Grafana enabled but neither grafana:url nor vigil:grafanaUrl set")
    return GrafanaSettings(
        enabled=enabled,
        skip_reason=reason,
        url=(link_url or provider_url or "").rstrip("/"),
        cloudwatch_datasources=frozen_map(datasources),
        cloudwatch_assume_role_arn=raw.get("cloudwatchAssumeRoleArn"),
        zabbix_datasource_uid=raw.get("zabbixDatasourceUid") or None,
        notification_policy=mode,
        default_contact_point=raw.get("defaultContactPoint") or DEFAULT_ROOT_CONTACT_POINT,
    )


_KEYS = {
    "enabled",
    "cloudwatchDatasources",
    "cloudwatchAssumeRoleArn",
    "zabbixDatasourceUid",
    "notificationPolicy",
    "defaultContactPoint",
}
