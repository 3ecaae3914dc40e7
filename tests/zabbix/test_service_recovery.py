"""Service-down triggers resolve only after the hold window, so recovery is not a URL page."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.zabbix.conftest import make_site
from vigil.models import Server, UrlCheck
from vigil.zabbix import service_templates
from vigil.zabbix.render import RenderOptions, render_site
from vigil.zabbix.service_recovery import (
    RECOVERY_MACRO,
    WEB_STEP_ATTEMPTS,
    recovery_window_seconds,
    zabbix_seconds,
)

ITEM_OF = re.compile(r"^(?:last|max)\((/[^/]+/[^,\[]+(?:\[[^\]]*\])?)(?:,#?\w+)?\)=0$")


def _all_triggers(export: dict[str, Any]) -> list[dict[str, Any]]:
    found = list(export.get("triggers", []))
    for owner in [*export["templates"], *export["hosts"]]:
        found += owner.get("triggers", [])
        for item in owner.get("items", []):
            found += item.get("triggers", [])
    return found


def _site_with_every_service() -> Any:
    services = tuple(sorted(service_templates.service_table().keys() - {"linux"}))
    return make_site(
        servers=(
            Server("app", "192.0.2.10", services),
            Server("lb", "192.0.2.9", ("haproxy", "nginx"), agent=False),
        )
    )


def test_every_down_trigger_recovers_only_after_the_hold_window() -> None:
    """Each trigger a URL check waits on: recovery = the same item up for the whole window."""
    export = render_site(_site_with_every_service())["zabbix_export"]
    by_name = {t["name"]: t for t in _all_triggers(export)}
    held_on = {
        d["name"]
        for t in export["triggers"]
        if " is down (" in t["name"]
        for d in t.get("dependencies", [])
    }
    assert len(held_on) >= 13, held_on  # 12 agent services + the agentless ports
    for name in held_on:
        trigger = by_name[name]
        assert trigger["recovery_mode"] == "RECOVERY_EXPRESSION", name
        item = ITEM_OF.match(trigger["expression"])
        assert item, trigger["expression"]
        recovery = trigger["recovery_expression"]
        assert recovery.startswith(f"min({item.group(1)},{RECOVERY_MACRO})"), (name, recovery)
        assert recovery.endswith((")>0", ")=1")), recovery


def test_other_service_triggers_recover_as_soon_as_their_expression_is_false() -> None:
    export = render_site(_site_with_every_service())["zabbix_export"]
    ports = [t for t in _all_triggers(export) if "is not listening on port" in t["name"]]
    assert ports
    assert all("recovery_mode" not in t for t in ports)


def test_template_default_is_the_window_of_default_urls_and_interval() -> None:
    linux = service_templates.service_table()["linux"]["macros"][RECOVERY_MACRO]
    site = make_site(urls=(UrlCheck(url="https://shop.example.com/", name="home"),))
    assert zabbix_seconds(linux) == recovery_window_seconds(site, RenderOptions().check_interval)
    assert zabbix_seconds(linux) == 60 + 2 * 10 + 30


def test_window_covers_the_sites_slowest_web_run_and_its_interval() -> None:
    slow = make_site(
        urls=(
            UrlCheck(url="https://shop.example.com/", name="home", timeout_seconds=10),
            UrlCheck(url="https://shop.example.com/search", name="search", timeout_seconds=60),
        )
    )
    assert recovery_window_seconds(slow, "1m") == 60 + 2 * 60 + 30
    assert recovery_window_seconds(slow, "5m") == 300 + 2 * 60 + 30
    assert recovery_window_seconds(make_site(urls=()), "1m") == 60 + 30


def test_the_window_assumes_the_attempts_the_web_scenarios_have() -> None:
    export = render_site(make_site())["zabbix_export"]
    tests = [t for tpl in export["templates"] for t in tpl.get("httptests", [])]
    assert tests
    assert {t["attempts"] for t in tests} == {str(WEB_STEP_ATTEMPTS)}


def test_every_server_host_carries_its_sites_window_and_the_inventory_wins() -> None:
    site = make_site(
        servers=(
            Server("app", "192.0.2.10", ("nginx",)),
            Server("lb", "192.0.2.9", ("haproxy",), agent=False),
            Server("own", "192.0.2.11", ("nginx",), macros={RECOVERY_MACRO: "10m"}),
        )
    )
    export = render_site(site, options=RenderOptions(check_interval="5s"))["zabbix_export"]
    macros = {
        h["host"]: {m["macro"]: m["value"] for m in h.get("macros", [])} for h in export["hosts"]
    }
    assert macros["acme-shop-app"][RECOVERY_MACRO] == "75s"  # 5 s + 2 x 20 s + 30 s
    assert macros["acme-shop-lb"][RECOVERY_MACRO] == "75s"
    assert macros["acme-shop-own"][RECOVERY_MACRO] == "10m"
    assert RECOVERY_MACRO not in macros["acme-shop-web"], "the web host holds nothing"


@pytest.mark.parametrize(
    ("value", "seconds"), [("30s", 30), ("1m", 60), ("90", 90), ("2h", 7200), ("1w", 604800)]
)
def test_zabbix_time_values(value: str, seconds: int) -> None:
    assert zabbix_seconds(value) == seconds


@pytest.mark.parametrize("value", ["", "1.5m", "5y", "{$MACRO}", "-1s"])
def test_zabbix_time_values_refused(value: str) -> None:
    with pytest.raises(ValueError, match="Zabbix time value"):
        zabbix_seconds(value)


def test_table_gives_each_down_trigger_the_hold_over_its_own_item() -> None:
    table = service_templates.service_table()
    down = [
        (item, t)
        for spec in table.values()
        for item in spec["items"]
        for t in item.get("triggers", [])
        if t.get("down")
    ]
    assert len(down) == 12, [t["name"] for _, t in down]
    for item, trigger in down:
        assert trigger["recovery_expression"] == (
            f"min(/{{T}}/{item['key']},{RECOVERY_MACRO})>0"
        ), trigger["name"]
    others = [t for spec in table.values() for i in spec["items"] for t in i.get("triggers", [])]
    assert all("recovery_expression" not in t for t in others if not t.get("down"))


def test_table_refuses_a_down_trigger_over_another_item() -> None:
    item = {"key": "proc.num[nginx]"}
    trigger = {"name": "nginx is not running", "expression": "last(/{T}/proc.num[httpd])=0"}
    with pytest.raises(ValueError, match=r"nginx is not running.*must read its item"):
        service_templates.hold_until_recovered("nginx", item, trigger)
    trigger["expression"] = "last(/{T}/proc.num[nginx])=0"
    service_templates.hold_until_recovered("nginx", item, trigger)
    assert trigger["recovery_expression"] == f"min(/{{T}}/proc.num[nginx],{RECOVERY_MACRO})>0"
