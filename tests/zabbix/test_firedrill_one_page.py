"""Fire drill with a real Zabbix agent 2: one failure is one page, across hosts.

The real ``zabbix_server`` daemon and a real ``zabbix_agent2`` (``scripts/zabbix-server agent
start``, passive checks on loopback) watch two sites provisioned through the provider:

- ``onepage-shop``: a loopback HTTPS URL and a server whose "nginx" is a process the test
  starts and kills (``{$NGINX.PROCESS.CMDLINE}`` matches its command line) listening on the
  URL's port. nginx going down takes the URL down too: that must be one page (the service),
  not one for the service, one for its port and one per URL. Its certificate (from a
  throwaway CA, valid for 2 days) is read by agent 2 and must page once as expiring.
- ``onepage-lab``: two servers whose agents never answer: one "agent unreachable" page for
  the site, not one per server.
- ``onepage-edge``: a load balancer without an agent (``agent: false``) whose HAProxy port the
  Zabbix server checks itself, in front of a loopback URL. The port refusing takes the URL
  down too: one page, the port's.

The drill host's resource thresholds (CPU, memory, disk, load) are set out of reach: this
shared machine is busy, and only the failures under test may page.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.zabbix.conftest import make_site
from tests.zabbix.firedrill import (
    FlakySite,
    PagerDutyCapture,
    make_ca_and_cert,
    started_or_skip,
    zabbix_daemon,
    zabbix_script,
)
from vigil.models import Server, Site, UrlCheck
from vigil.zabbix import api as zapi
from vigil.zabbix.api import ZabbixSession, resolve_credentials, session
from vigil.zabbix.provider import ZabbixProvider, config_inputs, media_inputs
from vigil.zabbix.render import RenderOptions

pytestmark = pytest.mark.zabbix

KEY_SHOP = "ONEPAGE-SHOP-ROUTING-KEY-0123456"
KEY_LAB = "ONEPAGE-LAB-ROUTING-KEY-01234567"
KEY_EDGE = "ONEPAGE-EDGE-ROUTING-KEY-0123456"
WAIT_S = 120
WEB_INTERVAL_S = 5
EDGE_WEB_INTERVAL_S = 15
QUIET_S = 25  # > two web check runs (5 s) and many service checks (1 s) after the page
OUT_OF_REACH = {  # linux template thresholds no busy test machine reaches
    "{$CPU.UTIL.CRIT}": "100",
    "{$CPU.UTIL.WARN}": "100",
    "{$MEMORY.AVAILABLE.CRIT}": "0",
    "{$MEMORY.AVAILABLE.WARN}": "0",
    "{$DISK.PUSED.CRIT}": "100",
    "{$DISK.PUSED.WARN}": "100",
    "{$LOAD.PER.CPU.WARN}": "100000",
}


class FakeService:
    """A process whose command line carries ``tag``: what the agent's proc.num counts."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self._proc: subprocess.Popen[bytes] | None = None
        self.start()

    def start(self) -> None:
        code = "import time; time.sleep(86400)"
        self._proc = subprocess.Popen([sys.executable, "-c", code, self.tag])

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.terminate()
            self._proc.wait(10)
            self._proc = None


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _site_behind(site_id: str, web: FlakySite, server: Server) -> Site:
    """A site of one server in front of one loopback URL that must show "Welcome"."""
    url = UrlCheck(url=web.url, name="home", required_text="Welcome", timeout_seconds=3)
    return make_site(site_id, "onepage", urls=(url,), servers=(server,))


