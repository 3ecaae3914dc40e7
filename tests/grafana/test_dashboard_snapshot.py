"""The grafana-foundation-sdk output, pinned on one small synthetic site.

``tests/grafana/fixture`` is an inventory with one site (one URL, one EC2 instance with one
alarmed signal, one server) that draws every kind of panel vigil uses; its dashboard is pinned
in ``snapshots/demo-shop.json`` (a few hundred lines, printed compactly so a diff is reviewable).
The example sites are covered by semantic tests (``test_grafana_dashboard.py``), not snapshots.

After an intended change of the dashboard or an SDK upgrade, regenerate and review the diff:

    VIGIL_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/grafana/test_dashboard_snapshot.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from vigil.catalog.alarms import alarms_for_site, health_check_name
from vigil.grafana.dashboard import DashboardInputs, decode, encode, render_dashboard
from vigil.inventory import load_inventory
from vigil.models import Site

HERE = Path(__file__).parent
SNAPSHOT = HERE / "snapshots" / "demo-shop.json"
GRAFANA = "https://grafana.demo.example"


@pytest.fixture(scope="module")
def site() -> Site:
    return load_inventory(HERE / "fixture").site("demo-shop")


def rendered(site: Site) -> str:
    inputs = DashboardInputs(
        zabbix_datasource_uid="zabbix",
        pagerduty_service_url="https://demo.pagerduty.com/service-directory/PDEMO",
        health_check_ids={u.name: f"{health_check_name(site, u.name)}-id" for u in site.urls},
    )
    return render_dashboard(site, alarms_for_site(site, GRAFANA), inputs)


def compact(value: Any, indent: int = 0, width: int = 100) -> str:
    """JSON with sorted keys; a value whose one-line form fits ``width`` stays on one line."""
    flat = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if len(flat) + indent <= width or not isinstance(value, dict | list) or not value:
        return flat
    pad = " " * (indent + 2)
    if isinstance(value, dict):
        items = [
            f"{pad}{json.dumps(k, ensure_ascii=False)}: {compact(v, indent + 2, width)}"
            for k, v in sorted(value.items())
        ]
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    items = [pad + compact(v, indent + 2, width) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"


def test_dashboard_matches_the_snapshot(site):
    text = rendered(site)
    assert text == rendered(site), "deterministic"
    assert encode(decode(text)) == text, "round-trips through the SDK's Dashboard model"
    printed = compact(json.loads(text)) + "\n"
    assert json.loads(printed) == json.loads(text)
    if os.environ.get("VIGIL_UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(printed)
    assert SNAPSHOT.exists(), f"missing; create with VIGIL_UPDATE_SNAPSHOTS=1: {SNAPSHOT}"
    assert printed == SNAPSHOT.read_text(), f"regenerate with VIGIL_UPDATE_SNAPSHOTS=1: {SNAPSHOT}"
    assert len(printed.splitlines()) < 700, "keep the fixture small enough to review"


def panel_kinds(board: dict[str, Any]) -> set[tuple[str, frozenset[str]]]:
    """(panel type, data source types of its queries) of every panel: what the snapshot
    must exercise."""
    return {
        (p["type"], frozenset(t["datasource"]["type"] for t in p.get("targets", [])))
        for p in board["panels"]
    }


def test_the_fixture_draws_every_kind_of_panel_the_example_sites_use(site):
    """So the snapshot keeps pinning every SDK builder vigil uses as the renderer grows."""
    examples = load_inventory(HERE.parents[1] / "inventory")
    used: set[tuple[str, frozenset[str]]] = set()
    for example in examples.sites:
        inputs = DashboardInputs(
            zabbix_datasource_uid="zabbix",
            pagerduty_service_url="https://pd.example/PX",
            health_check_ids={u.name: "hc" for u in example.urls},
        )
        used |= panel_kinds(json.loads(render_dashboard(example, alarms_for_site(example), inputs)))
    assert used <= panel_kinds(json.loads(rendered(site)))
