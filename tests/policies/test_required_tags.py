"""required-tags (advisory by default)."""

import pytest
from pulumi_policy import ResourceValidationArgs
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from policies import graph as g
from policies import required_tags as policy

NAME = "required-tags"
GOOD = {g.TAG_SITE: "s", g.TAG_CLIENT: "c", g.TAG_TIER: "gold", g.TAG_MANAGED_BY: "vigil"}


def check(type_: str, props: dict) -> list[str]:
    found: list[str] = []
    a = ResourceValidationArgs(type_, unknown_checking_proxy(props), "urn:x", "x", None, None)
    policy.POLICY.validate(a, lambda m, u=None: found.append(m))
    return found


def test_direct_args():
    assert check(g.SNS_TOPIC, {"tags": GOOD}) == []
    [msg] = check(g.SNS_TOPIC, {"tags": {g.TAG_SITE: "s"}})
    assert "vigil:client" in msg and "managed-by" in msg
    assert len(check(g.HEALTH_CHECK, {})) == 1
    assert len(check(g.METRIC_ALARM, {"tags": {**GOOD, g.TAG_MANAGED_BY: "terraform"}})) == 1
    assert check(g.SNS_SUBSCRIPTION, {}) == []  # not taggable
    assert check(g.PD_SERVICE, {"name": "x"}) == []
    with pytest.raises(UnknownValueError):
        check(g.SNS_TOPIC, {"tags": g.UNKNOWN})
    with pytest.raises(UnknownValueError):
        check(g.SNS_TOPIC, {"tags": {**GOOD, g.TAG_TIER: g.UNKNOWN}})


def test_stack_advisory_by_default(stack, run):
    assert run(NAME, stack.resources()) == []
    del stack.inputs("acme-shop-alerts-warning")["tags"][g.TAG_TIER]
    [v] = run(NAME, stack.resources())
    assert v.level == "advisory" and "acme-shop-alerts-warning" in v.message
    [v] = run(NAME, stack.resources(), {NAME: "mandatory"})
    assert v.level == "mandatory"
    assert run(NAME, stack.resources(), {NAME: {"enforcementLevel": "disabled"}}) == []
