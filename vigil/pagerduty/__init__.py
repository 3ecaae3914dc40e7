"""Pure PagerDuty specs from the inventory: schedules, escalation policies, service urgency.

PagerDuty interprets every layer restriction in its schedule's single time zone, while the
inventory writes each layer in its own zone (follow-the-sun). A schedule whose layers use
several zones is therefore split into one PagerDuty schedule per zone, all targeted by the same
escalation rule: each keeps its local hours across daylight saving time, and their union is
exactly what ``vigil.oncall_calendar`` checks (one PagerDuty schedule, hence one person, per
zone at a time; the escalation rule pages them all).

Urgency follows the alert's severity (PagerDuty "dynamic notifications", urgency
``severity_based``): ``critical``/``error`` alerts open high-urgency incidents, ``warning``/``info``
alerts low-urgency ones that notify but never escalate. Zabbix and Grafana send Events API v2
with a severity already; CloudWatch alarms arrive through the Amazon CloudWatch integration
without one, so the service's Event Orchestration sets it from the alarm name, whose last part is
the vigil severity (``{site}-{resource}-{signal}-{severity}``, ``vigil.naming``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from vigil.models import SEVERITIES, WEEKDAYS, Layer, Schedule, Team, Tier
from vigil.naming import slug

MIN_ESCALATION_DELAY = 1
"""PagerDuty rejects escalation rules that escalate in less than a minute (``rules``)."""
ALERT_GROUPING_SECONDS = 300
"""Time-based grouping window: alarm storms of one site within 5 minutes become one incident.
``AlertGroupingSetting.config.timeout`` counts seconds (``rules.grouping_timeout``)."""

SEVERITY_BASED = "severity_based"
PAGERDUTY_SEVERITY = {"critical": "critical", "warning": "warning"}
"""vigil severity → PagerDuty alert severity."""
HIGH_SEVERITIES = frozenset({"critical", "error"})
"""Severities ``severity_based`` urgency makes high (``warning``, ``info`` → low)."""
CLOUDWATCH_ALARM_NAME = "event.custom_details.AlarmName"
"""Where the Amazon CloudWatch integration puts the alarm name of the SNS notification."""


@dataclass(frozen=True)
class RestrictionSpec:
    type: str  # daily_restriction | weekly_restriction
    start_time_of_day: str  # HH:MM:SS, schedule time zone
    duration_seconds: int
    start_day_of_week: int | None = None  # 1 = Monday … 7 = Sunday (weekly only)


@dataclass(frozen=True)
class LayerSpec:
    name: str
    start: str  # ISO 8601 with offset
    rotation_virtual_start: str
    rotation_turn_length_seconds: int
    users: tuple[str, ...]  # emails, rotation order
    restrictions: tuple[RestrictionSpec, ...]
    end: str | None = None  # ISO 8601 with offset


@dataclass(frozen=True)
class ScheduleSpec:
    resource_name: str  # Pulumi name: {team}-{schedule}[-{zone}]
    name: str  # PagerDuty display name
    source: str  # inventory schedule key
    time_zone: str
    layers: tuple[LayerSpec, ...]


@dataclass(frozen=True)
class RuleSpec:
    level: str
    delay_minutes: int
    schedules: tuple[str, ...]  # ScheduleSpec.resource_name
    users: tuple[str, ...]  # emails


@dataclass(frozen=True)
class EscalationSpec:
    resource_name: str  # {team}-{tier}
    name: str
    num_loops: int
    rules: tuple[RuleSpec, ...]


@dataclass(frozen=True)
class UrgencySpec:
    """A tier's incident urgency: severity-based around the clock (24×7), or severity-based in
    support hours and low outside them."""

    type: str  # constant | use_support_hours
    urgency: str | None = None  # constant only: severity_based
    during_support_hours: str | None = None
    outside_support_hours: str | None = None
    time_zone: str | None = None
    start_time: str | None = None  # HH:MM:SS
    end_time: str | None = None
    days_of_week: tuple[int, ...] = ()


def _hhmmss(value: str) -> str:
    hours, minutes = value.split(":")[:2]
    return f"{int(hours):02d}:{int(minutes):02d}:00"


def _iso_with_offset(local: str, zone: str) -> str:
    """``2026-01-05T07:00:00`` in ``Australia/Sydney`` → ``2026-01-05T07:00:00+11:00``."""
    moment = datetime.fromisoformat(local)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.isoformat()


def layer_spec(layer: Layer) -> LayerSpec:
    restrictions: list[RestrictionSpec] = []
    for r in layer.restrictions:
        start = _hhmmss(r.start)
        if not r.days:
            restrictions.append(
                RestrictionSpec("daily_restriction", start, r.duration_minutes * 60)
            )
            continue
        restrictions.extend(
            RestrictionSpec(
                "weekly_restriction", start, r.duration_minutes * 60, WEEKDAYS.index(d) + 1
            )
            for d in r.days
        )
    start = _iso_with_offset(layer.start, layer.timezone)
    return LayerSpec(
        name=layer.name,
        start=start,
        rotation_virtual_start=start,
        rotation_turn_length_seconds=layer.turn_length_seconds,
        users=layer.members,
        restrictions=tuple(restrictions),
        end=_iso_with_offset(layer.end, layer.timezone) if layer.end else None,
    )


def schedule_specs(team: Team, schedule: Schedule) -> tuple[ScheduleSpec, ...]:
    """One PagerDuty schedule per layer time zone (one in total when all layers share a zone)."""
    layers = [layer for layer in schedule.layers if layer.members]
    zones = list(dict.fromkeys(layer.timezone for layer in layers))
    base = f"{team.key}-{schedule.key}"
    if len(zones) <= 1:
        zone = zones[0] if zones else schedule.timezone
        return (
            ScheduleSpec(base, schedule.name, schedule.key, zone, tuple(map(layer_spec, layers))),
        )
    def names(zone: str) -> str:
        return ", ".join(lay.name for lay in layers if lay.timezone == zone)

    return tuple(
        ScheduleSpec(
            resource_name=f"{base}-{slug(zone)}",
            name=f"{schedule.name} ({names(zone)})",
            source=schedule.key,
            time_zone=zone,
            layers=tuple(layer_spec(lay) for lay in layers if lay.timezone == zone),
        )
        for zone in zones
    )


def team_schedules(team: Team) -> tuple[ScheduleSpec, ...]:
    return tuple(spec for s in team.schedules for spec in schedule_specs(team, s))


def escalation_spec(team: Team, tier: Tier) -> EscalationSpec:
    """L1 → L4 in inventory order; each rule escalates after its level's ``delay_minutes``, or
    the tier's SLA where none is given. L1's own delay is honoured: ``vigil validate`` rejects
    one longer than the SLA of a tier the team's sites use (``l1_delay_problem``)."""
    by_source: dict[str, list[str]] = {}
    for spec in team_schedules(team):
        by_source.setdefault(spec.source, []).append(spec.resource_name)
    rules = []
    for level in team.escalation:
        delay = level.delay_minutes or tier.response_sla_minutes
        rules.append(
            RuleSpec(
                level=level.level,
                delay_minutes=max(MIN_ESCALATION_DELAY, delay),
                schedules=tuple(by_source.get(level.schedule, ())) if level.schedule else (),
                users=level.users,
            )
        )
    return EscalationSpec(
        resource_name=f"{team.key}-{tier.name}",
        name=f"{team.name} — {tier.name} (SLA {tier.response_sla_minutes} min)",
        num_loops=tier.escalation_loops,
        rules=tuple(rules),
    )


