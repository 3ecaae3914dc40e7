"""Coverage per site: how many objects each tool got, and human-readable gaps.

Counted from the recorded graph only (type tokens and component props of the architecture
contract), so the same numbers come out of a live plan and of a saved plan file.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from vigil import resource_types as rt
from vigil.plan.record import SITE_TYPE, Recording, Resource

TOOLS = ("cloudwatch", "zabbix", "grafana", "pagerduty")

COUNTED: dict[str, tuple[str, ...]] = {
    "cloudwatch": (rt.METRIC_ALARM,),
    "grafana": (rt.GRAFANA_DASHBOARD,),
    "pagerduty": (rt.PD_SERVICE,),
}
"""Tools counted by resource; Zabbix is counted by what its config resource holds."""
TOOL_OF = {t: tool for tool, types in COUNTED.items() for t in types}

HEALTH_CHECK = rt.HEALTH_CHECK
SUBSCRIPTION = rt.SNS_SUBSCRIPTION
INTEGRATION = rt.PD_INTEGRATION
CONTACT_POINT = rt.GRAFANA_CONTACT_POINT
ZABBIX_COUNTED = ("web_scenarios", "host_names")
"""A Zabbix ``config`` resource's objects that watch the site: web scenarios and hosts."""


def _zabbix_configs(members: list[Resource]) -> list[Resource]:
    return [r for r in members if rt.is_dynamic(r.type) and r.inputs.get("kind") == "config"]


def _zabbix_count(config: Resource) -> int:
    return sum(len(config.inputs.get(key) or ()) for key in ZABBIX_COUNTED)


@dataclass
class SiteCoverage:
    id: str
    client: str | None
    tier: str | None
    coverage: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TOOLS, 0))
    gaps: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "client": self.client,
            "tier": self.tier,
            "coverage": dict(self.coverage),
            "gaps": list(self.gaps),
        }


def _flag(props: dict[str, Any], key: str) -> bool | None:
    value = props.get(key)
    return value if isinstance(value, bool) else None


def site_coverage(graph: Recording) -> list[SiteCoverage]:
    """One entry per ``SiteMonitoring`` (sorted by id), counted over its descendants."""
    members: dict[str, list[Resource]] = defaultdict(list)
    for r in graph.resources:
        if r.site:
            members[r.site].append(r)
    result = []
    for site in sorted(graph.of_type(SITE_TYPE), key=lambda r: r.name):
        props = site.inputs
        cov = SiteCoverage(site.name, props.get("client"), props.get("tier"))
        kinds: dict[str, int] = defaultdict(int)
        for r in members[site.name]:
            kinds[r.type] += 1
            tool = TOOL_OF.get(r.type)
            if tool:
                cov.coverage[tool] += 1
        cov.coverage["zabbix"] = sum(map(_zabbix_count, _zabbix_configs(members[site.name])))
        cov.gaps = _gaps(props, cov.coverage, kinds, members[site.name])
        result.append(cov)
    return result


def _gaps(
    props: dict[str, Any], counts: dict[str, int], kinds: dict[str, int], members: list[Resource]
) -> list[str]:
    gaps = []
    alarms = [r for r in members if TOOL_OF.get(r.type) == "cloudwatch"]
    if not alarms:
        gaps.append("no CloudWatch alarms")
    else:
        silent = [a for a in alarms if not a.inputs.get("alarmActions")]
        if silent:
            gaps.append(f"{len(silent)} CloudWatch alarm(s) notify nobody")
        if not kinds.get(SUBSCRIPTION):
            gaps.append("CloudWatch alarms not routed to PagerDuty (no SNS subscription)")
    if not kinds.get(HEALTH_CHECK):
        gaps.append("no URL health check")
    if counts["zabbix"] == 0:
        gaps.append(
            "zabbix not configured for this stack"
            if _flag(props, "zabbixEnabled") is False
            else "no Zabbix objects"
        )
    elif not any(c.inputs.get("web_scenarios") for c in _zabbix_configs(members)):
        gaps.append("no Zabbix web check")
    if counts["grafana"] == 0:
        gaps.append(
            "grafana not configured for this stack"
            if _flag(props, "grafanaEnabled") is False
            else "no Grafana dashboard"
        )
    elif not kinds.get(CONTACT_POINT):
        gaps.append("Grafana alerts not routed to PagerDuty (no contact point)")
    if counts["pagerduty"] == 0:
        gaps.append("no PagerDuty service")
    elif not kinds.get(INTEGRATION):
        gaps.append("PagerDuty service has no integrations")
    return gaps
