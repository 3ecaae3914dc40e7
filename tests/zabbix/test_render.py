"""Pure rendering: deterministic, Zabbix export form, thresholds as macros, tags everywhere."""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.zabbix.conftest import make_site
from vigil.catalog import url as url_catalog
from vigil.inventory import load_inventory
from vigil.models import Server, Threshold, UrlCheck
from vigil.zabbix import agentless, media, service_templates
from vigil.zabbix.render import (
    C_SAFE_MAX_LENGTH,
    DUMP_OPTIONS,
    REGEX_SPECIAL,
    TEMPLATE_GROUP,
    RenderOptions,
    c_dumpable,
    dump,
    render_site,
    render_site_yaml,
    required_pattern,
    site_objects,
)
from vigil.zabbix.service_recovery import zabbix_seconds
from vigil.zabbix.service_templates import canonical_service, service_table
from vigil.zabbix.uuids import stable_uuid

ROOT = Path(__file__).resolve().parents[2]


def _export(site, version="6.0"):
    return render_site(site, version)["zabbix_export"]


def _template(export, name):
    return next(t for t in export["templates"] if t["template"] == name)


@given(st.text(min_size=1, max_size=40))
def test_stable_uuid_is_a_real_v4_and_deterministic(name: str) -> None:
    value = stable_uuid("template", name)
    parsed = uuid.UUID(value)
    assert parsed.version == 4 and parsed.variant == uuid.RFC_4122
    assert value == stable_uuid("template", name) and len(value) == 32


def test_rendering_is_byte_stable(site) -> None:
    assert render_site_yaml(site) == render_site_yaml(make_site())
    doc = yaml.safe_load(render_site_yaml(site))
    assert doc["zabbix_export"]["version"] == "6.0"


def test_web_scenario_per_url_with_checks(site) -> None:
    export = _export(site)
    tpl = _template(export, "vigil-site-acme-shop")
    tests = {h["name"]: h for h in tpl["httptests"]}
    assert set(tests) == {"home", "checkout"}
    home, checkout = tests["home"]["steps"][0], tests["checkout"]["steps"][0]
    assert home["required"] == "Welcome" and home["status_codes"] == "200"
    assert home["timeout"] == "10s" and "follow_redirects" not in home  # default YES
    assert checkout["follow_redirects"] == "NO" and checkout["status_codes"] == "200,302"
    assert checkout["timeout"] == "20s"


@given(st.text(min_size=1, max_size=80))
def test_required_pattern_matches_exactly_the_literal_text(text: str) -> None:
    """Zabbix reads ``required`` as a regular expression; the inventory's text is literal."""
    pattern = required_pattern(text)
    assert re.search(pattern, f"<p>{text}</p>") is not None
    if any(c in REGEX_SPECIAL for c in text):
        assert pattern != text


def test_required_text_with_regex_characters_is_escaped_in_the_step(site) -> None:
    price = "Total: $9.99 (incl. VAT)"
    urls = (replace(site.urls[0], required_text=price), *site.urls[1:])
    step = _template(_export(replace(site, urls=urls)), "vigil-site-acme-shop")["httptests"]
    required = next(h for h in step if h["name"] == "home")["steps"][0]["required"]
    assert required == r"Total: \$9\.99 \(incl\. VAT\)"
    assert re.search(required, f"<b>{price}</b>") and not re.search(price, f"<b>{price}</b>")


def test_response_time_default_is_the_catalogs(site) -> None:
    """One default for the Zabbix-only level: the catalog's (vigil.catalog.url)."""
    template = _template(_export(site), "vigil-site-acme-shop")
    macros = {m["macro"]: m["value"] for m in template["macros"]}
    default = url_catalog.RESPONSE_TIME.default
    assert macros["{$WEB.TIME.CRIT}"] == f"{default.critical:g}"
    assert macros["{$WEB.TIME.WARN}"] == f"{default.warning:g}"


