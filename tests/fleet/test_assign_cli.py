"""`vigil fleet assign` on the real example fleet: sizes from its recordings, stack files
rewritten in place, and the written fleet passes `vigil fleet check`."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from vigil.cli import main
from vigil.fleet.rewrite import replace_list, set_clients

ROOT = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["fleet", *argv])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def add_client(project: Path, client: str, like: str = "nova/api.yaml") -> None:
    """A new client with one site shaped like ``like`` (its own id, so its own names)."""
    source = (project / "inventory/sites" / like).read_text()
    old_client, old_site = like.split("/")[0], like.split("/")[1].removesuffix(".yaml")
    text = source.replace(f"id: {old_client}-{old_site}", f"id: {client}-{old_site}")
    text = text.replace(f"client: {old_client}", f"client: {client}")
    (project / "inventory/sites" / client).mkdir()
    (project / "inventory/sites" / client / f"{old_site}.yaml").write_text(text)


def test_the_example_fleet_is_already_assigned(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "assign", "--project", str(ROOT), "--json")
    assert code == 0, out
    doc = json.loads(out)
    schema = json.loads((ROOT / "vigil/schemas/output/fleet-assign.schema.json").read_text())
    jsonschema.validate(doc, schema)
    stacks = {s["name"]: s for s in doc["stacks"]}
    assert stacks["prod-eu-1"]["clients"] == ["acme", "bistro"]
    assert stacks["prod-eu-2"]["clients"] == ["nova"]
    assert doc["moves"] == [] and doc["problems"] == []
    # the measured sizes add up to what the stacks record (overhead: stack resource, policy tree)
    assert (
        stacks["prod-eu-1"]["resources"]
        == doc["overhead"] + doc["sizes"]["acme"] + doc["sizes"]["bistro"]
    )
    assert doc["sizes"]["acme"] > doc["sizes"]["bistro"] > 0


def test_over_budget_moves_the_largest_client_and_writes_the_files(
    fleet_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (fleet_project / "fleet.yaml").write_text(
        (fleet_project / "fleet.yaml").read_text().replace("budget: 3000", "budget: 200")
    )
    code, out = run(capsys, "assign", "--project", str(fleet_project))
    assert code == 1, out  # moves proposed, nothing written
    assert "move acme: from prod-eu-1 → prod-eu-3" in out
    assert (
        "vigil:clients:\n    - acme\n    - bistro"
        in (fleet_project / "stacks/Pulumi.prod-eu-1.yaml").read_text()
    )

    code, out = run(capsys, "assign", "--project", str(fleet_project), "--write")
    assert code == 0, out
    assert (
        "vigil:clients: [bistro]\n" in (fleet_project / "stacks/Pulumi.prod-eu-1.yaml").read_text()
    )
    new = (fleet_project / "stacks/Pulumi.prod-eu-3.yaml").read_text()
    assert "vigil:clients: [acme]\n" in new and "vigil:fleetRole: site" in new
    assert (
        "stacks: [shared, prod-eu-1, prod-eu-2, prod-eu-3]"
        in (fleet_project / "fleet.yaml").read_text()
    )
    code, out = run(capsys, "assign", "--project", str(fleet_project))
    assert code == 0 and "assignment unchanged" in out  # stable once written
    code, out = run(capsys, "check", "--project", str(fleet_project))
    assert code == 0, out  # the new stack is routed by the shared tree, overlaps nothing


def test_a_new_client_is_measured_and_placed_without_moving_others(
    fleet_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_client(fleet_project, "zeta")
    code, out = run(capsys, "assign", "--project", str(fleet_project), "--json")
    assert code == 1, out
    doc = json.loads(out)
    assert doc["moves"] == [{"client": "zeta", "from": None, "to": "prod-eu-1"}]
    assert doc["sizes"]["zeta"] > 50  # recorded, not guessed
    code, out = run(capsys, "check", "--project", str(fleet_project))
    assert code == 1 and "site zeta-api (client zeta) is in no stack" in out
    assert run(capsys, "assign", "--project", str(fleet_project), "--write")[0] == 0
    code, out = run(capsys, "check", "--project", str(fleet_project))
    assert code == 0, out


def test_rewrite_keeps_every_other_byte() -> None:
    text = "# head\nconfig:\n  a: 1\n  vigil:clients:\n    - x\n    - y\n  b: 2 # note\n"
    assert (
        set_clients(text, ["z"]) == "# head\nconfig:\n  a: 1\n  vigil:clients: [z]\n  b: 2 # note\n"
    )
    flow = "config:\n  vigil:clients: [x] # mine\n"
    assert set_clients(flow, ["x", "y"]) == "config:\n  vigil:clients: [x, y] # mine\n"
    assert set_clients("config:\n  a: 1\n", ["q"]) == "config:\n  a: 1\n  vigil:clients: [q]\n"
    with pytest.raises(KeyError):
        replace_list("budget: 3\n", ("stacks",), ["a"])
