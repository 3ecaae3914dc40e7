"""Every ``--json`` output carries ``schema_version`` and validates against its committed JSON
Schema (vigil/schemas/output/, documented in docs/CLI.md); checked on real outputs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from vigil import cli_options
from vigil.cli import main

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "vigil" / "schemas" / "output"


def check(command: str, doc: Any) -> None:
    schema = json.loads((SCHEMAS / f"{command}.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(doc)
    assert doc["schema_version"] == cli_options.SCHEMA_VERSION


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any]:
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out)


def test_every_command_with_json_has_a_schema_and_a_documented_one():
    from vigil.cli import COMMANDS, _configure, _parser

    documented = (ROOT / "docs" / "CLI.md").read_text()
    _, parsers = _parser()
    with_json = []
    for command in COMMANDS:
        _configure(command, parsers[command.name])
        if "--json" in parsers[command.name]._option_string_actions:
            with_json.append(command)
    assert len(with_json) >= 5
    for command in with_json:
        assert (SCHEMAS / f"{command.name}.schema.json").is_file(), command.name
        assert f"vigil/schemas/output/{command.name}.schema.json" in documented, command.name


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The dev stack's plan, and the same plan after one site file is removed."""
    from vigil.plan.report_json import write_plan
    from vigil.plan.service import run_plan

    tmp = tmp_path_factory.mktemp("plans")
    before = tmp / "before.json"
    write_plan(before, run_plan(ROOT, "dev").document)
    inventory = tmp / "inventory"
    shutil.copytree(ROOT / "inventory", inventory)
    next(inventory.glob("sites/*/*.yaml")).unlink()
    after = tmp / "after.json"
    write_plan(after, run_plan(ROOT, "dev", str(inventory)).document)
    return before, after


def test_plan_json_validates_and_every_resource_has_every_key(plans):
    doc = json.loads(plans[0].read_text())
    check("plan", doc)
    keys = {frozenset(r) for r in doc["resources"]}
    assert len(keys) == 1, keys  # no key present on some resources only


def test_plan_against_a_saved_plan_reports_the_diff(plans, capsys, monkeypatch):
    before, _ = plans
    old = json.loads(before.read_text())
    alarm = next(r for r in old["resources"] if r["type"].endswith("MetricAlarm"))
    alarm["inputs"]["threshold"] = -1
    old["resources"].append({**alarm, "urn": alarm["urn"] + "-gone", "name": "gone-alarm"})
    edited = before.with_name("edited.json")
    edited.write_text(json.dumps(old))
    monkeypatch.chdir(ROOT / "docs")  # any directory inside the project
    code, doc = run_json(capsys, "plan", "-s", "dev", "--json", "--against", str(edited))
    assert code == 0
    check("plan", doc)
    against = doc["against"]
    assert against["plan"] == str(edited) and against["deletes"] is True
    assert [r["name"] for r in against["removed"]] == ["gone-alarm"]
    (changed,) = [c for c in against["changed"] if c["urn"] == alarm["urn"]]
    assert changed["changes"][0]["path"] == "inputs.threshold"
    assert main(["plan", "-s", "dev", "--against", str(edited)]) == 0
    text = capsys.readouterr().out
    assert f"changes against {edited}" in text and "- delete " in text and "gone-alarm" in text


def test_plan_against_a_file_that_is_not_a_plan_is_invalid_input(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main(["plan", "-s", "dev", "--against", str(bad)]) == 2
    assert f"--against {bad}:1:2: invalid JSON" in capsys.readouterr().err


def test_diff_json_validates_and_marks_the_retained_service(plans, capsys):
    code, doc = run_json(capsys, "diff", str(plans[0]), str(plans[1]), "--json")
    assert code == 1
    check("diff", doc)
    retained = [r for r in doc["removed"] if r["retained"]]
    assert [r["type"] for r in retained] == ["pagerduty:index/service:Service"]


def test_check_json_validates(plans, capsys):
    code, doc = run_json(capsys, "check", str(plans[0]), "--json")
    assert code == 0
    check("check", doc)
    # `check --json PLAN` (the plan after --json) reads the plan, never writes over it
    saved = plans[0].read_text()
    code, again = run_json(capsys, "check", "--json", str(plans[0]))
    assert code == 0 and again == doc and plans[0].read_text() == saved


def test_validate_json_validates_both_ways(tmp_path, capsys):
    code, ok = run_json(capsys, "validate", "--json")
    assert code == 0
    check("validate", ok)
    broken = tmp_path / "inventory"
    shutil.copytree(ROOT / "inventory", broken)
    (broken / "defaults.yaml").write_text("nonsense: [\n")
    code, bad = run_json(capsys, "validate", str(broken), "--json")
    assert code == 2 and not bad["ok"] and bad["problems"]
    check("validate", bad)


def test_preflight_json_validates(tmp_path, capsys, monkeypatch):
    from tests.pagerduty.fake_api import FakePagerDuty
    from tests.pagerduty.test_preflight import TOKEN, all_users, stack, vendors

    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    shutil.copytree(ROOT / "inventory", tmp_path / "inventory")
    (tmp_path / "stacks").mkdir()
    monkeypatch.setenv("PAGERDUTY_TOKEN", TOKEN)
    monkeypatch.chdir(tmp_path / "inventory")
    with FakePagerDuty(TOKEN, all_users(skip=("kim.devops@agency.example",)), vendors()) as fake:
        name = stack(tmp_path, fake.url)
        code, doc = run_json(capsys, "preflight", "-s", name, "--json")
    assert code == 1
    check("preflight", doc)
    assert not doc["ok"] and any("kim.devops" in m["message"] for m in doc["misses"])
    assert TOKEN not in json.dumps(doc)


def test_cost_json_validates_and_adds_up(capsys, monkeypatch):
    monkeypatch.chdir(ROOT / "docs")  # any directory inside the project
    code, doc = run_json(capsys, "cost", "-s", "dev", "--json")
    assert code == 0
    check("cost", doc)
    assert doc["sites"] and doc["monthly"] > 0
    assert doc["monthly"] == pytest.approx(sum(s["monthly"] for s in doc["sites"]))
    for site in doc["sites"]:
        assert site["monthly"] == pytest.approx(sum(x["monthly"] for x in site["lines"]))
