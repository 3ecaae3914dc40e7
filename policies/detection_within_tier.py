"""detection-within-tier: every critical availability alarm reaches ALARM within the tier's
``detection_minutes``.

A page the tier's response SLA counts from can only start once the alarm fires. The worst case
from a failure to ALARM is computed from what the alarm sends (period, datapoints to alarm,
namespace: `vigil.detection.alarm_time.worst_case`) and, for a Route 53 URL alarm, the health
check it watches (request interval × failure threshold); the site's ``detectionMinutes`` comes
from its ``SiteMonitoring`` component. `vigil validate` holds each tier to the same number for
every catalog availability signal, and `vigil plan` shows each alarm's figure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import EnforcementLevel, ReportViolation

from policies import define as d
from policies import graph as g
from vigil import limits
from vigil.detection.alarm_time import fmt_minutes, worst_case
from vigil.detection.inputs import alarm_timing, watches_health_check

NAME = "detection-within-tier"
DESCRIPTION = (
    "Every critical availability alarm of a site reaches ALARM, in the worst case, within its "
    "tier's detection_minutes."
)
REMEDIATION = (
    "Shorten the tier's alarm timing (inventory/defaults.yaml alarm / tiers.<tier>.alarm: "
    "period_seconds, datapoints_to_alarm) or raise tiers.<tier>.detection_minutes."
)
DEFAULTS: dict[str, Any] = {"defaultDetectionMinutes": limits.DEFAULT_DETECTION_MINUTES}
CONFIG_SCHEMA = d.config_schema(
    DEFAULTS,
    defaultDetectionMinutes={
        "type": "number",
        "minimum": 1,
        "description": "Detection target of a site whose SiteMonitoring component exposes no "
        "detectionMinutes (a program without tiers' detection_minutes): the built-in default of "
        "vigil's tiers.",
    },
)


def _is_paging(props: Mapping[str, Any]) -> bool | None:
    """Critical and availability by its tags; ``None`` while the tags are unknown."""
    tags = g.tags_of(props)
    if g.is_unknown(tags):
        return None
    if not isinstance(tags, Mapping):
        return False
    return g.as_bool(tags.get(g.TAG_AVAILABILITY)) and tags.get(g.TAG_SEVERITY) == "critical"


def _health_check_props(graph: g.Graph, alarm: Any, props: Mapping[str, Any]) -> Any:
    """Props of the health check a URL alarm watches; ``None``: unknown until apply; ``{}``:
    not in the stack (Route 53's defaults, 30 s × 3, apply: `vigil.detection.inputs`)."""
    dims = props.get("dimensions")
    ref = dims.get("HealthCheckId") if isinstance(dims, Mapping) else None
    found = graph.resolve(alarm, "dimensions", ref, g.HEALTH_CHECK)
    if found is None:  # no id and no single recorded dependency
        return None if g.is_unknown(ref) else {}
    return graph.props(found[0]) if len(found) == 1 else {}


def check(
    graph: g.Graph, cfg: dict[str, Any], report: ReportViolation, unverified: g.Unverified
) -> None:
    for site in graph.sites:
        exposed = g.prop(site.resource.props, "detectionMinutes")
        if g.is_unknown(exposed):
            unverified.add(f"detectionMinutes of site {site.site_id}")
            continue
        target = g.number(exposed)
        if target is None:
            target = float(cfg["defaultDetectionMinutes"])
        for alarm in graph.descendants(site.resource, g.METRIC_ALARM):
            props = graph.props(alarm)
            paging = _is_paging(props)
            if paging is None:
                unverified.add(f"tags of alarm {alarm.name}")
                continue
            if not paging:
                continue
            check_props: Any = {}
            if watches_health_check(props):
                check_props = _health_check_props(graph, alarm, props)
                if check_props is None:
                    unverified.add(f"health check of alarm {alarm.name}")
                    continue
            timing = alarm_timing(alarm.name, props, check_props)
            if timing is None:
                unverified.add(f"period and datapoints of alarm {alarm.name}")
                continue
            worst = worst_case(timing)
            if worst.minutes > target:
                report(
                    f"site {site.site_id} (tier {site.tier}): alarm {alarm.name} reaches ALARM "
                    f"only after {fmt_minutes(worst.minutes)} min in the worst case "
                    f"({worst.formula()}), above the tier's detection_minutes of "
                    f"{fmt_minutes(target)}. {REMEDIATION}",
                    alarm.urn,
                )


POLICY = d.stack_policy(
    NAME, DESCRIPTION, EnforcementLevel.MANDATORY, REMEDIATION, CONFIG_SCHEMA, check
)
