"""escalation-within-sla."""

import pytest
from policy_fixtures import build_stack
from pulumi_policy import StackValidationArgs
from pulumi_policy.proxy import UnknownValueError

from policies import escalation_within_sla as policy
from policies import graph as g

NAME = "escalation-within-sla"


def test_passes(stack, run):
    assert run(NAME, stack.resources()) == []


def test_first_delay_above_tier_sla(stack, run):
    stack.inputs("ops-gold")["rules"][0]["escalationDelayInMinutes"] = 20
    [v] = run(NAME, stack.resources())
    assert v.level == "mandatory"
    assert "ops-gold escalates after 20 min" in v.message
    assert "gold's response SLA of 5" in v.message


def test_site_uses_policy_of_a_slower_tier(run):
    stack = build_stack((("acme-shop", "acme", "gold"),))
    stack.inputs("acme-shop-service")["escalationPolicy"] = "ops-silver-id"
    [v] = run(NAME, stack.resources())
    assert "site acme-shop (tier gold, SLA 5 min)" in v.message
    assert "ops-silver escalates only after 15 min" in v.message
    assert "inventory/sites/acme/shop.yaml" in v.message
    assert v.urn.endswith("::acme-shop-service")


def test_pack_maximum_is_configurable(stack, run):
    assert run(NAME, stack.resources(), {NAME: {"maxFirstEscalationMinutes": 4}}) != []
    stack.inputs("ops-bronze")["rules"][0]["escalationDelayInMinutes"] = 61
    [v] = [v for v in run(NAME, stack.resources()) if "pack maximum" in v.message]
    assert "ops-bronze" in v.message and "60 min" in v.message


def test_rule_without_targets(stack, run):
    stack.inputs("ops-silver")["rules"][1]["targets"] = []
    [v] = run(NAME, stack.resources())
    assert "rule 2 has no targets" in v.message and "ops-silver" in v.message


def test_policy_not_managed_by_the_stack(stack, run):
    stack.inputs("acme-shop-service")["escalationPolicy"] = "PXXXXXX"
    [v] = run(NAME, stack.resources())
    assert "PXXXXXX" in v.message and "does not manage" in v.message


def test_unknown_policy_id_resolved_by_dependency(stack, run):
    rec = stack.get("acme-shop-service")
    rec["inputs"]["escalationPolicy"] = g.UNKNOWN
    assert [v.level for v in run(NAME, stack.resources())] == ["advisory"]
    rec["propertyDependencies"] = {"escalationPolicy": [stack.get("ops-gold")["urn"]]}
    assert run(NAME, stack.resources()) == []
    stack.inputs("ops-gold")["rules"][0]["escalationDelayInMinutes"] = 10
    assert [v.level for v in run(NAME, stack.resources())] == ["mandatory"]


def test_unknown_delay_is_advisory_not_pass(stack):
    stack.inputs("ops-gold")["rules"][0]["escalationDelayInMinutes"] = g.UNKNOWN_NUMBER_VALUE
    with pytest.raises(UnknownValueError, match="first escalation delay of ops-gold"):
        policy.POLICY.validate(StackValidationArgs(stack.resources()), lambda m, u=None: None)


def test_site_component_hiding_its_sla_is_a_violation(stack, run):
    """Stack policies see component outputs: a SiteMonitoring that registers other outputs
    hides responseSlaMinutes, and the check must not silently pass."""
    stack.get("acme-shop", g.SITE)["inputs"] = {"serviceId": "x", "alarmCount": 3}
    [v] = run(NAME, stack.resources())
    assert v.level == "mandatory" and "does not expose responseSlaMinutes" in v.message
    assert "register_outputs" in v.message
