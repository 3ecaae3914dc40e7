"""A page slower than Route 53's 2 s but inside the inventory's ``timeout_seconds`` does not page.

Why: Route 53 HTTP(S) checks want a 2xx/3xx "within two seconds after connecting" (Route 53
Developer Guide, "How Amazon Route 53 determines whether a health check is healthy"), so vigil's
Route 53 checks are TCP only (``vigil.catalog.url.health_check_args``) and the Zabbix web
scenario owns the timeout (Zabbix 6.0 manual, "Web scenario steps": *Timeout*, *Required status
codes*, *Required string*, *Follow redirects*). The real zabbix_server checks one loopback HTTPS
page that answers after 3 s under two URLs: timeout 5 s must stay OK after at least two runs,
timeout 2 s must raise the "is down" problem (so this test can fail).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.zabbix.conftest import make_site
from tests.zabbix.firedrill import FlakySite, make_ca_and_cert, zabbix_daemon
from tests.zabbix.test_firedrill import OPTIONS
from vigil.models import Threshold, UrlCheck
from vigil.zabbix import api as zapi
from vigil.zabbix.api import ZabbixSession, resolve_credentials, session
from vigil.zabbix.provider import ZabbixProvider, config_inputs

pytestmark = pytest.mark.zabbix

SLOW_S = 3
WAIT_S = 120
HOST = "slow-shop-web"
QUIET = {"response_time_seconds": Threshold(warning=None, critical=None)}
"""Only the "is down" trigger is under test here, not the response-time ones."""


@pytest.fixture(scope="module")
def slow(clean_zabbix: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    state = clean_zabbix.get("VIGIL_ZABBIX_DIR")
    if not state:
        pytest.skip("this test needs the sandbox (scripts/zabbix-server) to run the daemon")
    cert, key = make_ca_and_cert(tmp_path_factory.mktemp("tls"), Path(state) / "ca")
    web = FlakySite(cert, key, slow_seconds=SLOW_S)
    web.set("slow")
    zapi.forget_sessions()
    zx = session(resolve_credentials())
    site = make_site(
        "slow-shop",
        "drill",
        urls=(
            UrlCheck(url=web.url, name="patient", required_text="Welcome", timeout_seconds=5,
                     thresholds=QUIET),
            UrlCheck(url=web.url, name="strict", required_text="Welcome", timeout_seconds=2,
                     thresholds=QUIET),
        ),
        servers=(),
    )
    ZabbixProvider().create(config_inputs(site, OPTIONS))
    try:
        with zabbix_daemon(state):
            yield {"zx": zx, "site": site}
    finally:
        web.close()


def _runs(zx: ZabbixSession, name: str) -> list[str]:
    """Every value of ``web.test.fail[<name>]`` so far (0: the scenario passed)."""
    items = zx.call("item.get", {"host": HOST, "webitems": True,
                                 "filter": {"key_": f"web.test.fail[{name}]"},
                                 "output": ["itemid"]}, what="web scenario item")
    assert items, f"no web scenario {name} on {HOST}"
    rows = zx.call("history.get", {"itemids": [items[0]["itemid"]], "history": 3,
                                   "output": "extend"}, what="web scenario runs")
    return [str(r["value"]) for r in rows]


def _trigger_value(zx: ZabbixSession, site: Any, name: str) -> str:
    url = next(u for u in site.urls if u.name == name)
    description = f"{site.id}: {name} is down ({url.url})"  # vigil.zabbix.render._fail_trigger
    found = zx.call("trigger.get", {"host": HOST, "filter": {"description": description},
                                    "output": ["value"]}, what="down trigger")
    assert len(found) == 1, found
    return str(found[0]["value"])


def test_slow_inside_timeout_stays_ok_and_outside_raises(slow: dict[str, Any]) -> None:
    zx, site = slow["zx"], slow["site"]
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if len(_runs(zx, "patient")) >= 2 and len(_runs(zx, "strict")) >= 2:
            break
        time.sleep(1)
    patient, strict = _runs(zx, "patient"), _runs(zx, "strict")
    assert len(patient) >= 2 and len(strict) >= 2, (patient, strict)
    assert set(patient) == {"0"}, f"a 3 s page failed a 5 s timeout: {patient}"
    assert "0" not in strict, f"a 3 s page passed a 2 s timeout: {strict}"
    time.sleep(5)  # the trigger is evaluated on the item's new value
    assert _trigger_value(zx, site, "patient") == "0"
    assert _trigger_value(zx, site, "strict") == "1"