def test_one_down_trigger_per_url_with_reason_and_time_with_macro_thresholds(site) -> None:
    export = _export(site)
    expressions = [t["expression"] for t in export["triggers"]]
    tpl = "vigil-site-acme-shop"
    # two failed runs: a service check (at least as frequent) is a problem first, and holds it
    down = f"min(/{tpl}/web.test.fail[home],#2)<>0 and length(last(/{tpl}/web.test.error[home]))>=0"
    assert down in expressions
    assert not any("rspcode" in e for e in expressions), "a 5xx and 'down' would page twice"
    by_expr = {t["expression"]: t for t in export["triggers"]}
    assert by_expr[down]["event_name"].endswith(": {ITEM.LASTVALUE2}")  # the reason
    assert by_expr[down]["url"] == "https://runbooks.example.com/acme-shop"
    crit = f'avg(/{tpl}/web.test.time[home,home,resp],5m)>{{$WEB.TIME.CRIT:"home"}}'
    warn = f'avg(/{tpl}/web.test.time[home,home,resp],5m)>{{$WEB.TIME.WARN:"home"}}'
    assert [d["expression"] for d in by_expr[crit]["dependencies"]] == [down]
    assert [d["expression"] for d in by_expr[warn]["dependencies"]] == [crit]
    assert f'avg(/{tpl}/web.test.time[home,home,resp],5m)>{{$WEB.TIME.WARN:"home"}}' in expressions
    macros = {m["macro"]: m["value"] for m in _template(export, tpl)["macros"]}
    assert macros['{$WEB.TIME.WARN:"home"}'] == "2" and macros['{$WEB.TIME.CRIT:"home"}'] == "5"
    # absent thresholds: 3 s / 8 s
    assert macros['{$WEB.TIME.WARN:"checkout"}'] == "3"
    assert macros['{$WEB.TIME.CRIT:"checkout"}'] == "8"
    priorities = {t["name"]: t["priority"] for t in export["triggers"]}
    assert priorities["acme-shop: home is down (https://shop.example.com/)"] == "DISASTER"


def test_disabled_severity_has_no_trigger() -> None:
    site = make_site(
        urls=(
            UrlCheck(
                url="http://x.test/",
                name="x",
                thresholds={"response_time_seconds": Threshold(warning=None, critical=4)},
            ),
        )
    )
    export = _export(site)
    names = [t["name"] for t in export["triggers"]]
    assert not any("WEB.TIME.WARN" in n for n in names)
    assert any("WEB.TIME.CRIT" in n for n in names)


def test_tags_site_client_tier_everywhere(site) -> None:
    export = _export(site)
    want = {
        ("vigil:site", "acme-shop"),
        ("vigil:client", "acme"),
        ("vigil:tier", "gold"),
        ("managed-by", "vigil"),
    }
    tpl = _template(export, "vigil-site-acme-shop")
    for obj in [tpl, *tpl["httptests"], *export["hosts"]]:
        assert want <= {(t["tag"], t["value"]) for t in obj["tags"]}, obj.get("name")
    for trig in export["triggers"]:
        if trig["expression"].startswith("last(/vigil-site") or "web.test" in trig["expression"]:
            assert want <= {(t["tag"], t["value"]) for t in trig["tags"]}


def test_hosts_link_service_templates_and_agent_interface(site) -> None:
    export = _export(site)
    hosts = {h["host"]: h for h in export["hosts"]}
    assert set(hosts) == {"acme-shop-web", "acme-shop-web1", "acme-shop-db1"}
    web1 = hosts["acme-shop-web1"]
    assert [t["name"] for t in web1["templates"]] == [
        "vigil-svc-linux",
        "vigil-svc-nginx",
        "vigil-svc-php-fpm",
        "vigil-svc-varnish",
    ]
    assert web1["interfaces"] == [{"ip": "10.0.0.11", "interface_ref": "if1"}]
    db1 = hosts["acme-shop-db1"]["interfaces"][0]
    assert db1 == {
        "useip": "NO",
        "dns": "db1.acme.internal",
        "port": "10051",
        "interface_ref": "if1",
    }
    assert [t["name"] for t in hosts["acme-shop-web"]["templates"]] == ["vigil-site-acme-shop"]
    assert export["groups"] == sorted(
        [
            {"uuid": stable_uuid("group", TEMPLATE_GROUP), "name": TEMPLATE_GROUP},
            {"uuid": stable_uuid("group", "vigil/acme"), "name": "vigil/acme"},
        ],
        key=lambda g: g["name"],
    )


