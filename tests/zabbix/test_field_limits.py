"""Zabbix's column lengths for inventory values: the table, the installed Zabbix, the schema.

``vigil.zabbix.field_limits`` is checked against the ``schema.sql`` of the Zabbix server this
machine runs (Debian's zabbix-server-pgsql, what scripts/zabbix-server creates its database
from), and the inventory schema's ``maxLength`` against the table; a value over a limit is a
``vigil validate`` error at its line."""

from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path

import pytest

from tests.inventory.util import edit, only
from vigil.zabbix.field_limits import LIMITS, TRIGGER_URL_MAX, URL_MAX

SCHEMA_SQL = Path("/usr/share/zabbix-server-pgsql/schema.sql.gz")
SITE_SCHEMA = Path(__file__).resolve().parents[2] / "vigil" / "schemas" / "site.schema.json"
SHOP = "sites/acme/shop.yaml"


def _columns() -> dict[tuple[str, str], str]:
    if not SCHEMA_SQL.exists():
        message = f"{SCHEMA_SQL} missing (zabbix-server-pgsql, installed by scripts/zabbix-server)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    columns: dict[tuple[str, str], str] = {}
    table = None
    for line in gzip.decompress(SCHEMA_SQL.read_bytes()).decode().splitlines():
        if found := re.match(r"CREATE TABLE (\w+) \(", line):
            table = found[1]
        elif table and (column := re.match(r"\s+(\w+)\s+(\S+)", line)):
            columns[(table, column[1])] = column[2]
    return columns


def test_the_table_is_the_installed_zabbix_schema() -> None:
    columns = _columns()
    for (table, column), length in LIMITS.items():
        assert columns[(table, column)] == f"varchar({length})", (table, column)


def test_the_inventory_schema_carries_the_limits() -> None:
    defs = json.loads(SITE_SCHEMA.read_text())
    url = defs["$defs"]["url"]["properties"]
    assert url["url"]["maxLength"] == URL_MAX == 255  # the scenario's url tag binds
    assert url["required_text"]["maxLength"] == LIMITS["httpstep", "required"] == 255
    assert defs["properties"]["runbook_url"]["maxLength"] == TRIGGER_URL_MAX == 255


def test_a_runbook_url_zabbix_cannot_keep_is_refused_at_its_line(inv: Path) -> None:
    text = (inv / SHOP).read_text()
    old = next(line for line in text.splitlines() if line.startswith("runbook_url: "))
    long_url = "https://runbooks.agency.example/" + "r" * 224  # 256 characters
    edit(inv / SHOP, old + "\n", f"runbook_url: {long_url}\n")
    file, line, _col, path, message = only(inv)
    assert (file, path) == (SHOP, "runbook_url")
    assert message == "has 256 characters; at most 255 allowed"
    assert inv.joinpath(SHOP).read_text().splitlines()[line - 1].startswith("runbook_url: ")


def test_a_url_longer_than_its_zabbix_tag_is_refused_at_its_line(inv: Path) -> None:
    edit(inv / SHOP, "url: https://shop.acme.example/\n",
         "url: https://shop.acme.example/" + "p" * (256 - 26) + "\n")
    file, _line, _col, path, message = only(inv)
    assert (file, path) == (SHOP, "urls[0].url")
    assert message == "has 256 characters; at most 255 allowed"
