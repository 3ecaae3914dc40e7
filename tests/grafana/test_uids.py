"""Grafana uids: readable when they fit, length-safe and distinct when they do not, and
collisions rejected by ``vigil validate`` at both places."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vigil.catalog.alarms import alarms_for_site
from vigil.cli import main
from vigil.inventory import load_inventory
from vigil.naming import (
    GRAFANA_UID_MAX,
    GRAFANA_UID_PATTERN,
    dashboard_uid,
    dashboard_url,
    folder_uid,
    grafana_uid,
    grafana_uid_problem,
)

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "acme-shop-with-a-very-long-site-identifier"  # 42 characters
LONG_A = f"{PREFIX}-de"
LONG_B = f"{PREFIX}-fr"


def test_short_uids_stay_readable() -> None:
    assert dashboard_uid("acme-shop") == "vigil-acme-shop"
    assert folder_uid("acme") == "vigil-folder-acme"
    assert grafana_uid("vigil-cw", "111111111111", "eu-west-1") == "vigil-cw-111111111111-eu-west-1"


def test_two_site_ids_sharing_their_first_40_characters_get_distinct_valid_uids() -> None:
    assert LONG_A[:40] == LONG_B[:40] and LONG_A != LONG_B
    a, b = dashboard_uid(LONG_A), dashboard_uid(LONG_B)
    # pinned: stable across runs and machines (sha256 of the whole name, not Python's hash())
    assert (a, b) == (
        "vigil-acme-shop-with-a-very-lon-928e4b1a",
        "vigil-acme-shop-with-a-very-lon-60f81d48",
    )
    for uid in (a, b):
        assert len(uid) == GRAFANA_UID_MAX
        assert GRAFANA_UID_PATTERN.match(uid)
        assert grafana_uid_problem(uid) is None


@pytest.mark.parametrize(
    ("uid", "why"),
    [
        ("", "empty"),
        ("x" * 41, "longer than 40"),
        ("vigil.shop", "only letters, digits"),
        ("vigil shop", "only letters, digits"),
    ],
)
def test_uid_rules(uid: str, why: str) -> None:
    problem = grafana_uid_problem(uid)
    assert problem is not None and why in problem


def test_alarm_descriptions_link_to_the_same_uid(tmp_path: Path) -> None:
    inventory = _long_ids_inventory(tmp_path)
    loaded = load_inventory(inventory)
    for site_id in (LONG_A, LONG_B):
        site = loaded.site(site_id)
        url = dashboard_url("https://grafana.example", site)
        assert f"/d/{dashboard_uid(site)}/" in url
        alarms = alarms_for_site(site, "https://grafana.example")
        assert alarms and all(f"Dashboard: {url}" in a.description for a in alarms)
    assert dashboard_uid(loaded.site(LONG_A)) != dashboard_uid(loaded.site(LONG_B))


def test_validate_accepts_long_ids_that_share_a_prefix(tmp_path: Path) -> None:
    assert main(["validate", str(_long_ids_inventory(tmp_path))]) == 0


def test_validate_rejects_a_uid_collision_with_both_file_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A site named ``folder-nova`` would get the uid of client nova's folder."""
    inventory = tmp_path / "inventory"
    shutil.copytree(ROOT / "inventory", inventory)
    api = inventory / "sites/nova/api.yaml"
    clash = inventory / "sites/nova/folder.yaml"
    clash.write_text(api.read_text().replace("id: nova-api\n", "id: folder-nova\n"))
    assert main(["validate", str(inventory)]) == 2
    err = capsys.readouterr().err
    clash_line = _line_of(clash, "id: folder-nova")
    first = min(inventory.glob("sites/nova/*.yaml"))  # the first nova site owns the folder
    first_line = _line_of(first, "client: nova")
    assert (
        f"{clash}:{clash_line}:5: id: Grafana uid 'vigil-folder-nova' of site 'folder-nova''s "
        f"dashboard is also the uid of client 'nova''s folder ({first}:{first_line})"
    ) in err


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def _long_ids_inventory(tmp_path: Path) -> Path:
    inventory = tmp_path / "inventory"
    shutil.copytree(ROOT / "inventory", inventory)
    shop = inventory / "sites/acme/shop.yaml"
    text = shop.read_text()
    for suffix, site_id in (("de", LONG_A), ("fr", LONG_B)):
        (inventory / f"sites/acme/shop-{suffix}.yaml").write_text(
            text.replace("id: acme-shop\n", f"id: {site_id}\n")
        )
    shop.unlink()
    return inventory