def test_service_templates_cover_the_stack() -> None:
    assert {"linux", "nginx", "php-fpm", "varnish", "sphinx", "redis", "mysql"} <= set(
        service_table()
    )
    linux_keys = {i["key"] for i in service_table()["linux"]["items"]}
    assert {
        "agent.ping",
        "system.cpu.util",
        "vm.memory.size[pavailable]",
        "vfs.fs.size[/,pused]",
        "system.cpu.load[all,avg5]",
    } <= linux_keys
    assert canonical_service("MariaDB") == "mysql"
    with pytest.raises(ValueError, match="known services"):
        canonical_service("oracle")


def test_site_objects_lists_what_vigil_owns(site) -> None:
    objects = site_objects(site)
    assert objects.template_name == "vigil-site-acme-shop"
    assert objects.web_scenarios == ("home", "checkout")
    no_urls = site_objects(replace(site, urls=()))
    assert "acme-shop-web" not in no_urls.host_names


def test_62_uses_template_groups(site) -> None:
    export = _export(site, "7.0")
    assert export["version"] == "6.2"
    assert [g["name"] for g in export["template_groups"]] == [TEMPLATE_GROUP]
    assert [g["name"] for g in export["host_groups"]] == ["vigil/acme"]
    assert "groups" not in export


def test_servers_only_site_has_no_web_host() -> None:
    site = make_site(urls=(), servers=(Server(name="a", address="10.1.1.1", services=()),))
    export = _export(site)
    assert [h["host"] for h in export["hosts"]] == ["acme-shop-a"]


def test_pagerduty_media_type_takes_key_from_send_to() -> None:
    mt = media.media_type()["zabbix_export"]["media_types"][0]
    params = {p["name"]: p["value"] for p in mt["parameters"]}
    assert params["token"] == "{ALERT.SENDTO}" and params["eventid"] == "{EVENT.ID}"
    assert mt["name"] == media.MEDIA_TYPE_NAME and mt["type"] == "WEBHOOK"
    script = mt["script"]
    assert params["endpoint"] == "https://events.pagerduty.com/v2/enqueue"
    assert "req.post(params.endpoint" in script and "dedup_key = params.eventid" in script
    eu = media.media_type(endpoint=media.EVENTS_ENDPOINTS["eu"])["zabbix_export"]
    eu_params = {p["name"]: p["value"] for p in eu["media_types"][0]["parameters"]}
    assert eu_params["endpoint"] == "https://events.eu.pagerduty.com/v2/enqueue"
    assert int(mt["attempts"]) * 30 >= 270, "retries must outlast a short PagerDuty outage"
    # the official script's severity table matches the documented mapping
    order = ["info", "info", "warning", "warning", "error", "critical"]
    assert [
        media.SEVERITY_MAP[s]
        for s in ("Not classified", "Information", "Warning", "Average", "High", "Disaster")
    ] == order
    table = script[script.index("SEVERITY = [") : script.index("];")]
    assert [w.strip(" '") for w in table.split("[", 1)[1].split(",")] == order


def test_routing_user_and_action(site) -> None:
    user = media.routing_user_params(
        "acme-shop", routing_key="K", mediatypeid="9", usrgrpid="20", roleid="3"
    )
    assert user["medias"][0]["sendto"] == "K" and user["username"] == "vigil-pagerduty-acme-shop"
    action = media.action_params("acme-shop", mediatypeid="9", userid="5")
    cond = action["filter"]["conditions"][0]
    assert (cond["value2"], cond["value"]) == ("vigil:site", "acme-shop")
    assert action["operations"][0]["opmessage_usr"] == [{"userid": "5"}]
    assert media.key_fingerprint("K") != media.key_fingerprint("L")


def _service_triggers(export: dict, template: str) -> dict[str, dict]:
    found = {t["name"]: t for t in export.get("triggers", [])}
    for tpl in export["templates"]:
        if tpl["template"] == template:
            for item in tpl.get("items", []):
                found.update({t["name"]: t for t in item.get("triggers", [])})
    return found


def test_one_failure_one_page_within_a_server() -> None:
    """A stopped process holds its port trigger; a critical level holds its warning."""
    site = make_site(servers=(Server("db1", "10.0.0.5", ("mysql", "nginx")),))
    export = _export(site)
    nginx = _service_triggers(export, "vigil-svc-nginx")
    port = nginx["nginx is not listening on port {$NGINX.PORT}"]
    assert [d["name"] for d in port["dependencies"]] == ["nginx is not running"]
    assert port["dependencies"][0]["expression"] == nginx["nginx is not running"]["expression"]
    linux = _service_triggers(export, "vigil-svc-linux")
    warn = linux["Disk / is filling up (over {$DISK.PUSED.WARN}%)"]
    assert [d["name"] for d in warn["dependencies"]] == [
        "Disk / is almost full (over {$DISK.PUSED.CRIT}%)"
    ]


