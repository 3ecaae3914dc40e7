"""aws-api-rules: the plan fails on any aws:* input AWS would reject."""

from __future__ import annotations

from policies import graph as g

NAME = "aws-api-rules"
ALARM = "acme-shop-alb-rejected-connection-count-critical"


def test_fixture_stack_is_clean(stack, run):
    assert run(NAME, stack.resources()) == []


def test_a_rejected_value_is_a_mandatory_violation(stack, run):
    stack.inputs(ALARM)["period"] = 90
    stack.inputs(ALARM)["alarmDescription"] = "x" * 1100
    found = run(NAME, stack.resources())
    assert {v.level for v in found} == {"mandatory"}
    text = " | ".join(v.message for v in found)
    assert "cw-period-values" in text and "PutMetricAlarm.Period" in text
    assert "AlarmDescription: has 1100 characters; at most 1024" in text
    assert all(v.urn.endswith(f"::{ALARM}") for v in found)


def test_skip_rules_config(stack, run):
    stack.inputs(ALARM)["period"] = 90
    assert run(NAME, stack.resources(), {NAME: {"skipRules": ["cw-period-values"]}}) == []


def test_unknown_region_checks_the_rest_and_says_so(stack, run):
    provider = stack.get("aws-eu-west-1-111111111111")
    provider["inputs"]["region"] = g.UNKNOWN
    stack.inputs(ALARM)["evaluationPeriods"] = 0
    found = run(NAME, stack.resources())
    levels = {v.level for v in found if v.urn.endswith(f"::{ALARM}")}
    assert levels == {"mandatory", "advisory"}


def test_an_aws_type_without_mapping_fails(stack, run):
    stack.add("aws:s3/bucket:Bucket", "b", {"bucket": "b"})
    [v] = run(NAME, stack.resources())
    assert v.level == "mandatory" and "no API mapping" in v.message
