"""defaults.yaml checks: tier time zones and hours, alarm timing, threshold layers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vigil import catalog, limits
from vigil.defaults import BUSINESS_HOURS, TIER
from vigil.detection.tiers import availability_worst_cases
from vigil.inventory.cascade import Cascade, order_problems
from vigil.inventory.checks import aws, pagerduty
from vigil.inventory.checks.context import catalog_signals
from vigil.inventory.checks.thresholds import layer_problems
from vigil.inventory.problems import Path, Problem
from vigil.inventory.yaml_source import Source
from vigil.models import AlarmDefaults
from vigil.oncall import minutes_of_day


def check_defaults(src: Source, cascade: Cascade | None = None) -> list[Problem]:
    """Tier time zones and hours, alarm timing and threshold layers of defaults.yaml.

    ``cascade`` (over ``src``) keeps the folds of the defaults and tier layers for the sites.
    """
    doc = src.data
    cascade = cascade or Cascade(src)
    problems: list[Problem] = pagerduty.defaults_problems(src)
    global_layer = doc.get("thresholds") or {}
    problems += layer_problems(src, ("thresholds",), global_layer)
    problems += aws.defaults_problems(src)  # alarm timing, with the AWS rules the plan applies
    for name, tier in doc["tiers"].items():
        base = ("tiers", name)
        hours = tier.get("support_hours")
        if isinstance(hours, dict):
            start = hours.get("start", BUSINESS_HOURS.start)
            end = hours.get("end", BUSINESS_HOURS.end)
            if minutes_of_day(end) <= minutes_of_day(start):
                problems.append(
                    src.problem(
                        (*base, "support_hours", "end"), f"end {end} must be after start {start}"
                    )
                )
        problems += _sla_problems(src, base, tier)
        alarm = {**(doc.get("alarm") or {}), **(tier.get("alarm") or {})}
        problems += _detection_problems(src, name, alarm)
        tier_layer = tier.get("thresholds") or {}
        problems += layer_problems(src, (*base, "thresholds"), tier_layer)
        for rtype in catalog.resource_types():
            signals = catalog_signals(rtype)
            problems += order_problems(cascade.above(name, rtype), rtype, signals)
    return problems


def _sla_problems(src: Source, base: Path, tier: Mapping[str, Any]) -> list[Problem]:
    """The tier's SLA is its first escalation delay: within what escalation-within-sla allows."""
    always = tier.get("support_hours", TIER.support_hours) == "24x7"
    cap = (
        limits.MAX_FIRST_ESCALATION_MINUTES
        if always
        else limits.MAX_FIRST_ESCALATION_MINUTES_BUSINESS_HOURS
    )
    sla = tier["response_sla_minutes"]
    if sla <= cap:
        return []
    kind, key = (
        ("24x7", "maxFirstEscalationMinutes")
        if always
        else ("business-hours", "maxFirstEscalationMinutesBusinessHours")
    )
    return [
        src.problem(
            (*base, "response_sla_minutes"),
            f"response_sla_minutes {sla} is above {cap}, the longest first escalation the "
            f"mandatory policy escalation-within-sla allows for a {kind} tier ({key}); "
            "an unacknowledged page would wait that long before anyone else is paged",
        )
    ]


def _detection_problems(src: Source, tier: str, alarm: Mapping[str, Any]) -> list[Problem]:
    """The tier's alarm timing meets its ``detection_minutes`` for every availability signal
    (``detection-within-tier``); reported where the target is set, naming the alarm timing."""
    doc = src.data
    tier_doc = doc["tiers"][tier]
    try:
        timing = AlarmDefaults(**alarm)
    except TypeError:
        return []  # the schema reports unknown alarm keys
    if timing.datapoints_to_alarm > timing.evaluation_periods:
        return []  # reported by aws.defaults_problems (the AWS rule)
    slow = availability_worst_cases(timing)
    if not slow:
        return []
    worst = slow[0]
    at: Path
    if "detection_minutes" in tier_doc:
        target, at = tier_doc["detection_minutes"], ("tiers", tier, "detection_minutes")
    elif "detection_minutes" in doc:
        target, at = doc["detection_minutes"], ("detection_minutes",)
    else:
        target, at = limits.DEFAULT_DETECTION_MINUTES, ("tiers", tier)
    if worst.minutes <= target:
        return []
    timing_at: Path = ("tiers", tier, "alarm") if "alarm" in tier_doc else ("alarm",)
    line, _ = src.locate(timing_at)
    where = f"{src.file}:{line}" if "alarm" in tier_doc or "alarm" in doc else "the defaults"
    return [
        src.problem(
            at,
            f"tier {tier}: detection_minutes {target} is below the worst case of its "
            f"availability alarm {worst.name}: {worst.formula()} (alarm timing "
            f"{timing.period_seconds} s × {timing.datapoints_to_alarm} of "
            f"{timing.evaluation_periods}, set at {where}); the mandatory policy "
            "detection-within-tier would fail its sites. Raise detection_minutes or shorten "
            "the alarm timing",
            at_key=at == ("tiers", tier),
        )
    ]

