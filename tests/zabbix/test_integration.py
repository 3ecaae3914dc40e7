"""Against a real Zabbix 6.0 (scripts/zabbix-server): lifecycle, drift, errors, serialization."""

from __future__ import annotations

import base64
import os
from dataclasses import replace

import dill
import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.dynamic.dynamic import serialize_provider

from tests.zabbix.conftest import make_site, schema_services
from vigil.models import Server, Threshold, UrlCheck
from vigil.zabbix import api as zapi
from vigil.zabbix.api import (
    Credentials,
    ZabbixAuthError,
    ZabbixSession,
    ZabbixUnreachableError,
    resolve_credentials,
    session,
)
from vigil.zabbix.provider import ZabbixProvider, config_inputs, media_inputs, real_changes
from vigil.zabbix.render import render_site_yaml, service_template_name

pytestmark = pytest.mark.zabbix

ROUTING_KEY = "R0UTING-KEY-0123456789abcdef"


@pytest.fixture(scope="module")
def zx(clean_zabbix: dict[str, str]) -> ZabbixSession:
    zapi.forget_sessions()
    return session(resolve_credentials())


def _stock(zx: ZabbixSession) -> dict[str, set[str]]:
    def ids(method: str, key: str, **extra: object) -> set[str]:
        return {o[key] for o in zx.call(method, {"output": [key], **extra}, what="stock")}

    return {
        "templates": ids("template.get", "templateid"),
        "hostgroups": ids("hostgroup.get", "groupid"),
        "mediatypes": ids("mediatype.get", "mediatypeid"),
        "actions": ids("action.get", "actionid"),
        "users": ids("user.get", "userid"),
    }


def _calls(fn):
    """(result, API calls made) for ``fn`` on fresh sessions (login included)."""
    zapi.forget_sessions()
    before = zapi.CALLS["count"]
    result = fn()
    return result, zapi.CALLS["count"] - before


