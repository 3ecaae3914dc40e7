"""Per site: worst case from a failure to the first human paged, from the plan's recording.

    first human = detection (the slowest critical availability alarm to reach ALARM)
                + SNS → PagerDuty delivery (HTTPS retries of the default delivery policy)
                + PagerDuty (the first escalation rule is paged when the incident opens)

and each later escalation level at that offset plus its minute in the team × tier timeline
(`vigil.pagerduty.timeline`). Only the CloudWatch path is timed: it is the one whose delays
AWS documents; Zabbix and Grafana page through their own schedulers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from vigil import naming
from vigil import resource_types as rt
from vigil.detection import publication as pub
from vigil.detection.alarm_time import Breakdown, fmt_minutes, worst_case
from vigil.detection.inputs import alarm_timing, watches_health_check
from vigil.pagerduty.timeline import Timeline
from vigil.plan.record import Recording, Resource


@dataclass(frozen=True)
class AlarmDetection:
    breakdown: Breakdown
    severity: str
    availability: bool

    @property
    def pages(self) -> bool:
        """Critical availability alarms are the ones the tier's detection target is about."""
        return self.availability and self.severity == "critical"


@dataclass(frozen=True)
class SitePage:
    site: str
    tier: str
    target_minutes: float | None  # the tier's detection_minutes (SiteMonitoring prop)
    alarms: tuple[AlarmDetection, ...]  # sorted by name
    sns_seconds: int
    pagerduty_seconds: int
    timeline: Timeline | None
    unknown: tuple[str, ...] = ()  # alarms whose timing could not be read

    @property
    def worst(self) -> Breakdown | None:
        paging = [a.breakdown for a in self.alarms if a.pages]
        return max(paging, key=lambda b: (b.seconds, b.name)) if paging else None

    @property
    def first_human_seconds(self) -> int | None:
        worst = self.worst
        if worst is None:
            return None
        return worst.seconds + self.sns_seconds + self.pagerduty_seconds

    @property
    def within_target(self) -> bool | None:
        worst = self.worst
        if worst is None or self.target_minutes is None:
            return None
        return worst.minutes <= self.target_minutes

    def escalation(self) -> list[tuple[str, int, float]]:
        """(level, loop, minute after the failure) for every page of the timeline."""
        start = self.first_human_seconds
        if start is None or self.timeline is None:
            return []
        return [(p.level, p.loop, start / 60 + p.minute) for p in self.timeline.pages]

    def summary(self) -> str:
        """One terminal line: worst alarm with its formula, delivery, first human, escalation."""
        worst = self.worst
        if worst is None:
            return "no critical availability alarm: nothing to time"
        first = self.first_human_seconds or 0
        later = [
            f"{level} {fmt_minutes(minute)}′"
            for level, loop, minute in self.escalation()
            if loop == 1 and minute * 60 > first
        ]
        target = (
            f" (detection target {fmt_minutes(self.target_minutes)} min)"
            if self.target_minutes is not None
            else ""
        )
        return (
            f"ALARM ≤ {fmt_minutes(worst.minutes)} min{target} via {worst.name}: "
            f"{worst.formula()} · SNS ≤ {self.sns_seconds} s · first human ≤ "
            f"{fmt_minutes(first / 60)} min"
            + (" · then " + " · ".join(later) if later else "")
        )

    def as_json(self) -> dict[str, Any]:
        worst = self.worst
        first = self.first_human_seconds
        return {
            "site": self.site,
            "tier": self.tier,
            "detectionMinutes": self.target_minutes,
            "withinTarget": self.within_target,
            "worstAlarm": worst.name if worst else None,
            "worstCaseAlarmMinutes": round(worst.minutes, 2) if worst else None,
            "snsDeliverySeconds": self.sns_seconds,
            "pagerdutySeconds": self.pagerduty_seconds,
            "firstHumanMinutes": round(first / 60, 2) if first is not None else None,
            "escalation": [
                {"level": level, "loop": loop, "minute": round(minute, 2)}
                for level, loop, minute in self.escalation()
            ],
            "alarms": [
                {**a.breakdown.as_json(), "severity": a.severity, "availability": a.availability}
                for a in self.alarms
            ],
            "unknown": list(self.unknown),
        }


_ByKey = dict[str, Resource]


def _health_checks(resources: Iterable[Resource]) -> tuple[_ByKey, _ByKey]:
    """Route 53 health checks by URN and by id (the mock id ``<name>-id`` in saved plans)."""
    by_urn: dict[str, Resource] = {}
    by_id: dict[str, Resource] = {}
    for r in resources:
        if r.type == rt.HEALTH_CHECK:
            by_urn[r.urn] = r
            by_id[r.id or f"{r.name}-id"] = r
    return by_urn, by_id


def _health_check_of(
    alarm: Resource, by_urn: Mapping[str, Resource], by_id: Mapping[str, Resource]
) -> Resource | None:
    dims = alarm.inputs.get("dimensions") or {}
    check_id = dims.get("HealthCheckId") if isinstance(dims, Mapping) else None
    found = by_id.get(check_id) if isinstance(check_id, str) else None
    if found is not None:
        return found
    linked = [by_urn[d] for d in alarm.dependencies if d in by_urn]
    return linked[0] if len(linked) == 1 else None


def alarm_detection(
    alarm: Resource, by_urn: Mapping[str, Resource], by_id: Mapping[str, Resource]
) -> AlarmDetection | None:
    inputs = alarm.inputs
    check = _health_check_of(alarm, by_urn, by_id) if watches_health_check(inputs) else None
    timing = alarm_timing(alarm.name, inputs, check.inputs if check is not None else None)
    if timing is None:
        return None
    tags = inputs.get("tags") or {}
    return AlarmDetection(
        worst_case(timing),
        severity=str(tags.get(naming.TAG_SEVERITY, "")),
        availability=str(tags.get(naming.TAG_AVAILABILITY, "")).lower() == "true",
    )


def site_pages(recording: Recording, timelines: Iterable[Timeline] = ()) -> list[SitePage]:
    """One `SitePage` per ``SiteMonitoring`` of the recording, sorted by site id."""
    by_urn, by_id = _health_checks(recording.resources)
    alarms: dict[str, list[AlarmDetection]] = defaultdict(list)
    unknown: dict[str, list[str]] = defaultdict(list)
    for r in recording.resources:
        if r.type != rt.METRIC_ALARM or r.site is None:
            continue
        found = alarm_detection(r, by_urn, by_id)
        if found is None:
            unknown[r.site].append(r.name)
        else:
            alarms[r.site].append(found)
    by_team_tier = {(t.team, t.tier): t for t in timelines}
    pages = []
    for site in recording.of_type(rt.SITE):
        props = site.inputs
        target = props.get("detectionMinutes")
        pages.append(
            SitePage(
                site=site.name,
                tier=str(props.get("tier") or ""),
                target_minutes=float(target) if isinstance(target, int | float) else None,
                alarms=tuple(sorted(alarms[site.name], key=lambda a: a.breakdown.name)),
                sns_seconds=pub.SNS_HTTPS_RETRY_SECONDS,
                pagerduty_seconds=pub.PAGERDUTY_FIRST_RULE_SECONDS,
                timeline=by_team_tier.get((str(props.get("ownerTeam")), str(props.get("tier")))),
                unknown=tuple(sorted(unknown[site.name])),
            )
        )
    return sorted(pages, key=lambda p: p.site)
