"""`AlarmTiming` from what a MetricAlarm and its Route 53 health check send (wire names).

Shared by the plan report (recorded inputs) and the policy pack (resource props): both read
the same camelCase inputs, so the number shown is the number enforced. Values that are not
known numbers (a preview's unknowns) give ``None``: the caller decides what that means.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vigil.detection.alarm_time import AlarmTiming, HealthCheckTiming

HEALTH_CHECK_METRIC = ("AWS/Route53", "HealthCheckStatus")
ROUTE53_DEFAULT_INTERVAL = 30
ROUTE53_DEFAULT_FAILURE_THRESHOLD = 3
"""Route 53 API reference, ``HealthCheckConfig``: ``RequestInterval`` defaults to 30 and
``FailureThreshold`` to 3 when not given."""


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


def watches_health_check(inputs: Mapping[str, Any]) -> bool:
    return (inputs.get("namespace"), inputs.get("metricName")) == HEALTH_CHECK_METRIC


def health_check_timing(inputs: Mapping[str, Any]) -> HealthCheckTiming | None:
    interval = inputs.get("requestInterval", ROUTE53_DEFAULT_INTERVAL)
    threshold = inputs.get("failureThreshold", ROUTE53_DEFAULT_FAILURE_THRESHOLD)
    if _int(interval) is None or _int(threshold) is None:
        return None
    return HealthCheckTiming(int(interval), int(threshold))


def alarm_timing(
    name: str, inputs: Mapping[str, Any], health_check: Mapping[str, Any] | None = None
) -> AlarmTiming | None:
    """The timing of one recorded alarm; ``health_check``: inputs of the check it watches.

    A metric-math alarm (``metricQueries``) has no top-level metric: its timing is its metric
    rows' (the longest ``period``; the namespace and headline metric of the first row), as
    CloudWatch evaluates the expression once every row has its datapoint."""
    period = _int(inputs.get("period"))
    namespace, metric = inputs.get("namespace"), inputs.get("metricName")
    rows = [
        q["metric"]
        for q in inputs.get("metricQueries") or ()
        if isinstance(q, Mapping) and isinstance(q.get("metric"), Mapping)
    ]
    if rows:
        row_periods = [_int(r.get("period")) for r in rows]
        period = None if None in row_periods else max(p for p in row_periods if p is not None)
        namespace, metric = rows[0].get("namespace"), rows[0].get("metricName")
    periods = _int(inputs.get("evaluationPeriods"))
    datapoints = _int(inputs.get("datapointsToAlarm", periods))
    if None in (period, periods, datapoints) or not isinstance(namespace, str):
        return None
    check = None
    if watches_health_check(inputs):
        check = health_check_timing(health_check if health_check is not None else {})
        if check is None:
            return None
    assert period is not None and periods is not None and datapoints is not None
    return AlarmTiming(
        name=name,
        namespace=namespace,
        metric=metric if isinstance(metric, str) else "",
        period=period,
        evaluation_periods=periods,
        datapoints_to_alarm=datapoints,
        health_check=check,
    )
