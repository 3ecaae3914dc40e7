"""availability-treats-missing-as-breaching: a silent site is a down site.

When a health check or instance stops reporting, its availability metric stops too. With
``treatMissingData`` ``missing``/``ignore``/``notBreaching`` the alarm then stays OK (or keeps
its state) exactly when the site is unreachable, so availability alarms must breach.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import EnforcementLevel, ReportViolation, ResourceValidationArgs

from policies import define as d
from policies import graph as g

NAME = "availability-treats-missing-as-breaching"
DESCRIPTION = "Availability alarms treat missing data as breaching."
REMEDIATION = (
    "Set treatMissingData = breaching on availability alarms (vigil's catalog does this for "
    "signals marked availability); do not override treat_missing_data for them in the "
    "inventory."
)
DEFAULTS: dict[str, Any] = {
    "allowed": ["breaching"],
    "availabilityMetrics": [
        "HealthCheckStatus",
        "StatusCheckFailed",
        "StatusCheckFailed_System",
        "StatusCheckFailed_Instance",
        "UnHealthyHostCount",
        "GroupInServiceInstances",
        "ClusterStatus.red",
    ],
}
CONFIG_SCHEMA = d.config_schema(
    DEFAULTS,
    allowed="treatMissingData values accepted on availability alarms.",
    availabilityMetrics="Metric names that make an alarm an availability alarm even without the "
    "vigil:availability tag.",
)


def is_availability(props: Any, metrics: list[str]) -> bool | None:
    """Tagged ``vigil:availability=true`` or watching a known availability metric."""
    tags = g.tags_of(props)
    if isinstance(tags, Mapping) and g.as_bool(tags.get(g.TAG_AVAILABILITY)):
        return True
    metric = g.prop(props, "metricName")
    if isinstance(metric, str) and metric in metrics:
        return True
    if g.is_unknown(tags) or g.is_unknown(metric):
        return None
    return False


def check(args: ResourceValidationArgs, cfg: dict[str, Any], report: ReportViolation) -> None:
    availability = is_availability(args.props, cfg["availabilityMetrics"])
    if availability is None:
        raise g.CannotVerifyUntilApply([f"whether alarm {args.name} is an availability alarm"])
    if not availability:
        return
    treat = g.prop(args.props, "treatMissingData")
    if g.is_unknown(treat):
        raise g.CannotVerifyUntilApply([f"treatMissingData of alarm {args.name}"])
    if treat not in cfg["allowed"]:
        report(
            f"availability alarm {args.name} has treatMissingData={treat or 'missing (default)'}: "
            f"it stays quiet when the site stops reporting. {REMEDIATION}", None
        )


POLICY = d.resource_policy(
    NAME,
    DESCRIPTION,
    EnforcementLevel.MANDATORY,
    REMEDIATION,
    CONFIG_SCHEMA,
    check,
    types=(g.METRIC_ALARM,),
)
