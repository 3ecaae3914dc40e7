"""Worst-case seconds from a failure to the ALARM state of one CloudWatch metric alarm.

The failure starts just after a period began (that partial period may not breach); the alarm
needs ``datapoints_to_alarm`` breaching datapoints, the first full period being the earliest;
each datapoint is complete one ingestion budget after its period ends; CloudWatch evaluates
every minute (every 10 s for 10/30 s periods). A metric published less often than the alarm's
period is looked at per published interval. For a Route 53 URL alarm the health check itself
first needs ``failure_threshold`` consecutive failed checks ``request_interval`` apart (Route 53
Developer Guide, 'How Amazon Route 53 determines whether a health check is healthy').

    worst = checks + align + datapoints × period + ingestion + evaluation
    period = max(alarm period, the namespace's publishing interval)
"""

from __future__ import annotations

from dataclasses import dataclass

from vigil.detection import publication as pub


@dataclass(frozen=True)
class HealthCheckTiming:
    """The Route 53 health check a ``HealthCheckStatus`` alarm watches."""

    request_interval: int  # seconds between one checker's requests (10 or 30)
    failure_threshold: int  # consecutive failed checks before a checker reports unhealthy


@dataclass(frozen=True)
class AlarmTiming:
    """What decides how fast one alarm fires: the inputs CloudWatch gets, and its metric."""

    name: str
    namespace: str
    metric: str
    period: int
    evaluation_periods: int
    datapoints_to_alarm: int
    health_check: HealthCheckTiming | None = None
    detailed_monitoring: bool | None = None
    """EC2 only; ``None``: unknown (a recorded alarm), the alarm's own period is trusted."""


@dataclass(frozen=True)
class Breakdown:
    """The worst case of one alarm, term by term (seconds)."""

    name: str
    checks: int  # Route 53: request interval × failure threshold; 0 otherwise
    align: int  # the partial period the failure started in
    breaching: int  # datapoints to alarm × effective period
    ingestion: int
    evaluation: int
    period: int  # the effective period (alarm period or publishing interval, the longer)
    datapoints: int

    @property
    def seconds(self) -> int:
        return self.checks + self.align + self.breaching + self.ingestion + self.evaluation

    @property
    def minutes(self) -> float:
        return self.seconds / 60

    def formula(self) -> str:
        """``R53 3×30 s + align 60 s + 3×60 s + ingestion 60 s + evaluation 60 s = 7.5 min``."""
        parts = []
        if self.checks:
            parts.append(f"Route 53 checks {self.checks} s")
        parts += [
            f"align {self.align} s",
            f"{self.datapoints}×{self.period} s",
            f"ingestion {self.ingestion} s",
            f"evaluation {self.evaluation} s",
        ]
        return " + ".join(parts) + f" = {fmt_minutes(self.minutes)} min"

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "seconds": self.seconds,
            "minutes": round(self.minutes, 2),
            "routeHealthCheckSeconds": self.checks,
            "alignSeconds": self.align,
            "breachingSeconds": self.breaching,
            "ingestionSeconds": self.ingestion,
            "evaluationSeconds": self.evaluation,
            "effectivePeriod": self.period,
            "datapointsToAlarm": self.datapoints,
        }


def fmt_minutes(minutes: float) -> str:
    """``7.5``, ``6``: minutes without a trailing ``.0``."""
    return f"{minutes:.2f}".rstrip("0").rstrip(".")


def worst_case(timing: AlarmTiming) -> Breakdown:
    """The worst-case time from a failure to ALARM for ``timing`` (see the module formula)."""
    published = pub.resolution(timing.namespace, timing.metric, timing.detailed_monitoring)
    if timing.namespace == "AWS/EC2" and timing.detailed_monitoring is None:
        published = pub.ONE_MINUTE  # unknown monitoring: the catalog sized the period to it
    period = max(timing.period, published)
    datapoints = max(1, min(timing.datapoints_to_alarm, timing.evaluation_periods))
    checks = 0
    if timing.health_check is not None:
        checks = timing.health_check.request_interval * timing.health_check.failure_threshold
    evaluation = (
        pub.EVALUATION_SECONDS_HIGH_RESOLUTION
        if timing.period < pub.ONE_MINUTE
        else pub.EVALUATION_SECONDS
    )
    return Breakdown(
        name=timing.name,
        checks=checks,
        align=period,
        breaching=datapoints * period,
        ingestion=pub.INGESTION_SECONDS,
        evaluation=evaluation,
        period=period,
        datapoints=datapoints,
    )
