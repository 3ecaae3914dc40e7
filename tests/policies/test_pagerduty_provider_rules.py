"""pagerduty-provider-rules: each rule on generated inputs, and the pack on the real program."""

from __future__ import annotations

import pytest
from pulumi_policy import ResourceValidationArgs
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from policies import graph as g
from policies import pagerduty_provider_rules as policy
from vigil.pagerduty import rules
from vigil.resource_types import PD_ALERT_GROUPING

NAME = "pagerduty-provider-rules"


def check(type_: str, props: dict) -> list[str]:
    found: list[str] = []
    a = ResourceValidationArgs(type_, unknown_checking_proxy(props), "urn:t", "t", None, None)
    policy.POLICY.validate(a, lambda m, u=None: found.append(m))
    return found


LAYER = {"name": "a", "start": "2026-01-05T07:00:00+11:00",
         "rotationVirtualStart": "2026-01-05T07:00:00+11:00",
         "rotationTurnLengthSeconds": 604800, "users": ["u1"],
         "restrictions": [{"type": "daily_restriction", "startTimeOfDay": "07:00:00",
                           "durationSeconds": 32400}]}
SCHEDULE = {"name": "s", "timeZone": "Australia/Sydney", "layers": [LAYER]}
SERVICE = {"name": "Shop (acme-shop)", "escalationPolicy": "ep-id",
           "acknowledgementTimeout": "1800", "autoResolveTimeout": "null",
           "incidentUrgencyRule": {"type": "constant", "urgency": "severity_based"}}
BUSINESS = {**SERVICE,
            "incidentUrgencyRule": {"type": "use_support_hours",
                                    "duringSupportHours": {"type": "constant",
                                                           "urgency": "severity_based"},
                                    "outsideSupportHours": {"type": "constant", "urgency": "low"}},
            "supportHours": {"type": "fixed_time_per_day", "timeZone": "Europe/Berlin",
                             "startTime": "08:00:00", "endTime": "18:00:00",
                             "daysOfWeeks": [1, 2, 3, 4, 5]}}
ACTION = [{"type": "urgency_change", "toUrgency": "high",
           "ats": [{"type": "named_time", "name": "support_hours_start"}]}]


def with_layer(**changes) -> dict:
    return {**SCHEDULE, "layers": [{**LAYER, **changes}]}


def restriction(**changes) -> dict:
    return with_layer(restrictions=[{**LAYER["restrictions"][0], **changes}])


def test_valid_inputs_pass():
    assert check(g.PD_SCHEDULE, SCHEDULE) == []
    assert check(g.PD_SERVICE, SERVICE) == []
    assert check(g.PD_SERVICE, BUSINESS) == []
    assert check(PD_ALERT_GROUPING, {"type": "time", "config": {"timeout": 300}}) == []


