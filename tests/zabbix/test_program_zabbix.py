"""The whole example program under mocks: Zabbix is wired per site when a server is configured."""

from __future__ import annotations

from pathlib import Path

from tests.runtime import run_program
from vigil import program
from vigil.inventory import load_inventory

ROOT = Path(__file__).resolve().parents[2]
INVENTORY = ROOT / "inventory"
SITE_TYPE = "vigil:index:SiteMonitoring"
ZABBIX_TYPE = "vigil:zabbix:SiteMonitoring"
DYNAMIC = "pulumi-python:dynamic/zabbix:Resource"


def _run(config: dict):
    return run_program(program.main, {"vigil:inventory": str(INVENTORY), **config})


def test_every_site_gets_zabbix_config_and_secret_routing() -> None:
    mocks = _run({"vigil:zabbixUrl": "https://zabbix.agency.example"})
    sites = {r.name: r for r in mocks.of_type(SITE_TYPE)}
    assert set(sites) == {s.id for s in load_inventory(INVENTORY).sites}
    for site_id, site in sites.items():
        assert site.inputs["zabbixEnabled"] is True
        [component] = list(mocks.descendants(site.urn, ZABBIX_TYPE))
        dynamic = {r.name: r for r in mocks.descendants(component.urn, DYNAMIC)}
        config = dynamic[f"{site_id}-zabbix-config"]
        routing = dynamic[f"{site_id}-zabbix-pagerduty-action"]
        assert config.inputs["kind"] == "config" and config.inputs["site"] == site_id
        assert routing.inputs["kind"] == "routing"
        assert "routing_key" in routing.secret_inputs
        assert routing.inputs["mediatypeid"] == "vigil-zabbix-pagerduty-media-media"
    # one shared media type for the whole stack, not one per site
    media = [r for r in mocks.of_type(DYNAMIC) if r.inputs.get("kind") == "pagerduty-media"]
    assert len(media) == 1


def test_zabbix_skipped_without_a_server(monkeypatch) -> None:
    monkeypatch.delenv("ZABBIX_URL", raising=False)
    mocks = _run({})
    assert mocks.of_type(ZABBIX_TYPE) == [] and mocks.of_type(DYNAMIC) == []
    assert all(r.inputs["zabbixEnabled"] is False for r in mocks.of_type(SITE_TYPE))
