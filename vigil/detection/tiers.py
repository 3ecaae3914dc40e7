"""What `vigil validate` decides from defaults.yaml alone: can a tier's alarm timing meet its
``detection_minutes`` for every catalog availability signal a site of the tier may get?

The same `worst_case` as the policy, on the timing the catalog would give each signal (the
signal's own period, else the tier's; the Route 53 check of every URL), so a valid inventory
passes ``detection-within-tier``.
"""

from __future__ import annotations

from vigil import catalog
from vigil.catalog import url
from vigil.detection.alarm_time import AlarmTiming, Breakdown, HealthCheckTiming, worst_case
from vigil.models import AlarmDefaults

URL_CHECK = HealthCheckTiming(url.REQUEST_INTERVAL, url.FAILURE_THRESHOLD)


def availability_worst_cases(alarm: AlarmDefaults) -> list[Breakdown]:
    """Every catalog availability signal at ``alarm`` timing, slowest first (then by name)."""
    datapoints = min(alarm.datapoints_to_alarm, alarm.evaluation_periods)
    found = []
    for rtype in catalog.resource_types():
        for signal in catalog.signals(rtype):
            if not signal.availability:
                continue
            health = URL_CHECK if (signal.namespace, signal.metric) == (
                url.NS, "HealthCheckStatus"
            ) else None
            timing = AlarmTiming(
                name=f"{rtype}.{signal.key}",
                namespace=signal.namespace,
                metric=signal.metric,
                period=signal.period_seconds or alarm.period_seconds,
                evaluation_periods=alarm.evaluation_periods,
                datapoints_to_alarm=datapoints,
                health_check=health,
            )
            found.append(worst_case(timing))
    return sorted(found, key=lambda b: (-b.seconds, b.name))