@pytest.mark.parametrize(("type_", "props", "rule", "text"), [
    (g.PD_SCHEDULE, {**SCHEDULE, "timeZone": "UTC"}, "time-zone", "did you mean 'Etc/UTC'"),
    (g.PD_SCHEDULE, restriction(durationSeconds=86400), "restriction", "shorter than a day"),
    (g.PD_SCHEDULE, restriction(type="weekly_restriction", startDayOfWeek=1,
                                durationSeconds=604800), "restriction", "604799"),
    (g.PD_SCHEDULE, restriction(startDayOfWeek=3), "restriction", "only be set for a weekly"),
    (g.PD_SCHEDULE, restriction(type="weekly_restriction"), "restriction", "must be set"),
    (g.PD_SCHEDULE, restriction(startTimeOfDay="7:00"), "start-time-of-day", "HH:MM:SS"),
    (g.PD_SCHEDULE, with_layer(rotationTurnLengthSeconds=60), "rotation-turn-length", "3600"),
    (g.PD_SCHEDULE, with_layer(users=[]), "layer-users", "needs a user"),
    (g.PD_SCHEDULE, with_layer(start="2026-01-05T07:00:00"), "rfc3339", "offset"),
    (g.PD_ESCALATION_POLICY, {"name": "Ops / Gold", "numLoops": 2, "rules": []},
     "escalation-policy-name", "contains /"),
    (g.PD_ESCALATION_POLICY, {"name": "Ops", "numLoops": 10, "rules": []}, "num-loops", "0 and 9"),
    (g.PD_ESCALATION_POLICY, {"name": "Ops", "rules": [{"escalationDelayInMinutes": 0,
                                                        "targets": [{"type": "user_reference"}]}]},
     "escalation-delay", "less than 1 minute"),
    (g.PD_ESCALATION_POLICY, {"name": "Ops", "rules": [{"escalationDelayInMinutes": 5,
                                                        "targets": [{"type": "team"}]}]},
     "target-type", "neither user_reference"),
    (g.PD_SERVICE, {**SERVICE, "name": "Shop "}, "service-name", "ends with a space"),
    (g.PD_SERVICE, {**BUSINESS, "scheduledActions": ACTION}, "urgency-rule",
     "only possible with urgency high during and low outside"),
    (g.PD_SERVICE, {**SERVICE, "scheduledActions": ACTION}, "urgency-rule", "use_support_hours"),
    (g.PD_SERVICE, {**BUSINESS, "supportHours": None}, "urgency-rule", "support_hours block"),
    (g.PD_SERVICE, {**BUSINESS, "incidentUrgencyRule": {**BUSINESS["incidentUrgencyRule"],
                                                        "urgency": "high"}},
     "urgency-rule", "general urgency"),
    (g.PD_SERVICE, {**BUSINESS, "supportHours": {**BUSINESS["supportHours"],
                                                 "timeZone": "Asia/Dubai"}},
     "time-zone", "did you mean 'Asia/Muscat'"),
    (g.PD_SERVICE, {**SERVICE, "autoResolveTimeout": "4h"}, "incident-timeout", "null"),
    (PD_ALERT_GROUPING, {"type": "time", "config": {"timeout": 5}}, "grouping-timeout",
     "counts seconds"),
])
def test_each_rule_reports_with_its_source(type_, props, rule, text):
    [message] = check(type_, props)
    assert text in message
    assert f"rule {rule}: {rules.RULES[rule].source}" in message


def test_a_valid_business_hours_service_with_the_only_allowed_action():
    high_low = {**BUSINESS, "scheduledActions": ACTION, "incidentUrgencyRule": {
        **BUSINESS["incidentUrgencyRule"],
        "duringSupportHours": {"type": "constant", "urgency": "high"}}}
    assert check(g.PD_SERVICE, high_low) == []


def test_unknown_values_wait_for_apply_but_user_ids_do_not():
    assert check(g.PD_SCHEDULE, with_layer(users=[g.UNKNOWN, g.UNKNOWN])) == []
    with pytest.raises(UnknownValueError):
        check(g.PD_SCHEDULE, {**SCHEDULE, "timeZone": g.UNKNOWN})


def test_every_rule_has_a_source_and_is_applied():
    applied = {key for _, _, key in rules.INPUT_RULES}
    inventory_only = {"name-characters"}
    assert applied | inventory_only == set(rules.RULES)
    assert all(rule.source.strip() for rule in rules.RULES.values())


def test_stack(stack, run):
    assert run(NAME, stack.resources()) == []
    stack.inputs("acme-shop-service")["autoResolveTimeout"] = "-60"
    [v] = run(NAME, stack.resources())
    assert v.level == "mandatory" and "autoResolveTimeout" in v.message


def test_ignored_rules_config(stack, run):
    stack.inputs("acme-shop-service")["autoResolveTimeout"] = "-60"
    assert run(NAME, stack.resources(), {NAME: {"ignoredRules": ["incident-timeout"]}}) == []
