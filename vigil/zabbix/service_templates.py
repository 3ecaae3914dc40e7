"""The reusable service templates (nginx, php-fpm, Varnish, …) loaded from a data table.

Why data: ``data/service_templates.yaml`` maps service → macros/items/triggers so adding a
service needs no code; this module only loads and validates it.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import yaml

from vigil.zabbix.service_recovery import recovery_expression

BASE_SERVICE = "linux"
"""Linked to every server: agent availability, CPU, memory, disk, load."""

ALIASES = {"mariadb": "mysql", "opensearch": "elasticsearch"}
"""Inventory names served by another service's template (same process and port checks).

Every table key except ``linux`` plus every alias is exactly the schema's service enum
(``vigil/schemas/site.schema.json``); tests/zabbix/test_service_templates.py holds them equal.
"""


@cache
def service_table() -> dict[str, dict[str, Any]]:
    text = resources.files("vigil.zabbix").joinpath("data/service_templates.yaml").read_text()
    table = yaml.safe_load(text)
    for name, spec in table.items():
        if not spec.get("items"):
            raise ValueError(f"service template {name!r} has no items")
        for item in spec["items"]:
            for trigger in item.get("triggers", []):
                if trigger.get("down"):
                    hold_until_recovered(name, item, trigger)
    return table


def hold_until_recovered(service: str, item: Mapping[str, Any], trigger: dict[str, Any]) -> None:
    """Give a "down" trigger its recovery expression: its own item up for the hold window.

    Derived, not written in the table, so the hold always reads the item the trigger does; a
    down trigger over another item is refused.
    """
    own = f"/{{T}}/{item['key']}"
    if own not in trigger["expression"]:
        raise ValueError(
            f"service template {service!r}: down trigger {trigger['name']!r} must read its "
            f"item {item['key']!r}, whose recovery holds the URL checks"
        )
    trigger["recovery_expression"] = recovery_expression(own, ">0")


def canonical_service(name: str) -> str:
    """Inventory service name → table key; unknown services raise with the known ones."""
    key = ALIASES.get(name.lower(), name.lower())
    if key not in service_table():
        known = ", ".join(sorted(service_table()))
        raise ValueError(f"unknown Zabbix service {name!r}; known services: {known}")
    return key
