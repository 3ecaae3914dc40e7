"""sns-not-aws-managed-key."""

import pytest
from pulumi_policy import ResourceValidationArgs
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from policies import graph as g
from policies import sns_not_aws_managed_key as policy

NAME = "sns-not-aws-managed-key"


def check(props: dict) -> list[str]:
    found: list[str] = []
    a = ResourceValidationArgs(g.SNS_TOPIC, unknown_checking_proxy(props), "urn:t", "t", None,
                               None)
    policy.POLICY.validate(a, lambda m, u=None: found.append(m))
    return found


def test_direct_args():
    assert check({}) == []
    assert check({"kmsMasterKeyId": "arn:aws:kms:eu-west-1:1:key/abc"}) == []
    assert len(check({"kmsMasterKeyId": "alias/aws/sns"})) == 1
    assert len(check({"kmsMasterKeyId": "arn:aws:kms:eu-west-1:1:alias/aws/sns"})) == 1
    with pytest.raises(UnknownValueError):
        check({"kmsMasterKeyId": g.UNKNOWN})


def test_stack(stack, run):
    assert run(NAME, stack.resources()) == []
    stack.inputs("acme-shop-alerts-critical")["kmsMasterKeyId"] = "alias/aws/sns"
    [v] = run(NAME, stack.resources())
    assert v.level == "mandatory" and "acme-shop-alerts-critical" in v.message
    stack.inputs("acme-shop-alerts-critical")["kmsMasterKeyId"] = g.UNKNOWN
    [v] = run(NAME, stack.resources())
    assert v.level == "advisory"


def test_configurable_keys(stack, run):
    stack.inputs("acme-shop-alerts-critical")["kmsMasterKeyId"] = "alias/legacy"
    assert run(NAME, stack.resources()) == []
    assert len(run(NAME, stack.resources(), {NAME: {"forbiddenKeys": ["alias/legacy"]}})) == 1