@pytest.fixture(scope="module")
def drill(clean_zabbix: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    state = clean_zabbix.get("VIGIL_ZABBIX_DIR")
    if not state:
        pytest.skip("the fire drill needs the sandbox (scripts/zabbix-server) to run the daemon")
    started_or_skip(zabbix_script("agent", "start", state=state), "zabbix_agent2")
    agent_port = int(started_or_skip(zabbix_script("agent", "port", state=state), "zabbix_agent2"))
    cert, key = make_ca_and_cert(tmp_path_factory.mktemp("tls"), Path(state) / "ca")
    web = FlakySite(cert, key, slow_seconds=0)
    edge_web = FlakySite(cert, key, slow_seconds=0)
    nginx = FakeService(f"vigil-drill-nginx-{uuid.uuid4().hex[:8]}")
    pd = PagerDutyCapture()
    zapi.forget_sessions()
    zx = session(resolve_credentials())
    provider = ZabbixProvider()
    options = RenderOptions(
        dashboard_url="https://grafana.example.com/d/onepage",
        check_interval=f"{WEB_INTERVAL_S}s",
        cert_agent=f"127.0.0.1:{agent_port}",
        cert_interval="5s",
    )
    shop = _site_behind(
        "onepage-shop",
        web,
        Server(
            "web1",
            "127.0.0.1",
            ("nginx",),
            port=agent_port,
            macros={
                **OUT_OF_REACH,
                "{$NGINX.PORT}": str(web.port),
                "{$NGINX.PROCESS.CMDLINE}": nginx.tag,
                "{$VIGIL.SERVICE.INTERVAL}": "1s",
            },
        ),
    )
    silent = {"{$AGENT.NODATA.TIMEOUT}": "30s"}  # nodata's shortest sound period
    lab = make_site(
        "onepage-lab",
        "onepage",
        urls=(),
        servers=tuple(
            Server(f"box{i}", "127.0.0.1", (), port=_free_port(), macros=silent) for i in (1, 2)
        ),
    )
    edge = _site_behind(
        "onepage-edge",
        edge_web,
        Server(
            "lb",
            "127.0.0.1",
            ("haproxy",),
            agent=False,
            macros={"{$HAPROXY.PORT}": str(edge_web.port), "{$VIGIL.PORT.INTERVAL}": "1s"},
        ),
    )
    shared = provider.create(media_inputs(endpoint=pd.endpoint)).outs
    ids = {k: shared[k] for k in ("mediatypeid", "usrgrpid", "roleid")}
    outs = {}
    # the edge's only page is the one under test (no certificate check), and its web checks
    # keep production's proportion to the port checks: 3 misses (3 s) well inside one web
    # interval (production: 3 x 15 s inside 1 m), or the drill would race its own URL check
    edge_options = replace(options, cert_agent="", check_interval=f"{EDGE_WEB_INTERVAL_S}s")
    for site, routing_key, site_options in (
        (shop, KEY_SHOP, options),
        (lab, KEY_LAB, options),
        (edge, KEY_EDGE, edge_options),
    ):
        outs[site.id] = provider.create(config_inputs(site, site_options)).outs
        provider.create({"kind": "routing", "site": site.id, "routing_key": routing_key, **ids})
    provisioned = time.monotonic()
    try:
        with zabbix_daemon(state):
            yield {
                "zx": zx, "pd": pd, "web": web, "nginx": nginx, "shop": shop, "lab": lab,
                "edge_web": edge_web, "outs": outs, "provisioned": provisioned,
            }  # fmt: skip
    finally:
        zabbix_script("agent", "stop", state=state)
        nginx.stop()
        web.close()
        edge_web.close()
        pd.close()


def _pages(pd: PagerDutyCapture, key: str, since: float) -> list[dict[str, Any]]:
    return [
        e
        for _, e in pd.since(since)
        if e.get("routing_key") == key and e.get("event_action") == "trigger"
    ]


def _wait(
    pd: PagerDutyCapture, key: str, since: float, text: str, action: str = "trigger"
) -> tuple[float, dict[str, Any]]:
    found = pd.wait_for(
        since,
        lambda e: (
            e.get("routing_key") == key
            and e.get("event_action") == action
            and text in e.get("payload", {}).get("summary", text)
        ),
        WAIT_S,
    )
    assert found, f"no {action} event for {key} with {text!r} within {WAIT_S}s"
    return found


def _one_page(
    pd: PagerDutyCapture, key: str, start: float, cause: str, quiet_s: float
) -> tuple[float, dict[str, Any]]:
    """The first page after ``start`` names ``cause``, and no other follows for ``quiet_s``."""
    paged_at, event = _wait(pd, key, start, "")
    assert cause in event["payload"]["summary"], event["payload"]["summary"]
    time.sleep(quiet_s)
    summaries = [p["payload"]["summary"] for p in _pages(pd, key, start)]
    assert len(summaries) == 1, f"{cause}: {len(summaries)} pages: {summaries}"
    return paged_at, event


def _resolved_without_another_page(
    pd: PagerDutyCapture, key: str, start: float, event: dict[str, Any]
) -> float:
    """When the page of ``event`` resolved; recovery must page no one."""
    resolved_at, resolve = _wait(pd, key, start, "", action="resolve")
    assert resolve["dedup_key"] == event["dedup_key"]
    assert len(_pages(pd, key, start)) == 1, "recovery paged again"
    return resolved_at


def _last(zx: ZabbixSession, host: str, key: str, web: bool = False) -> str | None:
    items = zx.call(
        "item.get",
        {
            "host": host,
            "webitems": web,
            "filter": {"key_": key},
            "output": ["lastvalue", "lastclock"],
        },
        what="item state",
    )
    if not items or items[0]["lastclock"] == "0":
        return None
    return str(items[0]["lastvalue"])


def _wait_shop_healthy(drill: dict[str, Any]) -> None:
    """URL passing, nginx counted, and the (expected, lasting) certificate page already sent."""
    _wait(drill["pd"], KEY_SHOP, drill["provisioned"], "TLS certificate")
    zx, tag = drill["zx"], drill["nginx"].tag
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        fine = _last(zx, "onepage-shop-web", "web.test.fail[home]", web=True) == "0"
        running = _last(zx, "onepage-shop-web1", 'proc.num[,,,"{$NGINX.PROCESS.CMDLINE}"]')
        if fine and running not in (None, "0"):
            return
        time.sleep(0.5)
    log = Path(os.environ.get("VIGIL_ZABBIX_DIR", ".")) / "zabbix_server.log"
    tail = log.read_text()[-3000:] if log.exists() else ""
    raise AssertionError(f"the shop never looked healthy (nginx tag {tag}):\n{tail}")


def test_expiring_certificate_pages_once(drill: dict[str, Any]) -> None:
    """The throwaway certificate expires in 2 days: under CRIT (7), so one HIGH page; the
    WARN (21) trigger waits on CRIT."""
    pd = drill["pd"]
    at, event = _wait(pd, KEY_SHOP, drill["provisioned"], "TLS certificate")
    payload = event["payload"]
    assert payload["severity"] == "error", payload  # HIGH
    assert "onepage-shop" in payload["summary"]
    assert f"localhost:{drill['web'].port}" in payload["summary"]
    assert "{$VIGIL.CERT.CRIT.DAYS}" not in payload["summary"], "macro left unresolved"
    time.sleep(QUIET_S)
    pages = _pages(pd, KEY_SHOP, drill["provisioned"])
    tls = [e for e in pages if "TLS" in e["payload"]["summary"]]
    assert len(tls) == 1, f"one expiring certificate, {len(tls)} pages: {tls}"
    print(f"certificate expiry: paged {at - drill['provisioned']:.1f}s after provisioning")


def test_service_down_is_one_page_not_one_per_url(drill: dict[str, Any]) -> None:
    """nginx stops (process gone, port closed, URL refused): exactly one page, the service's;
    its port trigger and the site's URL check wait on it. Recovery resolves that page and,
    even when the site answers a web run later than the process is back, pages no one."""
    pd = drill["pd"]
    _wait_shop_healthy(drill)
    start = time.monotonic()
    drill["nginx"].stop()
    drill["web"].set("down")
    paged_at, event = _one_page(pd, KEY_SHOP, start, "nginx is not running", QUIET_S)
    assert _last(drill["zx"], "onepage-shop-web", "web.test.fail[home]", web=True) != "0"

    recovered = time.monotonic()
    drill["nginx"].start()
    # nginx's process is back before the site answers (workers starting, upstreams warming):
    # a web run fails after the process check has seen nginx again. The service trigger holds
    # the URL check until nginx has been up for {$VIGIL.SERVICE.RECOVERY}, so no second page.
    time.sleep(WEB_INTERVAL_S + 1)
    drill["web"].set("ok")
    resolved_at = _resolved_without_another_page(pd, KEY_SHOP, start, event)
    print(
        f"nginx down: one page {paged_at - start:.1f}s after stopping, "
        f"resolved {resolved_at - recovered:.1f}s after nginx came back"
    )


def test_silent_agents_are_one_page_per_site(drill: dict[str, Any]) -> None:
    """Two servers whose agents never answer: one "agent unreachable" page for the site."""
    pd = drill["pd"]
    at, event = _wait(pd, KEY_LAB, drill["provisioned"], "agent unreachable")
    assert "onepage-lab" in event["payload"]["summary"]
    assert event["payload"]["severity"] == "critical"
    time.sleep(QUIET_S + 20)  # both agents stay silent; nodata runs again and again
    pages = _pages(pd, KEY_LAB, drill["provisioned"])
    assert len(pages) == 1, f"two silent agents, {len(pages)} pages: {pages}"
    print(f"silent agents: one page {at - drill['provisioned']:.1f}s after provisioning")


def test_agentless_port_down_is_one_page_not_the_url(drill: dict[str, Any]) -> None:
    """The load balancer's port refuses (no agent: the Zabbix server's own simple check) and
    its URL with it: one page, the port's; recovery resolves it and pages no one."""
    pd, zx, edge = drill["pd"], drill["zx"], drill["edge_web"]
    port_key = "net.tcp.service[tcp,,{$HAPROXY.PORT}]"
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        fine = _last(zx, "onepage-edge-web", "web.test.fail[home]", web=True) == "0"
        if fine and _last(zx, "onepage-edge-lb", port_key) == "1":
            break
        time.sleep(0.5)
    else:
        raise AssertionError("the edge never looked healthy")
    start = time.monotonic()
    edge.set("down")
    quiet = 2 * EDGE_WEB_INTERVAL_S + 5  # two failed URL runs and more; they must not page
    paged_at, event = _one_page(pd, KEY_EDGE, start, "haproxy is not accepting connections", quiet)
    assert _last(zx, "onepage-edge-web", "web.test.fail[home]", web=True) != "0"

    recovered = time.monotonic()
    edge.set("ok")
    resolved_at = _resolved_without_another_page(pd, KEY_EDGE, start, event)
    print(
        f"agentless port down: one page {paged_at - start:.1f}s after closing, "
        f"resolved {resolved_at - recovered:.1f}s after it reopened"
    )