def test_full_lifecycle(zx: ZabbixSession) -> None:
    stock = _stock(zx)
    provider = ZabbixProvider()
    site = make_site("life-shop", "life")

    shared = provider.create(media_inputs()).outs
    routing_in = {
        "kind": "routing",
        "site": site.id,
        "routing_key": ROUTING_KEY,
        **{k: shared[k] for k in ("mediatypeid", "usrgrpid", "roleid")},
    }
    cfg_in = config_inputs(site)

    # create: one site = config + routing
    (cfg, routing), calls = _calls(lambda: (provider.create(cfg_in), provider.create(routing_in)))
    # version + login; config: ownership check, import, ids of what it made;
    # routing: ownership check of user and action, user.create, action.create
    assert calls <= 9, calls
    assert ROUTING_KEY not in repr(routing.outs) and ROUTING_KEY not in repr(cfg.outs)
    template = zx.call(
        "template.get",
        {
            "filter": {"host": [cfg.id]},
            "output": ["host"],
            "selectHttpTests": ["name"],
            "selectMacros": ["macro", "value"],
        },
        what="t",
    )
    assert [h["name"] for h in template[0]["httpTests"]] == ["checkout", "home"] or sorted(
        h["name"] for h in template[0]["httpTests"]
    ) == ["checkout", "home"]
    macros = {m["macro"]: m["value"] for m in template[0]["macros"]}
    assert macros['{$WEB.TIME.WARN:"home"}'] == "2"
    hosts = zx.call(
        "host.get", {"filter": {"host": cfg.outs["host_names"]}, "output": ["host"]}, what="h"
    )
    assert sorted(h["host"] for h in hosts) == sorted(cfg.outs["host_names"])
    user = zx.call(
        "user.get",
        {"userids": [routing.outs["userid"]], "selectMedias": ["sendto"], "output": ["username"]},
        what="u",
    )
    assert user[0]["medias"][0]["sendto"] == ROUTING_KEY

    # re-apply with the same inputs: no change, and cheap
    olds_cfg, olds_routing = cfg.outs, routing.outs
    (d1, d2), calls = _calls(
        lambda: (
            provider.diff(cfg.id, olds_cfg, cfg_in),
            provider.diff(routing.id, olds_routing, routing_in),
        )
    )
    assert d1.changes is False and d2.changes is False
    # version + login; config: importcompare, host.get, host export; routing: user + action
    assert calls <= 7, calls
    assert (
        zx.call(
            "configuration.importcompare",
            {"format": "yaml", "source": cfg_in["export"], "rules": zx.features.import_rules()},
            what="raw compare",
        )
        == []
    ), "the rendered export is not in Zabbix's export form (false changes)"

    # change a threshold → diff sees it → update applies it
    slower = replace(
        site,
        urls=(
            replace(
                site.urls[0], thresholds={"response_time_seconds": Threshold(warning=4, critical=9)}
            ),
            *site.urls[1:],
        ),
    )
    new_in = config_inputs(slower)
    assert provider.diff(cfg.id, olds_cfg, new_in).changes is True
    updated = provider.update(cfg.id, olds_cfg, new_in).outs
    macros = {
        m["macro"]: m["value"]
        for m in zx.call(
            "usermacro.get",
            {
                "hostids": [template[0]["templateid"]]
                if "templateid" in template[0]
                else _template_id(zx, cfg.id),
                "output": ["macro", "value"],
            },
            what="m",
        )
    }
    assert macros['{$WEB.TIME.WARN:"home"}'] == "4"
    assert provider.diff(cfg.id, updated, new_in).changes is False

    # a hand edit through the API is drift: refresh shows it, diff wants to fix it
    tid = _template_id(zx, cfg.id)
    macro = zx.call(
        "usermacro.get",
        {"hostids": tid, "filter": {"macro": "{$WEB.TIME.CRIT}"}, "output": ["hostmacroid"]},
        what="m",
    )[0]
    zx.call("usermacro.update", {"hostmacroid": macro["hostmacroid"], "value": "99"}, what="m")
    read = provider.read(cfg.id, updated)
    assert read.outs["drift"], "hand edit not detected"
    assert provider.diff(cfg.id, read.outs, new_in).changes is True
    fixed = provider.update(cfg.id, read.outs, new_in).outs
    assert provider.read(cfg.id, fixed).outs["drift"] == []

    # hosts too (6.0's importcompare does not cover hosts): disable one by hand
    web1 = zx.call(
        "host.get", {"filter": {"host": ["life-shop-web1"]}, "output": ["hostid"]}, what="h"
    )[0]["hostid"]
    zx.call("host.update", {"hostid": web1, "status": 1}, what="h")
    assert provider.read(cfg.id, fixed).outs["drift"] == [
        "host life-shop-web1: status is DISABLED, want unset (default)"
    ]
    fixed = provider.update(cfg.id, fixed, new_in).outs
    assert provider.read(cfg.id, fixed).outs["drift"] == []

    # routing drift: someone changes the integration key by hand
    zx.call(
        "user.update",
        {
            "userid": routing.outs["userid"],
            "medias": [{"mediatypeid": shared["mediatypeid"], "sendto": "someone-else"}],
        },
        what="u",
    )
    r_read = provider.read(routing.id, olds_routing)
    assert provider.diff(routing.id, r_read.outs, routing_in).changes is True
    r_fixed = provider.update(routing.id, r_read.outs, routing_in).outs
    assert (
        provider.diff(routing.id, provider.read(routing.id, r_fixed).outs, routing_in).changes
        is False
    )

    # a server removed from the inventory: its host goes, the others stay
    fewer = replace(slower, servers=slower.servers[:1])
    fewer_in = config_inputs(fewer)
    after = provider.update(cfg.id, fixed, fewer_in).outs
    left = {
        h["host"]
        for h in zx.call(
            "host.get", {"filter": {"host": fixed["host_names"]}, "output": ["host"]}, what="h"
        )
    }
    assert left == set(after["host_names"])

    # delete: everything vigil made for the site goes; stock objects stay
    provider.delete(routing.id, r_fixed)
    provider.delete(cfg.id, after)
    provider.delete("vigil PagerDuty", shared)
    assert zx.call("template.get", {"filter": {"host": [cfg.id]}}, what="t") == []
    assert zx.call("host.get", {"filter": {"host": after["host_names"]}}, what="h") == []
    # … and so do the shared service templates and groups, now that nothing uses them
    left_templates = zx.call(
        "template.get", {"filter": {"host": cfg_in["service_templates"]}}, what="t"
    )
    assert left_templates == [], [t["host"] for t in left_templates]
    groups = zx.call(
        "hostgroup.get", {"filter": {"name": ["vigil/life", "Templates/vigil"]}}, what="g"
    )
    assert groups == [], groups
    now = _stock(zx)
    for kind, ids in stock.items():
        assert ids <= now[kind], f"stock {kind} deleted: {ids - now[kind]}"
    assert now["actions"] == stock["actions"] and now["users"] == stock["users"]


