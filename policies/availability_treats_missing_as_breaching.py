"""availability-treats-missing-as-breaching: a silent site is a down site.

When a health check or instance stops reporting, its availability metric stops too. With
``treatMissingData`` ``missing``/``ignore``/``notBreaching`` the alarm then stays OK (or keeps
its state) exactly when the site is unreachable, so availability alarms must breach.

One exception, by the inventory's word: an alarm tagged ``vigil:may-be-stopped=true`` watches a
resource stopped on purpose at times (EC2 ``may_be_stopped``); a stopped instance publishes no
status checks, so ``allowedWhenMayBeStopped`` (``notBreaching``) is accepted there. Such a
resource has no heartbeat alarm either (``reporting-signals-have-heartbeat`` exempts it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import EnforcementLevel, ReportViolation, ResourceValidationArgs

from policies import define as d
from policies import graph as g
from vigil.naming import TAG_MAY_BE_STOPPED

NAME = "availability-treats-missing-as-breaching"
DESCRIPTION = "Availability alarms treat missing data as breaching."
REMEDIATION = (
    "Set treatMissingData = breaching on availability alarms (vigil's catalog does this for "
    "signals marked availability); do not override treat_missing_data for them in the "
    "inventory."
)
DEFAULTS: dict[str, Any] = {
    "allowed": ["breaching"],
    "allowedWhenMayBeStopped": ["breaching", "notBreaching"],
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
    allowedWhenMayBeStopped="treatMissingData values accepted on availability alarms tagged "
    "vigil:may-be-stopped=true (a resource stopped on purpose publishes nothing).",
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
    tags = g.tags_of(args.props)
    stoppable = isinstance(tags, Mapping) and g.as_bool(tags.get(TAG_MAY_BE_STOPPED))
    if treat not in cfg["allowedWhenMayBeStopped" if stoppable else "allowed"]:
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
