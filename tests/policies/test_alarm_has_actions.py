"""alarm-has-actions: critical alarms page PagerDuty and resolve it again."""

import pytest
from pulumi_policy import StackValidationArgs
from pulumi_policy.proxy import UnknownValueError

from policies import alarm_has_actions
from policies import graph as g

NAME = "alarm-has-actions"
ALARM = "acme-shop-alb-rejected-connection-count-critical"


def test_passes_on_complete_path(stack, run):
    assert run(NAME, stack.resources()) == []


def test_direct_stack_args_pass(stack):
    reported = []
    alarm_has_actions.POLICY.validate(StackValidationArgs(stack.resources()),
                                      lambda m, u=None: reported.append(m))
    assert reported == []


@pytest.mark.parametrize("key,label", [("okActions", "OK actions"),
                                       ("alarmActions", "alarm actions")])
def test_missing_actions(stack, run, key, label):
    stack.inputs(ALARM)[key] = []
    [v] = run(NAME, stack.resources())
    assert v.level == "mandatory"
    assert f"has no {label}" in v.message and ALARM in v.message
    assert "inventory/sites/acme/shop.yaml" in v.message
    assert v.urn.endswith(f"::{ALARM}")


def test_topic_without_pagerduty_subscription(stack, run):
    stack.remove("acme-shop-alerts-critical-pagerduty")
    stack.remove("acme-shop-alerts-critical-us-east-1-pagerduty")  # the Route 53 alarm's topic
    found = run(NAME, stack.resources())
    assert len(found) == 4  # two critical alarms, alarm and OK actions each
    assert {v.message.split(":")[0] for v in found} == {
        "alarm acme-shop-alb-rejected-connection-count-critical of site acme-shop",
        "alarm acme-shop-url-home-health-critical of site acme-shop",
    }
    assert all("HTTPS subscription to PagerDuty" in v.message for v in found)


def test_subscription_to_wrong_endpoint(stack, run):
    stack.inputs("acme-shop-alerts-critical-pagerduty")["endpoint"] = "https://example.com/hook"
    assert len(run(NAME, stack.resources())) == 2  # the ALB alarm's alarm and OK actions
    stack.inputs("acme-shop-alerts-critical-us-east-1-pagerduty")["endpoint"] = "https://x.test/"
    assert len(run(NAME, stack.resources())) == 4


def test_action_to_unmanaged_topic(stack, run):
    stack.inputs(ALARM)["okActions"] = ["arn:aws:sns:eu-west-1:111111111111:somebody-else"]
    [v] = run(NAME, stack.resources())
    assert "OK actions" in v.message


def test_warning_alarms_are_not_required_to_page(stack, run):
    stack.inputs("acme-shop-alb-rejected-connection-count-warning")["okActions"] = []
    assert run(NAME, stack.resources()) == []
    found = run(NAME, stack.resources(), {NAME: {"severities": ["critical", "warning"]}})
    assert len(found) == 1


def test_unknown_topic_arn_resolved_through_dependency(stack, run):
    """Preview of a new topic: the ARN is unknown but the dependency links alarm → topic."""
    topic_urn = stack.get("acme-shop-alerts-critical")["urn"]
    rec = stack.get(ALARM)
    rec["inputs"]["alarmActions"] = [g.UNKNOWN]
    rec["inputs"]["okActions"] = g.UNKNOWN_ARRAY_VALUE
    rec["propertyDependencies"] = {"alarmActions": [topic_urn], "okActions": [topic_urn]}
    sub = stack.get("acme-shop-alerts-critical-pagerduty")
    sub["inputs"]["topic"] = g.UNKNOWN
    sub["propertyDependencies"] = {"topic": [topic_urn]}
    # okActions as a whole is unknown: cannot verify, advisory — never a pass, never a crash.
    [v] = run(NAME, stack.resources())
    assert v.level == "advisory"
    assert v.message.startswith("cannot verify until apply")
    assert "OK actions of alarm acme-shop-alb-rejected-connection-count-critical" in v.message
    rec["inputs"]["okActions"] = [g.UNKNOWN]
    assert run(NAME, stack.resources()) == []


def test_unknown_without_dependency_is_advisory_and_real_violations_still_reported(stack, run):
    stack.inputs(ALARM)["alarmActions"] = [g.UNKNOWN]
    stack.inputs("acme-shop-url-home-health-critical")["okActions"] = []
    found = run(NAME, stack.resources())
    assert [v.level for v in found] == ["mandatory", "advisory"]
    assert "has no OK actions" in found[0].message


def test_unknown_raises_unknown_value_error_for_the_policy_host(stack):
    stack.inputs(ALARM)["alarmActions"] = [g.UNKNOWN]
    with pytest.raises(UnknownValueError, match="cannot verify until apply"):
        alarm_has_actions.POLICY.validate(StackValidationArgs(stack.resources()),
                                          lambda m, u=None: None)


@pytest.mark.parametrize("endpoint", [g.UNKNOWN, g.MASKED_SECRET])
def test_endpoint_unknown_or_masked(stack, run, endpoint):
    """Preview (integration key unknown) or offline plan (secret masked): the endpoint is
    proven by its dependency on a PagerDuty integration, else it cannot be verified."""
    for severity in ("critical", "warning"):
        stack.inputs(f"acme-shop-alerts-{severity}-pagerduty")["endpoint"] = endpoint
    [v] = run(NAME, stack.resources())
    assert v.level == "advisory" and "PagerDuty subscription behind" in v.message
    integration = stack.get("acme-shop-cloudwatch", g.PD_INTEGRATION)["urn"]
    for severity in ("critical", "warning"):
        rec = stack.get(f"acme-shop-alerts-{severity}-pagerduty")
        rec["propertyDependencies"] = {"endpoint": [integration]}
    assert run(NAME, stack.resources()) == []
