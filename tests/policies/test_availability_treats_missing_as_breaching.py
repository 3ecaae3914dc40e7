"""availability-treats-missing-as-breaching."""

import pytest
from pulumi_policy import ResourceValidationArgs
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from policies import availability_treats_missing_as_breaching as policy
from policies import graph as g

NAME = "availability-treats-missing-as-breaching"
ALARM = "acme-shop-url-home-health-critical"


def check(props: dict) -> list[str]:
    found: list[str] = []
    a = ResourceValidationArgs(g.METRIC_ALARM, unknown_checking_proxy(props), "urn:a", "a",
                               None, None)
    policy.POLICY.validate(a, lambda m, u=None: found.append(m))
    return found


def test_direct_args():
    tagged = {"tags": {g.TAG_AVAILABILITY: "true"}, "metricName": "Custom"}
    assert check({**tagged, "treatMissingData": "breaching"}) == []
    assert len(check(tagged)) == 1  # default "missing"
    assert len(check({**tagged, "treatMissingData": "ignore"})) == 1
    # untagged but a known availability metric
    assert len(check({"metricName": "StatusCheckFailed", "treatMissingData": "notBreaching"})) == 1
    # not an availability alarm
    assert check({"metricName": "CPUUtilization", "tags": {}}) == []
    with pytest.raises(UnknownValueError):
        check({**tagged, "treatMissingData": g.UNKNOWN})
    with pytest.raises(UnknownValueError):
        check({"tags": g.UNKNOWN, "metricName": "Custom"})


def test_stack(stack, run):
    assert run(NAME, stack.resources()) == []
    stack.inputs(ALARM)["treatMissingData"] = "ignore"
    [v] = run(NAME, stack.resources())
    assert v.level == "mandatory" and ALARM in v.message and "ignore" in v.message
    stack.inputs(ALARM)["treatMissingData"] = g.UNKNOWN
    [v] = run(NAME, stack.resources())
    assert v.level == "advisory"


def test_may_be_stopped_allows_not_breaching():
    """EC2 may_be_stopped: a stopped instance publishes no status checks (vigil.catalog.ec2)."""
    stoppable = {"metricName": "StatusCheckFailed_System", "treatMissingData": "notBreaching",
                 "tags": {g.TAG_AVAILABILITY: "true", "vigil:may-be-stopped": "true"}}
    assert check(stoppable) == []
    assert len(check({**stoppable, "treatMissingData": "ignore"})) == 1
    assert len(check({**stoppable, "tags": {g.TAG_AVAILABILITY: "true"}})) == 1