def _template_id(zx: ZabbixSession, name: str) -> str:
    return zx.call(
        "template.get", {"filter": {"host": [name]}, "output": ["templateid"]}, what=name
    )[0]["templateid"]


def test_recreate_after_interrupted_run_converges(zx: ZabbixSession) -> None:
    """A create that died after the import (no state saved) converges on re-run."""
    provider = ZabbixProvider()
    site = make_site("conv-shop", "conv")
    shared = provider.create(media_inputs()).outs
    routing_in = {
        "kind": "routing",
        "site": site.id,
        "routing_key": ROUTING_KEY,
        **{k: shared[k] for k in ("mediatypeid", "usrgrpid", "roleid")},
    }
    provider.create(config_inputs(site))
    first = provider.create(routing_in)
    again_cfg = provider.create(config_inputs(site))  # state was lost: create again
    again = provider.create(routing_in)
    assert again.outs["userid"] == first.outs["userid"]
    assert again.outs["actionid"] == first.outs["actionid"]
    assert provider.read(again_cfg.id, again_cfg.outs).outs["drift"] == []


def test_foreign_host_is_not_taken_over(zx: ZabbixSession) -> None:
    site = make_site("foreign-shop", "foreign")
    group = zx.call(
        "hostgroup.get", {"filter": {"name": ["Linux servers"]}, "output": ["groupid"]}, what="g"
    )[0]["groupid"]
    zx.call(
        "host.create",
        {"host": "foreign-shop-web", "groups": [{"groupid": group}]},
        what="foreign host",
    )
    with pytest.raises(zapi.ZabbixError, match="not created by vigil"):
        ZabbixProvider().create(config_inputs(site))


EXAMPLE_SITES = [
    make_site(),
    make_site("bare-site", "bare", servers=()),
    make_site("servers-only", "solo", urls=()),
    # every service the inventory schema accepts, so every service template imports for real
    make_site(
        "every-service",
        "all",
        servers=(Server(name="box", address="192.0.2.7", services=schema_services()),),
    ),
    # a machine without an agent: its services' ports checked from the Zabbix server
    make_site(
        "agentless",
        "al",
        urls=(),
        servers=(
            Server(
                name="lb",
                address="192.0.2.9",
                services=("haproxy", "redis"),
                agent=False,
                macros={"{$REDIS.PORT}": "6380"},
            ),
            Server(
                name="db",
                address="192.0.2.10",
                services=("mysql",),
                macros={"{$MYSQL.PORT}": "3307"},
            ),
        ),
    ),
    make_site(
        "no-thresholds",
        "nt",
        urls=(
            UrlCheck(
                url="http://example.org/health",
                name="health",
                thresholds={"response_time_seconds": Threshold(warning=None, critical=10)},
            ),
        ),
    ),
]


def _example_sites() -> list:
    try:  # the example inventory, once it lands on main
        from vigil.inventory import load_inventory

        root = os.path.join(os.path.dirname(__file__), "..", "..", "inventory")
        return [*EXAMPLE_SITES, *load_inventory(root).sites]
    except Exception:
        return EXAMPLE_SITES


