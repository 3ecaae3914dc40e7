"""vigil preflight against a local fake of PagerDuty's REST API (tests/pagerduty/fake_api.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tests.pagerduty.fake_api import FakePagerDuty, user, vendor
from vigil.cli import main
from vigil.inventory import load_inventory
from vigil.pagerduty import preflight

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "u+s3cr3t-T0ken_value"


def inventory_users() -> list[str]:
    teams = yaml.safe_load((ROOT / "inventory" / "teams.yaml").read_text())["teams"]
    return sorted({m["email"] for t in teams.values() for m in t["members"]})


def all_users(skip: tuple[str, ...] = (), upper: tuple[str, ...] = ()) -> list[dict]:
    found = []
    for i, email in enumerate(inventory_users()):
        if email in skip:
            continue
        shown = email.capitalize() if email in upper else email
        found.append(user(i, email.split("@")[0].replace(".", " ").title(), shown))
    # other users of the account whose names share words with the inventory's
    found += [user(500 + i, f"Mia Chen {i}", f"mia.chen.{i}@elsewhere.example") for i in range(3)]
    return found


def vendors(with_cloudwatch: bool = True) -> list[dict]:
    # more than one page (limit ≤ 100): the CloudWatch vendor is on the second
    names = [f"Vendor {i:03d}" for i in range(130)]
    if with_cloudwatch:
        names.insert(120, "Amazon CloudWatch")
    return [vendor(i, name) for i, name in enumerate(names)]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    shutil.copytree(ROOT / "inventory", tmp_path / "inventory")
    (tmp_path / "stacks").mkdir()
    return tmp_path


def stack(project: Path, url: str, **extra: object) -> str:
    config = {"vigil:inventory": "inventory", "pagerduty:apiUrlOverride": url, **extra}
    (project / "stacks" / "Pulumi.pf.yaml").write_text(yaml.safe_dump({"config": config}))
    return "pf"


def run(project: Path, capsys, name: str = "pf") -> tuple[int, str]:
    code = main(["preflight", "--stack", name, "--project-dir", str(project)])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_everything_found(project, capsys, monkeypatch):
    monkeypatch.setenv("PAGERDUTY_TOKEN", TOKEN)
    with FakePagerDuty(TOKEN, all_users(), vendors()) as fake:
        stack(project, fake.url)
        code, text = run(project, capsys)
    assert code == 0, text
    assert "all found" in text and "vendor 'Amazon CloudWatch'" in text
    assert TOKEN not in text
    paths = [p for p, _ in fake.requests]
    assert any(p.startswith("/vendors?") and "offset=100" in p for p in paths)  # paged
    for _, headers in fake.requests:
        assert headers["Authorization"] == f"Token token={TOKEN}"
        assert headers["Accept"] == "application/vnd.pagerduty+json;version=2"


def test_every_miss_is_reported_at_its_inventory_lines(project, capsys, monkeypatch):
    monkeypatch.setenv("PAGERDUTY_TOKEN", TOKEN)
    missing, upper = "kim.devops@agency.example", "alex.eng@agency.example"
    users = all_users(skip=(missing,), upper=(upper,))
    with FakePagerDuty(TOKEN, users, vendors(with_cloudwatch=False)) as fake:
        stack(project, fake.url)
        code, text = run(project, capsys)
    assert code == 1
    teams = project / "inventory" / "teams.yaml"
    lines = teams.read_text().splitlines()
    kim = [i + 1 for i, line in enumerate(lines) if missing in line and "members: [" in line]
    assert kim  # the layer that rotates Kim
    assert (f"{teams}:{kim[0]}:" in text
            and f"no PagerDuty user with e-mail '{missing}'" in text)
    assert "PagerDuty has 'Alex.eng@agency.example' (the provider matches the e-mail exactly" in (
        text)
    assert "no PagerDuty vendor named 'Amazon CloudWatch'" in text
    assert "3 miss(es)" in text and TOKEN not in text


def test_rejected_token_is_not_printed(project, capsys, monkeypatch):
    monkeypatch.setenv("PAGERDUTY_TOKEN", "wrong-" + TOKEN)
    with FakePagerDuty(TOKEN, all_users(), vendors()) as fake:
        stack(project, fake.url)
        code, text = run(project, capsys)
    assert code == 1
    assert "HTTP 401 (Unauthenticated)" in text and TOKEN not in text


def test_plain_stack_token_wins_over_the_environment(project, capsys, monkeypatch):
    monkeypatch.setenv("PAGERDUTY_TOKEN", "wrong")
    with FakePagerDuty(TOKEN, all_users(), vendors()) as fake:
        stack(project, fake.url, **{"pagerduty:token": TOKEN})
        code, text = run(project, capsys)
    assert code == 0 and TOKEN not in text


def test_no_token_is_invalid_input(project, capsys, monkeypatch):
    monkeypatch.delenv("PAGERDUTY_TOKEN", raising=False)
    monkeypatch.setenv("PATH", "")  # no Pulumi CLI to decrypt a secret either
    stack(project, "http://127.0.0.1:9", **{"pagerduty:token": {"secure": "v1:abc"}})
    code, text = run(project, capsys)
    assert code == 2 and "export PAGERDUTY_TOKEN" in text


def test_only_the_stack_shards_teams_are_checked(project):
    inventory = load_inventory(project / "inventory")
    refs = preflight.user_references(project / "inventory" / "teams.yaml", {"web"})
    assert {r.email for r in refs} == {
        "ella.baker@agency.example", "finn.meyer@agency.example", "sam.devops@agency.example"}
    assert all(r.where.startswith(f"{inventory.root}/teams.yaml:") for r in refs)
