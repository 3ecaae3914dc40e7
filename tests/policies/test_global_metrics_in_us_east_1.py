"""global-metrics-in-us-east-1: CloudFront and Route 53 alarms use a us-east-1 provider."""

import pytest
from pulumi_policy import PolicyProviderResource, ResourceValidationArgs
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from policies import global_metrics_in_us_east_1 as policy
from policies import graph as g

NAME = "global-metrics-in-us-east-1"
ALARM = "acme-shop-url-home-health-critical"


def args(namespace: str, region, name: str = "a") -> ResourceValidationArgs:
    provider = None
    if region is not None:
        provider = PolicyProviderResource(g.AWS_PROVIDER, unknown_checking_proxy(
            {"region": region}), "urn:p", f"aws-{region}")
    return ResourceValidationArgs(g.METRIC_ALARM, unknown_checking_proxy(
        {"namespace": namespace, "metricName": "Requests"}), f"urn:{name}", name, None, provider)


def check(a: ResourceValidationArgs) -> list[str]:
    found: list[str] = []
    policy.POLICY.validate(a, lambda m, u=None: found.append(m))
    return found


def test_direct_args():
    assert check(args("AWS/CloudFront", "us-east-1")) == []
    assert check(args("AWS/ApplicationELB", "eu-west-1")) == []
    [msg] = check(args("AWS/CloudFront", "eu-west-1", "cf-5xx-critical"))
    assert "cf-5xx-critical" in msg and "us-east-1" in msg and "eu-west-1" in msg
    [msg] = check(args("AWS/Route53", None))
    assert "no explicit AWS provider" in msg
    with pytest.raises(UnknownValueError, match="cannot verify until apply"):
        check(args("AWS/Route53", g.UNKNOWN))
    with pytest.raises(UnknownValueError):
        check(args(g.UNKNOWN, "eu-west-1"))


def test_stack_passes(stack, run):
    assert run(NAME, stack.resources()) == []


def test_wrong_region(stack, run):
    stack.get(ALARM)["provider"] = stack.get("aws-eu-west-1-111111111111")["urn"] + "::id"
    [v] = run(NAME, stack.resources())
    assert v.level == "mandatory" and ALARM in v.message and "eu-west-1" in v.message


def test_metric_query_namespace(stack, run):
    inputs = stack.inputs("acme-shop-alb-rejected-connection-count-critical")
    inputs.pop("namespace")
    inputs["metricQueries"] = [{"id": "m1", "metric": {"namespace": "AWS/CloudFront"}}]
    assert len(run(NAME, stack.resources())) == 1


def test_unknown_region_is_advisory(stack, run):
    stack.inputs("aws-us-east-1-111111111111")["region"] = g.UNKNOWN
    [v] = run(NAME, stack.resources())
    assert v.level == "advisory" and "cannot verify until apply" in v.message