@pytest.mark.parametrize("site", _example_sites(), ids=lambda s: s.id)
def test_every_example_site_imports_cleanly(zx: ZabbixSession, site) -> None:
    source = render_site_yaml(site)
    rules = zx.features.import_rules()
    assert (
        zx.call(
            "configuration.import",
            {"format": "yaml", "source": source, "rules": rules},
            what=site.id,
        )
        is True
    )
    compare = zx.call(
        "configuration.importcompare",
        {"format": "yaml", "source": source, "rules": rules},
        what=site.id,
    )
    assert real_changes(compare) == []
    assert compare == [], f"export form differs from Zabbix's: {compare}"


def test_every_schema_service_links_a_real_template(zx: ZabbixSession) -> None:
    """A server declaring every service the schema allows gets every service template."""
    site = next(s for s in EXAMPLE_SITES if s.id == "every-service")
    source = render_site_yaml(site)
    rules = zx.features.import_rules()
    zx.call("configuration.import", {"format": "yaml", "source": source, "rules": rules}, what="x")
    (host,) = zx.call(
        "host.get",
        {"filter": {"host": ["every-service-box"]}, "selectParentTemplates": ["host"]},
        what="every-service host",
    )
    linked = {t["host"] for t in host["parentTemplates"]}
    assert linked == {service_template_name(s) for s in ("linux", *schema_services())}


def test_wrong_credentials_give_a_clear_error(zabbix_env: dict[str, str]) -> None:
    creds = Credentials(
        url=os.environ["ZABBIX_URL"], user="vigil-nobody", password="not-the-password-42"
    )
    with pytest.raises(ZabbixAuthError) as err:
        ZabbixSession(creds)
    text = str(err.value)
    assert "rejected user 'vigil-nobody'" in text and os.environ["ZABBIX_URL"] in text
    assert "not-the-password-42" not in text
    with pytest.raises(ZabbixAuthError, match="rejected"):
        ZabbixSession(Credentials(url=os.environ["ZABBIX_URL"], token="0" * 64)).call(
            "host.get", {"limit": 1}, what="a probe"
        )


def test_unreachable_server_gives_a_clear_error() -> None:
    creds = Credentials(url="http://127.0.0.1:9/api_jsonrpc.php", user="Admin", password="x")
    with pytest.raises(ZabbixUnreachableError) as err:
        ZabbixSession(creds, retries=2, backoff=0.01)
    assert "127.0.0.1:9" in str(err.value) and "after 3 attempts" in str(err.value)


def test_provider_survives_dill_round_trip_without_credentials(zx: ZabbixSession) -> None:
    token = zx.call("token.create", {"name": "vigil-test-token", "userid": "1"}, what="API token")[
        "tokenids"
    ][0]
    secret = zx.call("token.generate", [token], what="API token")[0]["token"]
    provider = ZabbixProvider()
    # A provider that already ran with secrets still serializes without them.
    provider.configure(
        ConfigureRequest(
            Config({"vigil:zabbixApiToken": secret, "vigil:zabbixPassword": "zabbix"}, "vigil")
        )
    )
    encoded = serialize_provider(provider)  # exactly what the engine stores in state
    raw = base64.b64decode(encoded)
    for needle in (secret, "zabbix\x00", os.environ.get("ZABBIX_PASSWORD", "zabbix")):
        assert needle.encode() not in raw.replace(b"vigil.zabbix", b"")
    assert secret.encode() not in dill.dumps(provider, recurse=True)

    clone = dill.loads(raw)
    clone.configure(
        ConfigureRequest(
            Config(
                {"vigil:zabbixUrl": os.environ["ZABBIX_URL"], "vigil:zabbixApiToken": secret},
                "vigil",
            )
        )
    )
    zapi.forget_sessions()
    saved = {k: os.environ.pop(k) for k in ("ZABBIX_USER", "ZABBIX_PASSWORD") if k in os.environ}
    try:
        result = clone.create(config_inputs(make_site("dill-shop", "dill")))
        assert secret not in repr(result.outs)
        assert clone.read(result.id, result.outs).outs["drift"] == []
    finally:
        os.environ.update(saved)
        zapi.forget_sessions()