def test_process_checks_match_every_distribution_and_mariadb() -> None:
    """MariaDB >= 10.5 runs mariadbd, RHEL's MySQL /usr/libexec/mysqld, Debian's php-fpm8.2."""
    import re

    table = service_templates.service_table()
    mysql = re.compile(table["mysql"]["macros"]["{$MYSQL.PROCESS.CMDLINE}"])
    for cmdline in ("/usr/sbin/mariadbd", "/usr/libexec/mysqld --basedir=/usr", "mysqld"):
        assert mysql.search(cmdline), cmdline
    assert not mysql.search("/bin/sh /usr/bin/mysqld_safe")
    fpm = re.compile(table["php-fpm"]["macros"]["{$PHP_FPM.PROCESS.CMDLINE}"])
    assert fpm.search("php-fpm: master process (/etc/php/8.2/fpm/php-fpm.conf)")
    assert not fpm.search("php-fpm: pool www")
    apache = re.compile(table["apache"]["macros"]["{$APACHE.PROCESS.CMDLINE}"])
    assert apache.search("/usr/sbin/apache2 -k start") and apache.search(
        "/usr/sbin/httpd -DFOREGROUND"
    )


def test_agentless_server_gets_port_checks_from_zabbix_not_agent_items() -> None:
    box = Server("lb", "192.0.2.9", ("haproxy",), agent=False, macros={"{$HAPROXY.PORT}": "8443"})
    agent = Server("app", "192.0.2.10", ("nginx",), macros={"{$NGINX.PORT}": "8080"})
    export = _export(make_site(servers=(box, agent)))
    hosts = {h["host"]: h for h in export["hosts"]}
    lb = hosts["acme-shop-lb"]
    assert "templates" not in lb, "no agent: no agent templates (no 'agent unavailable' page)"
    assert [i["key"] for i in lb["items"]] == ["net.tcp.service[tcp,,{$HAPROXY.PORT}]"]
    assert lb["items"][0]["type"] == "SIMPLE"
    hold = {"{$VIGIL.SERVICE.RECOVERY}": "130s"}  # 1m web interval + 2 x 20 s timeout + 30 s
    assert lb["items"][0]["delay"] == "{$VIGIL.PORT.INTERVAL}"
    assert {m["macro"]: m["value"] for m in lb["macros"]} == {
        "{$HAPROXY.PORT}": "8443",
        "{$VIGIL.PORT.INTERVAL}": "15s",
        **hold,
    }
    app = hosts["acme-shop-app"]
    assert {t["name"] for t in app["templates"]} == {"vigil-svc-linux", "vigil-svc-nginx"}
    assert {m["macro"]: m["value"] for m in app["macros"]} == {"{$NGINX.PORT}": "8080", **hold}


def test_url_checks_wait_on_the_service_down_triggers_of_the_sites_servers(site) -> None:
    """nginx (or MySQL…) down on a server of the site takes its URLs down: one page, the
    service's. The dependency names the server host's trigger by name and expression."""
    export = _export(site)
    fail = next(t for t in export["triggers"] if t["name"].startswith("acme-shop: home is down"))
    deps = {(d["name"], d["expression"]) for d in fail["dependencies"]}
    assert (
        "nginx is not running",
        'last(/acme-shop-web1/proc.num[,,,"{$NGINX.PROCESS.CMDLINE}"])=0',
    ) in deps
    assert (
        "MySQL is not running",
        'last(/acme-shop-db1/proc.num[,,,"{$MYSQL.PROCESS.CMDLINE}"])=0',
    ) in deps
    names = [d["name"] for d in fail["dependencies"]]  # as Zabbix orders them
    assert names == [
        "MySQL is not running",
        "nginx is not running",
        "php-fpm is not running",
        "Redis is not running",
        "Varnish is not running",
    ]
    # every dependency is a real trigger of the linked service templates, as the host has it
    for name, expression in deps:
        host = expression.split("/")[1]
        service_tpl = [
            t
            for t in export["triggers"]
            + [
                tr
                for tpl in export["templates"]
                for item in tpl.get("items", [])
                for tr in item.get("triggers", [])
            ]
            if t["name"] == name
        ]
        assert len(service_tpl) == 1, name
        template = service_tpl[0]["expression"].split("/")[1]
        assert service_tpl[0]["expression"].replace(f"/{template}/", f"/{host}/") == expression


