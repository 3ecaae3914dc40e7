"""Every aws:* resource vigil plans passes the botocore-model and documented-rule checks.

Run on the example inventory and on a generated 100-site fleet (three regions, every resource
type), both through the check itself and through the plan's mandatory ``aws-api-rules`` policy.
"""

from __future__ import annotations

from collections import Counter

from tests.aws.conftest import aws_resources
from vigil import aws
from vigil.resource_types import HEALTH_CHECK, METRIC_ALARM, SNS_SUBSCRIPTION, SNS_TOPIC


def _breaches(plan) -> list[str]:
    return [
        f"{r.name}: {b.format()}"
        for r in aws_resources(plan.recording)
        for b in aws.check_resource(r.type, r.inputs, r.ctx)
    ]


def _policy(plan) -> list[str]:
    return [v.message for v in plan.violations if v.policy == "aws-api-rules"]


def test_example_plan_is_accepted_by_the_models(example_plan):
    resources = aws_resources(example_plan.recording)
    types = Counter(r.type for r in resources)
    assert types[METRIC_ALARM] >= 100 and types[HEALTH_CHECK] and types[SNS_SUBSCRIPTION]
    assert all(aws.is_checked(t) for t in types)
    assert _breaches(example_plan) == []
    assert _policy(example_plan) == []


def test_fleet_plan_is_accepted_by_the_models(fleet_plan):
    resources = aws_resources(fleet_plan.recording)
    assert len({r.ctx.region for r in resources}) >= 3
    assert sum(r.type == SNS_TOPIC for r in resources) >= 200
    assert _breaches(fleet_plan) == []
    assert _policy(fleet_plan) == []
