"""Policies run on the recorded graph and on a saved plan alike; the JSON is the contract."""

from __future__ import annotations

import json

import pytest
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy

from vigil.plan.policy_eval import PolicySet, evaluate, has_mandatory
from vigil.plan.report_json import PlanFileError, dumps, read_plan, write_plan


def test_clean_fixture_has_no_violations(fixture_plan):
    assert fixture_plan.violations == []
    assert fixture_plan.document["policies"] == {"pack": "fixture-pack", "violations": []}


def test_plan_json_follows_the_contract(fixture_plan):
    doc = fixture_plan.document
    assert {"project", "stack", "inventory", "sites", "resources", "policies"} <= set(doc)
    site = doc["sites"][0]
    assert site["id"] == "demo-site0" and site["client"] == "demo" and site["tier"] == "gold"
    assert set(site["coverage"]) == {"cloudwatch", "zabbix", "grafana", "pagerduty"}
    assert site["coverage"]["cloudwatch"] == 1 and site["coverage"]["pagerduty"] == 1
    # Gaps are every-site-covered's: no URL check, no dashboard (grafanaEnabled), no
    # integrations; nothing about Zabbix, which the fixture's stack does not enable.
    gaps = site["gaps"]
    assert gaps[0].startswith("a CloudWatch URL check") and "a Grafana dashboard" in gaps
    assert "a PagerDuty grafana integration on its service" in gaps
    assert not any("Zabbix" in gap for gap in gaps)
    for res in doc["resources"]:
        assert {"urn", "type", "name", "parent", "provider", "site", "inputs"} <= set(res)
    urns = [r["urn"] for r in doc["resources"]]
    assert urns == sorted(urns)


def test_plan_json_is_deterministic(fixture_dir, fixture_policies):
    from vigil.plan.service import run_plan

    again = run_plan(fixture_dir, "test", policy_set=fixture_policies)
    first = run_plan(fixture_dir, "test", policy_set=fixture_policies)
    assert dumps(again.document) == dumps(first.document)


def test_check_flags_a_plan_edited_to_break_an_alert_path(fixture_plan, fixture_policies, tmp_path):
    path = tmp_path / "plan.json"
    write_plan(path, fixture_plan.document)
    doc = json.loads(path.read_text())
    for res in doc["resources"]:
        if res["name"] == "demo-site1-alb-5xx-critical":
            res["inputs"]["alarmActions"] = []
        if res["name"] == "demo-site0" and res["type"] == "pagerduty:index/service:Service":
            res["parent"] = None  # service moved out of its site: the site loses its pager
    path.write_text(json.dumps(doc))
    _, graph = read_plan(path)
    found = evaluate(graph, fixture_policies)
    assert [(v.site, v.policy, v.level) for v in found] == [
        ("demo-site0", "site-has-pagerduty", "mandatory"),
        ("demo-site1", "alarm-has-actions", "mandatory"),
    ]
    assert has_mandatory(found)


def test_enforcement_levels_and_config(fixture_plan, fixture_policies):
    noisy = ResourceValidationPolicy(
        name="always",
        description="always complains",
        validate=lambda args, report: (
            report("") if args.resource_type.startswith("aws:sns") else None
        ),
    )
    base = PolicySet(
        "p", [noisy, *fixture_policies.policies], config={"alarm-tagged": {"tag": "nope"}}
    )
    found = evaluate(fixture_plan.recording, base)
    assert {v.level for v in found if v.policy == "always"} == {"advisory"}
    assert {v.message for v in found if v.policy == "always"} == {"always complains"}
    assert any(v.policy == "alarm-tagged" and "missing tag nope" in v.message for v in found)
    assert not has_mandatory(found)
    disabled = PolicySet("p", [noisy], config={"always": EnforcementLevel.DISABLED})
    assert evaluate(fixture_plan.recording, disabled) == []
    remediate = PolicySet("p", [noisy], config={"always": {"enforcementLevel": "remediate"}})
    assert {v.level for v in evaluate(fixture_plan.recording, remediate)} == {"mandatory"}


def test_crashing_policy_is_a_mandatory_violation_not_a_crash(fixture_plan):
    def boom(args, report):
        raise KeyError("x")

    found = evaluate(
        fixture_plan.recording, PolicySet("p", [ResourceValidationPolicy("boom", "d", boom)])
    )
    assert found and all(v.level == "mandatory" and "KeyError" in v.message for v in found)


@pytest.mark.parametrize(
    "content, message",
    [
        ("{", "invalid JSON"),
        ("[]", "a plan is a JSON object"),
        ('{"project": "p", "stack": "s", "resources": [{"urn": 1}]}', "resources[0].urn"),
    ],
)
def test_malformed_plans_are_invalid_input(tmp_path, content, message):
    path = tmp_path / "plan.json"
    path.write_text(content)
    with pytest.raises(PlanFileError, match=message.replace("[", r"\[").replace("]", r"\]")):
        read_plan(path)


def test_plan_text_is_the_standard_librarys_indented_sorted_json(fixture_plan):
    """`dumps` (orjson) writes what ``json.dumps(indent=2, sort_keys=True)`` writes, and falls
    back to it for what orjson refuses."""
    doc = fixture_plan.document
    assert dumps(doc) == json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    odd = {"big": 2**70, "keys": {1: "one"}, "text": "é"}
    assert dumps(odd) == json.dumps(odd, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