def test_agentless_port_triggers_hold_the_url_checks_too() -> None:
    box = Server("lb", "192.0.2.9", ("haproxy",), agent=False)
    export = _export(make_site(servers=(box,)))
    fail = next(t for t in export["triggers"] if "home is down" in t["name"])
    assert [d["expression"] for d in fail["dependencies"]] == [
        "max(/acme-shop-lb/net.tcp.service[tcp,,{$HAPROXY.PORT}],#3)=0"
    ]


def test_agentless_port_is_a_problem_before_a_url_can_fire() -> None:
    """Three refused connections 15 s apart (45 s at most) come before the URL trigger's second
    failed run (one web interval after the first at the soonest): the dependency holds."""
    web_interval = zabbix_seconds(RenderOptions().check_interval)
    assert agentless.PORT_MISSES * zabbix_seconds(agentless.PORT_INTERVAL) < web_interval
    box = Server("lb", "192.0.2.9", ("haproxy",), agent=False)
    item = _export(make_site(servers=(box,)))["hosts"][0]["items"][0]
    assert item["triggers"][0]["expression"].endswith(f",#{agentless.PORT_MISSES})=0")


def test_one_agent_unreachable_trigger_per_site_not_per_server(site) -> None:
    export = _export(site)
    agent = [t for t in export["triggers"] if "agent.ping" in t["expression"]]
    assert len(agent) == 1, agent
    assert agent[0]["expression"] == (
        "nodata(/acme-shop-db1/agent.ping,{$AGENT.NODATA.TIMEOUT})=1"
        " or nodata(/acme-shop-web1/agent.ping,{$AGENT.NODATA.TIMEOUT})=1"
    )
    assert agent[0]["name"].startswith("acme-shop: ") and agent[0]["priority"] == "DISASTER"
    assert ("vigil:site", "acme-shop") in {(t["tag"], t["value"]) for t in agent[0]["tags"]}
    linux = _template(export, "vigil-svc-linux")
    assert not any(i.get("triggers") for i in linux["items"] if i["key"] == "agent.ping")
    agentless = _export(make_site(servers=(Server("lb", "192.0.2.9", (), agent=False),)))
    assert not any("agent.ping" in t["expression"] for t in agentless.get("triggers", []))


def test_service_checks_run_at_least_as_often_as_web_checks() -> None:
    """The URL trigger needs two failed runs (1m apart): a service check every 30 s is in
    problem before that, so the dependency holds the URL check."""
    table = service_templates.service_table()
    assert table["linux"]["macros"]["{$VIGIL.SERVICE.INTERVAL}"] == "30s"
    for service, spec in table.items():
        for item in spec["items"]:
            if any(t.get("down") for t in item.get("triggers", [])):
                assert item["delay"] == "{$VIGIL.SERVICE.INTERVAL}", (service, item["key"])


def test_certificate_expiry_per_tls_endpoint(site) -> None:
    export = _export(site)
    tpl = _template(export, "vigil-site-acme-shop")
    keys = [i["key"] for i in tpl["items"]]
    # home and checkout share shop.example.com:443: one check
    assert keys == [
        "vigil.cert.expires[shop.example.com,443]",
        "web.certificate.get[shop.example.com,443]",
    ]
    expires, master = tpl["items"]
    assert master["value_type"] == "TEXT" and master["delay"] == "1h"
    assert expires["type"] == "DEPENDENT" and expires["master_item"] == {"key": master["key"]}
    assert expires["preprocessing"] == [
        {"type": "JSONPATH", "parameters": ["$.x509.not_after.timestamp"]}
    ]
    by_priority = {t["priority"]: t for t in expires["triggers"]}
    crit, warn = by_priority["HIGH"], by_priority["WARNING"]
    item = "/vigil-site-acme-shop/vigil.cert.expires[shop.example.com,443]"
    assert crit["expression"] == f"(last({item})-now())/86400<{{$VIGIL.CERT.CRIT.DAYS}}"
    assert warn["expression"] == f"(last({item})-now())/86400<{{$VIGIL.CERT.WARN.DAYS}}"
    assert warn["dependencies"] == [{"name": crit["name"], "expression": crit["expression"]}]
    macros = {m["macro"]: m["value"] for m in tpl["macros"]}
    assert macros["{$VIGIL.CERT.WARN.DAYS}"] == "21" and macros["{$VIGIL.CERT.CRIT.DAYS}"] == "7"
    web = next(h for h in export["hosts"] if h["host"] == "acme-shop-web")
    assert web["interfaces"] == [{"interface_ref": "if1"}]  # agent 2 at 127.0.0.1:10050
    plain = make_site(urls=(UrlCheck(url="http://x.test/", name="x"),))
    assert "items" not in _template(_export(plain), "vigil-site-acme-shop")


