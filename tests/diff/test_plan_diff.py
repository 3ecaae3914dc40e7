"""`vigil diff`: resources added/removed/changed, documents compared structurally, exit codes."""

from __future__ import annotations

import copy
import json

import pytest

from vigil.cli import main
from vigil.diff import render
from vigil.diff.plans import PlanDocumentError, diff_plans
from vigil.diff.structure import diff

ZABBIX_EXPORT = "zabbix_export:\n  version: '6.0'\n"
STACK = "urn:pulumi:dev::vigil::pulumi:pulumi:Stack::vigil-dev"


def _dashboard(threshold: float, extra_panel: bool = False) -> str:
    panels = [
        {"id": 1, "title": "ALB 5xx", "fieldConfig": {"defaults": {"thresholds": {"steps": [
            {"color": "green", "value": None}, {"color": "orange", "value": threshold}]}}}},
        {"id": 2, "title": "Latency", "targets": [{"refId": "A", "metricName": "p99"}]},
    ]
    if extra_panel:
        panels.insert(1, {"id": 9, "title": "Requests"})
    return json.dumps({"uid": "vigil-acme-shop", "panels": panels}, indent=2)


def _plan(threshold: float = 5, *, with_site_b: bool = True, extra_panel: bool = False) -> dict:
    resources = [
        {"urn": STACK, "type": "pulumi:pulumi:Stack", "name": "vigil-dev", "inputs": {}},
        {"urn": "urn:a-alarm", "type": "aws:cloudwatch/metricAlarm:MetricAlarm",
         "name": "acme-shop-alb-5xx-warning", "site": "acme-shop",
         "inputs": {"threshold": threshold, "alarmActions": ["arn:topic"]}},
        {"urn": "urn:a-dash", "type": "grafana:oss/dashboard:Dashboard",
         "name": "acme-shop-dashboard", "site": "acme-shop",
         "inputs": {"configJson": _dashboard(threshold, extra_panel)}},
        {"urn": "urn:a-zbx", "type": "pulumi-python:dynamic/zabbix:Resource",
         "name": "acme-shop-zabbix-config", "site": "acme-shop",
         "inputs": {"__provider": f"opaque-{threshold}", "export": ZABBIX_EXPORT}},
    ]
    if with_site_b:
        resources.append(
            {"urn": "urn:b-service", "type": "pagerduty:index/service:Service",
             "name": "nova-api", "site": "nova-api", "options": {"protect": True},
             "inputs": {"name": "Nova API"}}
        )
    return {"project": "vigil", "stack": "dev", "resources": resources}


def test_identical_plans_have_no_changes_and_the_serialized_provider_is_ignored():
    old, new = _plan(), _plan()
    new["resources"][3]["inputs"]["__provider"] = "re-pickled"
    result = diff_plans(old, new)
    assert result.empty and not result.deletes
    assert "No resource changes." in render.markdown(result)


def test_a_threshold_change_is_one_line_per_resource_not_a_document_diff():
    result = diff_plans(_plan(5), _plan(6))
    by_name = {c.resource.name: c.changes for c in result.changed}
    assert sorted(by_name) == ["acme-shop-alb-5xx-warning", "acme-shop-dashboard"]
    (alarm,) = by_name["acme-shop-alb-5xx-warning"]
    assert (alarm.path, alarm.before, alarm.after) == ("inputs.threshold", 5, 6)
    (dash,) = by_name["acme-shop-dashboard"]
    assert dash.path == (
        "inputs.configJson.panels[id=1].fieldConfig.defaults.thresholds.steps[1].value"
    )
    assert (dash.before, dash.after) == (5, 6)


def test_an_inserted_panel_is_one_addition_thanks_to_identity_alignment():
    result = diff_plans(_plan(), _plan(extra_panel=True))
    (changed,) = result.changed
    assert [(c.kind, c.path) for c in changed.changes] == [
        ("added", "inputs.configJson.panels[id=9]")
    ]


def test_removed_site_is_a_deletion_flagged_with_protection():
    result = diff_plans(_plan(), _plan(with_site_b=False))
    assert result.deletes
    assert [(r.name, r.protected) for r in result.removed] == [("nova-api", True)]
    md = render.markdown(result)
    assert "Deleted by the next `pulumi up`" in md and "site `nova-api`: 1 resource(s)" in md
    assert "protected" in md
    assert "1 to delete — DELETIONS" in render.text(result)


def test_lists_without_identity_are_compared_by_position():
    changes = list(diff({"a": [1, 2]}, {"a": [1, 3, 4]}))
    assert [(c.path, c.kind) for c in changes] == [("a[1]", "changed"), ("a[2]", "added")]


def test_long_string_changes_are_shown_around_the_first_difference():
    before, after = "x" * 200 + "warning 5", "x" * 200 + "warning 6"
    old, new = render.show_pair(before, after)
    assert old.endswith("warning 5") and new.endswith("warning 6") and old.startswith("…")


def test_not_a_plan_is_rejected():
    with pytest.raises(PlanDocumentError, match="not a vigil plan"):
        diff_plans({"resources": "nope"}, _plan())


@pytest.mark.parametrize(
    ("new", "code"), [(_plan(6), 0), (_plan(with_site_b=False), 1)], ids=["update", "delete"]
)
def test_cli_exit_code_says_whether_anything_is_deleted(tmp_path, capsys, new, code):
    old_file, new_file, md = tmp_path / "old.json", tmp_path / "new.json", tmp_path / "c.md"
    old_file.write_text(json.dumps(_plan()))
    new_file.write_text(json.dumps(new))
    assert main(["diff", str(old_file), str(new_file), "--markdown", str(md)]) == code
    assert md.read_text().startswith("### vigil diff:")
    assert capsys.readouterr().out.splitlines()[0].endswith("DELETIONS" if code else "to delete")


def test_cli_json_output_and_invalid_input(tmp_path, capsys):
    old_file, new_file = tmp_path / "old.json", tmp_path / "new.json"
    old_file.write_text(json.dumps(_plan()))
    new_file.write_text(json.dumps(copy.deepcopy(_plan(7))))
    assert main(["diff", str(old_file), str(new_file), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["deletes"] is False and len(doc["changed"]) == 2
    new_file.write_text("{not json")
    assert main(["diff", str(old_file), str(new_file)]) == 2
    assert f"{new_file}:1:2: invalid JSON" in capsys.readouterr().err
