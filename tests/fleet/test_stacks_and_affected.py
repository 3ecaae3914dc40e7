"""`vigil fleet stacks`: deploy order, and the changed files → stacks mapping the PR workflow
previews with (`vigil.fleet.affected`)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from vigil.cli import main
from vigil.fleet.affected import affected_stacks
from vigil.fleet.definition import read_fleet

ROOT = Path(__file__).resolve().parents[2]
EVERY = ["shared", "prod-eu-1", "prod-eu-2"]


@pytest.mark.parametrize(
    ("changed", "stacks"),
    [
        (["inventory/sites/nova/api.yaml"], ["shared", "prod-eu-2"]),
        (
            ["inventory/sites/acme/shop.yaml", "inventory/sites/bistro/x.yaml"],
            ["shared", "prod-eu-1"],
        ),
        (["inventory/sites/newclient/site.yaml"], ["shared"]),  # in no stack yet: fleet check
        (["inventory/teams.yaml"], EVERY),
        (["inventory/defaults.yaml"], EVERY),
        (["stacks/Pulumi.prod-eu-1.yaml"], ["prod-eu-1"]),
        (["stacks/Pulumi.shared.yaml"], EVERY),  # site stacks read its outputs
        (["stacks/Pulumi.dev.yaml"], []),  # not in the fleet
        (["fleet.yaml"], EVERY),
        (["components/grafana.py"], EVERY),
        (["vigil/catalog/alarms.py"], EVERY),
        (["policies/escalation_within_sla.py"], EVERY),
        (["requirements.txt"], EVERY),
        (["Pulumi.yaml"], EVERY),
        (["something/unknown.cfg"], EVERY),  # unknown is never "nothing"
        (["README.md", "docs/DEPLOY.md", "tests/fleet/test_assign.py", "bench/PLAN.md"], []),
        (["", "docs/CLI.md"], []),
    ],
)
def test_changed_files_map_to_the_stacks_they_feed(changed: list[str], stacks: list[str]) -> None:
    assert affected_stacks(read_fleet(ROOT), changed) == stacks


def test_an_inventory_elsewhere_is_matched_by_each_stack_s_own_path(fleet_project: Path) -> None:
    (fleet_project / "inventory").rename(fleet_project / "inv")
    for stack in (fleet_project / "stacks").glob("Pulumi.*.yaml"):
        stack.write_text(
            stack.read_text().replace("vigil:inventory: inventory", "vigil:inventory: inv")
        )
    fleet = read_fleet(fleet_project)
    assert affected_stacks(fleet, ["inv/sites/nova/api.yaml"]) == ["shared", "prod-eu-2"]
    assert affected_stacks(fleet, ["inventory/sites/nova/api.yaml"]) == EVERY  # not an inventory


def test_stacks_json_lists_the_shared_stack_first(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fleet", "stacks", "--project", str(ROOT), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema_version"] == 1
    assert [s["name"] for s in doc["stacks"]] == EVERY
    assert doc["site_stacks"] == ["prod-eu-1", "prod-eu-2"] and doc["shared_stacks"] == ["shared"]
    assert doc["stacks"][1] == {
        "name": "prod-eu-1",
        "role": "site",
        "file": "stacks/Pulumi.prod-eu-1.yaml",
        "clients": ["acme", "bistro"],
    }


def test_stacks_changed_from_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("inventory/sites/acme/shop.yaml\nREADME.md\n"))
    assert main(["fleet", "stacks", "--project", str(ROOT), "--changed", "-", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["site_stacks"] == ["prod-eu-1"] and doc["shared_stacks"] == ["shared"]


def test_stacks_json_matches_its_schema(capsys: pytest.CaptureFixture[str]) -> None:
    import jsonschema

    assert main(["fleet", "stacks", "--project", str(ROOT), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    schema = json.loads((ROOT / "vigil/schemas/output/fleet-stacks.schema.json").read_text())
    jsonschema.validate(doc, schema)