def test_certificate_checks_follow_the_agent_option(site) -> None:
    off = render_site(site, options=RenderOptions(cert_agent=""))["zabbix_export"]
    assert "items" not in _template(off, "vigil-site-acme-shop")
    assert "interfaces" not in next(h for h in off["hosts"] if h["host"] == "acme-shop-web")
    other = render_site(site, options=RenderOptions(cert_agent="10.1.2.3:10060"))
    web = next(h for h in other["zabbix_export"]["hosts"] if h["host"] == "acme-shop-web")
    assert web["interfaces"] == [{"ip": "10.1.2.3", "port": "10060", "interface_ref": "if1"}]


# ------------------------------------------------------------------ libyaml's emitter (dump)

_YAML_TEXT = st.text(
    alphabet=st.sampled_from([chr(i) for i in range(32, 127)] + list(" :-#'\"{}[],&*!|>%@`?") * 3),
    max_size=C_SAFE_MAX_LENGTH,
)
_YAML_SCALARS = _YAML_TEXT | st.integers() | st.floats() | st.booleans() | st.none()
_YAML_DOCS = st.recursive(
    _YAML_SCALARS,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(_YAML_TEXT.filter(bool), inner, max_size=4),
    max_leaves=30,
)


def _pyyaml(document: dict) -> str:
    return yaml.safe_dump(document, **DUMP_OPTIONS)


def _libyaml(document: dict) -> str:
    return yaml.dump(document, Dumper=yaml.CSafeDumper, **DUMP_OPTIONS)


@pytest.mark.parametrize("version", ["6.0", "6.2", "7.0"])
def test_every_example_export_goes_through_libyaml_byte_identical(version: str) -> None:
    for site in load_inventory(ROOT / "inventory").sites:
        document = render_site(site, version)
        assert c_dumpable(document), site.id  # the fast path is the one taken
        assert dump(document) == _libyaml(document) == _pyyaml(document), site.id


@settings(max_examples=300, deadline=None)
@given(_YAML_DOCS)
def test_libyaml_writes_what_pyyaml_writes_wherever_dump_uses_it(value) -> None:
    document = {"zabbix_export": value}
    if c_dumpable(document):
        assert _libyaml(document) == _pyyaml(document)
    assert dump(document) == _pyyaml(document)


@pytest.mark.parametrize(
    ("value", "libyaml_differs"),
    [
        ({"name": "Caf\u00e9 \U0001f600"}, True),  # beyond the BMP: libyaml escapes it
        ({"name": "\x85"}, True),  # NEL
        ({"": "empty key"}, True),  # libyaml: '': ..., PyYAML: ? ''
        ({"name": "K^-!\t}tLzB" * 100}, True),  # a long double-quoted scalar, folded its way
        ({"name": "a\tb"}, False),  # alike here, but tabs are refused: quoting differs nearby
        ({"name": "x y" * 400}, False),  # alike here, but longer than c_dumpable accepts
    ],
    ids=["astral", "nel", "empty-key", "long-quoted", "tab", "long"],
)
def test_where_libyaml_differs_dump_keeps_pyyaml(value: dict, libyaml_differs: bool) -> None:
    document = {"zabbix_export": value}
    assert not c_dumpable(document)
    assert dump(document) == _pyyaml(document)
    assert (_libyaml(document) != _pyyaml(document)) is libyaml_differs  # why it is refused
