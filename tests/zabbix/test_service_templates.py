"""The service-template table against the inventory schema: no service without a template."""

from __future__ import annotations

import re

import pytest

from tests.zabbix.conftest import make_site, schema_services
from vigil.models import Server
from vigil.zabbix.render import render_site, service_template_name
from vigil.zabbix.service_templates import (
    ALIASES,
    BASE_SERVICE,
    canonical_service,
    service_table,
)

PRIORITIES = {"NOT_CLASSIFIED", "INFO", "WARNING", "AVERAGE", "HIGH", "DISASTER"}
SOCKET_ONLY = {"php-fpm"}
"""Services usually reached over a unix socket: a TCP port check would only ever fire."""
MACRO = re.compile(r"\{\$[A-Z0-9_.]+\}")


def test_schema_service_enum_equals_table_and_aliases() -> None:
    """A service the schema accepts but no template serves fails only at Zabbix import time."""
    enum = schema_services()
    assert len(enum) == len(set(enum)), "duplicate names in the schema's service enum"
    served = (set(service_table()) - {BASE_SERVICE}) | set(ALIASES)
    assert set(enum) == served, (
        f"in the schema only: {sorted(set(enum) - served)}; "
        f"in the Zabbix table/aliases only: {sorted(served - set(enum))}"
    )


def test_aliases_point_at_real_templates_and_shadow_none() -> None:
    for alias, target in ALIASES.items():
        assert target in service_table() and target != BASE_SERVICE, alias
        assert alias not in service_table(), f"{alias} is both an alias and a template"
        assert alias == alias.lower()
    assert canonical_service("opensearch") == "elasticsearch"
    assert canonical_service("mariadb") == "mysql"


@pytest.mark.parametrize("service", sorted(set(service_table()) - {BASE_SERVICE}))
def test_service_template_watches_process_and_port(service: str) -> None:
    spec = service_table()[service]
    keys = [item["key"] for item in spec["items"]]
    assert any(k.startswith("proc.num[") for k in keys), keys
    if service in SOCKET_ONLY:
        return
    assert any(k.startswith("net.tcp.") for k in keys), keys
    port_macros = [m for m in spec["macros"] if m.endswith(".PORT}")]
    assert port_macros and all(spec["macros"][m].isdigit() for m in port_macros)


@pytest.mark.parametrize("service", sorted(service_table()))
def test_service_template_is_self_consistent(service: str) -> None:
    spec = service_table()[service]
    macros = set(spec.get("macros", {}))
    assert all(isinstance(v, str) for v in spec.get("macros", {}).values()), "quote macro values"
    keys = {item["key"] for item in spec["items"]}
    assert len(keys) == len(spec["items"]), "duplicate item keys"
    triggers = [t for item in spec["items"] for t in item.get("triggers", [])]
    triggers += spec.get("triggers", [])
    assert triggers, "a template that never fires watches nothing"
    for item in spec["items"]:
        assert set(MACRO.findall(item["key"])) <= macros, item["key"]
        for trig in item.get("triggers", []):
            assert f"/{{T}}/{item['key']})" in trig["expression"] or (
                f"/{{T}}/{item['key']}," in trig["expression"]
            ), f"trigger {trig['name']!r} does not use its own item {item['key']}"
    for trig in triggers:
        assert trig["priority"] in PRIORITIES, trig["name"]
        assert set(MACRO.findall(trig["name"] + trig["expression"])) <= macros, trig["name"]
        for ref in re.findall(r"/\{T\}/(.+?)[,)](?![^\[]*\])", trig["expression"]):
            assert ref in keys, f"{trig['name']!r} uses {ref}, not an item of {service}"


def test_every_schema_service_renders_to_a_linked_template() -> None:
    site = make_site(
        "all-services",
        urls=(),
        servers=(Server(name="box", address="10.0.0.9", services=schema_services()),),
    )
    export = render_site(site)["zabbix_export"]
    exported = {t["template"] for t in export["templates"]}
    (host,) = export["hosts"]
    linked = {t["name"] for t in host["templates"]}
    assert linked <= exported
    assert linked == {service_template_name(s) for s in service_table()}
