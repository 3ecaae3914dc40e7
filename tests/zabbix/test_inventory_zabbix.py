"""``vigil validate`` rules for the Zabbix side, reported at the line (exit 2, nothing built).

A macro override no template of the server uses, or a response-time threshold at or above the
URL's timeout, imports cleanly and never pages; both must be refused where they are written.
"""

from __future__ import annotations

from pathlib import Path

from tests.inventory.util import edit, only
from vigil.inventory import load_inventory
from vigil.models import Server

SHOP = "sites/acme/shop.yaml"
SERVER = "    services: [sphinx]\n"


def _agentless_search_server(inv: Path, macro: str, value: str) -> Server:
    """The shop's search server made agentless with one macro override, as loaded."""
    edit(inv / SHOP, SERVER, SERVER + f"    agent: false\n    macros:\n      '{macro}': {value}\n")
    site = next(s for s in load_inventory(inv).sites if s.id == "acme-shop")
    return next(s for s in site.servers if s.name == "acme-search-1")


def test_server_overrides_and_agentless_load(inv: Path) -> None:
    search = _agentless_search_server(inv, "{$SPHINX.PORT}", "9313")
    assert search.agent is False and dict(search.macros) == {"{$SPHINX.PORT}": "9313"}


def test_port_check_interval_is_a_macro_of_agentless_servers_only(inv: Path) -> None:
    search = _agentless_search_server(inv, "{$VIGIL.PORT.INTERVAL}", "10s")
    assert dict(search.macros) == {"{$VIGIL.PORT.INTERVAL}": "10s"}
    edit(inv / SHOP, "    agent: false\n", "")
    _file, _line, _col, path, message = only(inv)
    assert path == "servers[2].macros.{$VIGIL.PORT.INTERVAL}"
    assert "not used by the templates of this server's services" in message


def test_unknown_macro_override_is_refused_at_its_line(inv: Path) -> None:
    edit(inv / SHOP, SERVER, SERVER + "    macros:\n      '{$SPHINX.PROT}': 9313\n")
    file, line, _col, path, message = only(inv)
    assert (file, path) == (SHOP, "servers[2].macros.{$SPHINX.PROT}")
    assert "not used by the templates of this server's services (sphinx)" in message
    assert "did you mean '{$SPHINX.PORT}'" in message
    assert inv.joinpath(SHOP).read_text().splitlines()[line - 1].strip().startswith("'{$SPHINX")


def test_response_time_threshold_above_the_timeout_is_refused(inv: Path) -> None:
    text = (inv / SHOP).read_text()
    start = text.index("urls:\n")
    first = text.index("\n", text.index("url: ", start)) + 1
    (inv / SHOP).write_text(
        text[:first]
        + "    timeout_seconds: 5\n"
        + "    thresholds:\n      response_time_seconds: {warning: 2, critical: 6}\n"
        + text[first:]
    )
    file, _line, _col, path, message = only(inv)
    assert (file, path) == (SHOP, "urls[0].thresholds.response_time_seconds.critical")
    assert "not below the URL's timeout (5s)" in message


def test_required_text_longer_than_zabbix_keeps_once_escaped_is_refused(inv: Path) -> None:
    """200 characters pass the schema's 255, but every '.' doubles once escaped for Zabbix's
    regular expression: 300 characters do not fit httpstep.required varchar(255)."""
    edit(inv / SHOP, "required_text: ACME\n", "required_text: " + "a." * 100 + "\n")
    file, line, _col, path, message = only(inv)
    assert (file, path) == (SHOP, "urls[0].required_text")
    assert "is 300 characters once its regular-expression characters are escaped" in message
    assert "over the 255 Zabbix keeps" in message
    assert inv.joinpath(SHOP).read_text().splitlines()[line - 1].strip().startswith("required_")


def test_required_text_over_255_characters_is_refused_by_the_schema(inv: Path) -> None:
    edit(inv / SHOP, "required_text: ACME\n", "required_text: " + "A" * 256 + "\n")
    file, _line, _col, path, message = only(inv)
    assert (file, path) == (SHOP, "urls[0].required_text")
    assert message == "has 256 characters; at most 255 allowed"
