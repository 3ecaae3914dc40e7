"""defaults.yaml checks: tier time zones and hours, alarm timing, threshold layers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vigil import catalog, limits
from vigil.defaults import BUSINESS_HOURS, TIER
from vigil.inventory.cascade import Cascade, order_problems
from vigil.inventory.checks import aws, pagerduty
from vigil.inventory.checks.context import catalog_signals
from vigil.inventory.checks.thresholds import layer_problems
from vigil.inventory.problems import Path, Problem
from vigil.inventory.yaml_source import Source
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

