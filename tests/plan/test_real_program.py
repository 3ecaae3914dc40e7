"""`vigil plan` on the real program and example inventory.

Done-criteria of the issue: every example site's coverage, a JSON plan in the contract, and
`vigil check` flagging a plan edited to break an alert path.
"""

from __future__ import annotations

import json
from pathlib import Path

from vigil.inventory import load_inventory
from vigil.plan.policy_eval import evaluate, has_mandatory
from vigil.plan.report_json import read_plan, write_plan

ROOT = Path(__file__).resolve().parents[2]


def test_every_example_site_is_covered(dev_plan):
    expected = sorted(s.id for s in load_inventory(ROOT / "inventory").sites)
    sites = {s["id"]: s for s in dev_plan.document["sites"]}
    assert sorted(sites) == expected
    for site in sites.values():
        assert site["coverage"]["cloudwatch"] > 0, site
        assert site["coverage"]["pagerduty"] == 1, site


def test_plan_json_contract_and_no_secret_in_clear(dev_plan):
    doc = dev_plan.document
    assert doc["project"] == "vigil" and doc["stack"] == "dev"
    alarm = next(r for r in doc["resources"] if r["type"].endswith("metricAlarm:MetricAlarm"))
    assert alarm["site"] and alarm["provider"].startswith("urn:pulumi:dev::vigil::")
    assert alarm["inputs"]["alarmActions"] and alarm["inputs"]["okActions"]
    subs = [
        r for r in doc["resources"] if r["type"].endswith("topicSubscription:TopicSubscription")
    ]
    assert subs and all(s["inputs"]["endpoint"] == "[secret]" for s in subs)
    assert "events.pagerduty.com/integration/" not in json.dumps(doc)


def test_check_flags_an_edited_plan(dev_plan, tmp_path):
    assert not has_mandatory(dev_plan.violations)
    path = tmp_path / "plan.json"
    write_plan(path, dev_plan.document)
    _, graph = read_plan(path)
    assert not has_mandatory(evaluate(graph, dev_plan.policy_set))  # saved plan still passes
    doc = json.loads(path.read_text())
    alarm = next(r for r in doc["resources"] if r["type"].endswith("metricAlarm:MetricAlarm"))
    alarm["inputs"]["alarmActions"] = []
    path.write_text(json.dumps(doc))
    _, graph = read_plan(path)
    found = evaluate(graph, dev_plan.policy_set)
    assert has_mandatory(found)
    assert any(v.urn == alarm["urn"] for v in found)


def test_pagerduty_services_are_retained_on_delete_and_the_diff_says_so(dev_plan):
    """Removing a site keeps its PagerDuty service (incident history) and says so in review."""
    from vigil import resource_types as rt
    from vigil.diff import render
    from vigil.diff.plans import diff_plans

    doc = dev_plan.document
    services = [r for r in doc["resources"] if r["type"] == rt.PD_SERVICE]
    assert services and all(s["options"].get("retainOnDelete") is True for s in services)
    integrations = [r for r in doc["resources"] if r["type"].endswith("ServiceIntegration")]
    assert integrations and not any(
        (r.get("options") or {}).get("retainOnDelete") for r in integrations
    )
    gone = services[0]["site"]
    after = {**doc, "resources": [r for r in doc["resources"] if r.get("site") != gone]}
    result = diff_plans(doc, after)
    removed = {r.type: r for r in result.removed}
    assert removed[rt.PD_SERVICE].retained
    assert not removed[integrations[0]["type"]].retained
    assert "retained: kept in the provider with its history" in render.markdown(result)
    assert "(retained)" in render.text(result)
