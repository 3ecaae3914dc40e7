"""`vigil add-site CLIENT/SITE --like EXISTING`: the new file keeps what similar sites share,
never the other site's own identifiers, and fails validation with exactly those to fill."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from vigil.cli import main
from vigil.inventory import load_inventory

ROOT = Path(__file__).resolve().parents[2]
MISSING = re.compile(r"^(?P<file>.+?):\d+:\d+: (?P<path>\S+): missing required key$")


@pytest.fixture
def inventory(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "inventory", tmp_path / "inventory")
    return tmp_path / "inventory"


def add(inventory: Path, capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["add-site", *argv, "--inventory", str(inventory)])
    out = capsys.readouterr()
    return code, out.out, out.err


def fill(path: Path) -> None:
    """What the engineer types in: the new site's own objects."""
    doc = yaml.safe_load(path.read_text())
    elb = "arn:aws:elasticloadbalancing:eu-west-1:111111111111"
    lb = doc["resources"]["load_balancers"][0]
    lb.update(
        name="acme-outlet-prod", arn=f"{elb}:loadbalancer/app/acme-outlet-prod/0a1b2c3d4e5f6a7b"
    )
    lb["target_groups"][0].update(
        name="acme-outlet-web", arn=f"{elb}:targetgroup/acme-outlet-web/1a2b3c4d5e6f7a8b"
    )
    doc["resources"]["auto_scaling_groups"][0]["name"] = "acme-outlet-web"
    doc["resources"]["rds_instances"][0]["id"] = "acme-outlet-db"
    doc["resources"]["elasticache_clusters"][0]["id"] = "acme-outlet-redis-001"
    doc["resources"]["efs_file_systems"][0]["id"] = "fs-0f1e2d3c4b5a69788"
    for i, url in enumerate(doc["urls"]):
        url["url"] = f"https://outlet.acme.example/{i}/"
    for i, server in enumerate(doc["servers"]):
        server.update(name=f"outlet-{i}", address=f"10.20.0.{i + 1}")
    text = path.read_text()
    header = "".join(line + "\n" for line in text.splitlines() if line.startswith("#"))
    path.write_text(header + yaml.safe_dump(doc, sort_keys=False))


def test_new_site_reports_exactly_its_own_identifiers_and_validates_once_filled(inventory, capsys):
    code, _, err = add(inventory, capsys, "acme/outlet", "--like", "acme-shop")
    assert code == 1
    new = inventory / "sites" / "acme" / "outlet.yaml"
    text = new.read_text()
    modeline = text.splitlines()[0]
    assert modeline.startswith("# yaml-language-server: $schema=")
    schema = new.parent / modeline.split("$schema=", 1)[1]
    assert schema.resolve() == ROOT / "vigil" / "schemas" / "site.schema.json"
    doc = yaml.safe_load(text)
    assert (doc["id"], doc["client"]) == ("acme-outlet", "acme")
    assert doc["runbook_url"] == "https://runbooks.agency.example/acme/outlet"
    assert doc["aws"] == {"account_id": "111111111111", "region": "eu-west-1"}  # same client
    assert doc["tier"] == "gold" and doc["tags"] == {"cost-center": "ecommerce"}
    old = (inventory / "sites" / "acme" / "shop.yaml").read_text()
    for own in re.findall(r"(arn:aws:\S+|10\.10\.\d+\.\d+|https://shop\.\S+|fs-[0-9a-f]+)", old):
        assert own not in text, own
    problems = [MISSING.match(line) for line in err.splitlines() if line.startswith(str(new))]
    assert problems and all(problems), err
    paths = {m["path"] for m in problems if m}
    assert "resources.load_balancers[0].arn" in paths and "servers[2].address" in paths
    assert {p.rsplit(".", 1)[1] for p in paths} <= {"arn", "name", "id", "url", "address"}
    assert f"{len(paths)} field(s) to fill" in err
    fill(new)
    assert "acme-outlet" in {s.id for s in load_inventory(inventory).sites}


def test_another_client_must_fill_its_account(inventory, capsys):
    code, _, err = add(inventory, capsys, "zeta/web", "--like", "nova/api")
    assert code == 1
    new = inventory / "sites" / "zeta" / "web.yaml"
    assert f"{new}:" in err and "aws.account_id: missing required key" in err


def test_bad_arguments_write_nothing(inventory, capsys):
    code, _, err = add(inventory, capsys, "acme/shop", "--like", "acme-b2b")
    assert code == 2 and "already exists" in err
    code, _, err = add(inventory, capsys, "acme/outlet", "--like", "nope")
    assert code == 2 and "--like nope: no such site (known: acme-b2b, acme-shop" in err
    code, _, err = add(inventory, capsys, "Acme_Outlet", "--like", "acme-shop")
    assert code == 2 and "give CLIENT/SITE" in err
    assert not (inventory / "sites" / "acme" / "outlet.yaml").exists()
