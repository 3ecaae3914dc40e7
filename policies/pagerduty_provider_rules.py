"""pagerduty-provider-rules: every PagerDuty input vigil generates passes the provider and API.

The rules, and the provider file/function or API section each comes from, live once in
``vigil.pagerduty.rules``; ``vigil validate`` applies them to the inventory values. This policy
applies them to what the program really sends (schedules, escalation policies, services, alert
grouping settings), so a generator bug fails the plan instead of the first ``pulumi up``.
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import EnforcementLevel, ReportViolation, ResourceValidationArgs

from policies import define as d
from policies import graph as g
from vigil.pagerduty import rules

NAME = "pagerduty-provider-rules"
DESCRIPTION = (
    "PagerDuty schedules, escalation policies, services and alert grouping settings satisfy "
    "the rules pulumi-pagerduty's provider and the PagerDuty API enforce."
)
REMEDIATION = (
    "Fix the inventory value the input comes from (vigil validate names its line), or the "
    "generator in vigil/pagerduty/ if the inventory is valid; the rule's source is quoted."
)
DEFAULTS: dict[str, Any] = {"ignoredRules": []}
CONFIG_SCHEMA = d.config_schema(
    DEFAULTS,
    ignoredRules="Rule keys of vigil.pagerduty.rules.RULES not to check (e.g. when an "
    "account's provider version differs); every other rule stays mandatory.",
)


def _unknown(value: Any) -> bool:
    """Unknown during preview; a list of user ids keeps its length, so it stays checkable."""
    if isinstance(value, list):
        return g.is_unknown(value)
    return g.contains_unknown(value)


def check(args: ResourceValidationArgs, cfg: dict[str, Any], report: ReportViolation) -> None:
    inputs = g.plain(args.props) or {}
    unknown: list[str] = []

    def skip(value: Any) -> bool:
        if _unknown(value):
            unknown.append(f"PagerDuty inputs of {args.name}")
            return True
        return False

    for v in rules.check_inputs(args.resource_type, inputs, skip):
        if v.rule in cfg["ignoredRules"]:
            continue
        report(f"{args.name}: {v.path}: {v.message} [rule {v.rule}: {v.source}]", None)
    if unknown:
        raise g.CannotVerifyUntilApply(sorted(set(unknown)))


POLICY = d.resource_policy(
    NAME,
    DESCRIPTION,
    EnforcementLevel.MANDATORY,
    REMEDIATION,
    CONFIG_SCHEMA,
    check,
    types=tuple(sorted(rules.RULE_TYPES)),
)