def l1_delay_problem(team: Team, tier: Tier) -> str | None:
    """Why ``team``'s L1 ``delay_minutes`` cannot serve ``tier`` (longer than its SLA), if so."""
    l1 = next((lvl for lvl in team.escalation if lvl.level == "L1"), None)
    if l1 is None or l1.delay_minutes is None:
        return None
    if l1.delay_minutes <= tier.response_sla_minutes:
        return None
    return (f"team '{team.key}' L1 delay_minutes {l1.delay_minutes} exceeds tier '{tier.name}' "
            f"response SLA of {tier.response_sla_minutes} min: L2 would be paged too late; "
            f"lower it or remove it (L1 then escalates after the SLA)")


def timeout_seconds(minutes: int | None) -> str:
    """A service timeout as the provider takes it: seconds, or ``"null"`` for never."""
    return str(minutes * 60) if minutes else "null"


def urgency_spec(tier: Tier) -> UrgencySpec:
    """Severity decides urgency whenever someone is meant to respond; outside a business-hours
    tier's support hours everything is low.

    No scheduled action: PagerDuty allows one (``urgency_change`` at ``support_hours_start``)
    only with urgency high during / low outside support hours (``rules.urgency_rule``), and
    high during hours would make every warning escalate like an outage. Severity-based during
    hours keeps the severity contract; the provider's own acceptance test
    ``testAccCheckPagerDutyServiceWithIncidentUrgencyRulesWithoutScheduledActionsConfig``
    creates exactly this shape. The cost, stated in the README: an incident opened outside
    hours stays low urgency (it notifies, never escalates) when support hours begin."""
    hours = tier.support_hours
    if hours.always or tier.urgency_outside_hours == "high":
        return UrgencySpec(type="constant", urgency=SEVERITY_BASED)
    return UrgencySpec(
        type="use_support_hours",
        during_support_hours=SEVERITY_BASED,
        outside_support_hours="low",
        time_zone=hours.timezone,
        start_time=_hhmmss(hours.start),
        end_time=_hhmmss(hours.end) if hours.end != "24:00" else "23:59:00",
        days_of_week=tuple(WEEKDAYS.index(d) + 1 for d in hours.days),
    )


def incident_urgency(spec: UrgencySpec, alert_severity: str, in_support_hours: bool) -> str:
    """The urgency PagerDuty gives an incident opened by an alert of ``alert_severity``."""
    if spec.type == "constant":
        chosen = spec.urgency
    else:
        chosen = spec.during_support_hours if in_support_hours else spec.outside_support_hours
    if chosen == SEVERITY_BASED:
        return "high" if alert_severity in HIGH_SEVERITIES else "low"
    return str(chosen)


@dataclass(frozen=True)
class SeverityRuleSpec:
    """One Service Orchestration rule: CloudWatch alarms of a vigil severity get that severity."""

    label: str
    expression: str  # PCL condition
    severity: str  # PagerDuty alert severity


def alarm_name_expression(severity: str) -> str:
    """PCL: the CloudWatch alarm name ends with ``-{severity}`` (anchored both ends, so it means
    the same whether PagerDuty matches the regex against the whole value or searches in it)."""
    return f"{CLOUDWATCH_ALARM_NAME} matches regex '^.*-{severity}$'"


def severity_rules() -> tuple[SeverityRuleSpec, ...]:
    """Start-set rules of every site's Service Orchestration (disjoint: order is irrelevant).

    Events without ``AlarmName`` (Zabbix, Grafana: Events API v2 with their own severity) match
    no rule and keep their severity; a CloudWatch alarm not named by vigil keeps the
    integration's default, which PagerDuty treats as high urgency.
    """
    return tuple(
        SeverityRuleSpec(
            label=f"CloudWatch {severity} alarms: severity {PAGERDUTY_SEVERITY[severity]}",
            expression=alarm_name_expression(severity),
            severity=PAGERDUTY_SEVERITY[severity],
        )
        for severity in SEVERITIES
    )
