"""Which triggers survive an update's import, decided from the new export alone."""

from __future__ import annotations

from dataclasses import replace

from tests.zabbix.conftest import make_site
from vigil.models import Server
from vigil.zabbix.kept_triggers import kept_triggers
from vigil.zabbix.problems import export_expression
from vigil.zabbix.render import render_site, render_site_yaml


def _uuid(site, template: str, name_part: str) -> str:
    export = render_site(site)["zabbix_export"]
    found = [t["uuid"] for t in export["triggers"] if name_part in t["name"]]
    found += [
        tr["uuid"]
        for tpl in export["templates"]
        if tpl["template"] == template
        for item in tpl.get("items", [])
        for tr in item.get("triggers", [])
        if name_part in tr["name"]
    ]
    assert len(found) == 1, found
    return found[0]


def test_removed_url_drops_its_triggers_and_keeps_the_others() -> None:
    site = make_site()
    home = _uuid(site, "vigil-site-acme-shop", "home is down")
    checkout = _uuid(site, "vigil-site-acme-shop", "checkout is down")
    without_home = replace(site, urls=tuple(u for u in site.urls if u.name != "home"))
    kept = kept_triggers(render_site_yaml(without_home))
    assert kept.keeps("acme-shop-web", parent_uuid=checkout, name="", expression="")
    assert not kept.keeps("acme-shop-web", parent_uuid=home, name="", expression="")
    # the same uuid on a host that does not link the template is not kept
    assert not kept.keeps("acme-shop-web1", parent_uuid=checkout, name="", expression="")
    # its web scenario goes too (disabled before the close, so it cannot fire again)
    assert ("acme-shop-web", "checkout") in kept.scenarios
    assert ("acme-shop-web", "home") not in kept.scenarios


def test_dropped_service_drops_its_inherited_triggers_on_that_host_only() -> None:
    site = make_site()
    nginx = _uuid(site, "vigil-svc-nginx", "nginx is not running")
    assert kept_triggers(render_site_yaml(site)).keeps(
        "acme-shop-web1", parent_uuid=nginx, name="", expression=""
    )
    web1, db1 = site.servers
    moved = replace(
        site, servers=(replace(web1, services=("php-fpm",)), replace(db1, services=("nginx",)))
    )
    kept = kept_triggers(render_site_yaml(moved))
    assert not kept.keeps("acme-shop-web1", parent_uuid=nginx, name="", expression="")
    assert kept.keeps("acme-shop-db1", parent_uuid=nginx, name="", expression="")


def test_host_triggers_are_matched_by_name_and_both_expressions() -> None:
    lb = Server("lb1", "10.0.0.5", ("haproxy",), agent=False)
    site = replace(make_site(), servers=(lb,))
    name = "haproxy is not accepting connections on port {$HAPROXY.PORT}"
    expression = "max(/acme-shop-lb1/net.tcp.service[tcp,,{$HAPROXY.PORT}],#3)=0"
    recovery = (
        "min(/acme-shop-lb1/net.tcp.service[tcp,,{$HAPROXY.PORT}],{$VIGIL.SERVICE.RECOVERY})=1"
    )
    kept = kept_triggers(render_site_yaml(site))
    same = {"name": name, "expression": expression, "recovery_expression": recovery}
    assert kept.keeps("acme-shop-lb1", parent_uuid=None, **same)
    assert not kept.keeps("acme-shop-lb1", parent_uuid=None, **{**same, "expression": "x=0"})
    # the trigger an earlier vigil made without a recovery expression is replaced, not kept
    assert not kept.keeps("acme-shop-lb1", parent_uuid=None, name=name, expression=expression)
    gone = kept_triggers(render_site_yaml(replace(site, servers=(replace(lb, services=()),))))
    assert not gone.keeps("acme-shop-lb1", parent_uuid=None, **same)


def test_export_expression_rebuilds_item_references_as_trigger_get_returns_them() -> None:
    # the shape trigger.get returns (Zabbix 6.0.14, selectFunctions/selectItems/selectHosts)
    trigger = {
        "expression": '{32804}<>0 and length({32805})>=0 and {32806}>{$WEB.TIME.CRIT:"home"}',
        "hosts": [{"hostid": "10569", "host": "shop-web"}],
        "items": [
            {"itemid": "1", "key_": "web.test.fail[home]", "hostid": "10569"},
            {"itemid": "2", "key_": "web.test.error[home]", "hostid": "10569"},
            {"itemid": "3", "key_": "web.test.time[home,home,resp]", "hostid": "10569"},
        ],
        "functions": [
            {"functionid": "32804", "itemid": "1", "parameter": "$", "function": "last"},
            {"functionid": "32805", "itemid": "2", "parameter": "$", "function": "last"},
            {"functionid": "32806", "itemid": "3", "parameter": "$,5m", "function": "avg"},
        ],
    }
    assert export_expression(trigger) == (
        "last(/shop-web/web.test.fail[home])<>0 and length(last(/shop-web/web.test.error[home]))>=0"
        ' and avg(/shop-web/web.test.time[home,home,resp],5m)>{$WEB.TIME.CRIT:"home"}'
    )


def test_export_expression_rebuilds_the_recovery_expression_too() -> None:
    trigger = {
        "expression": "{1}=0",
        "recovery_expression": "{2}>0",
        "hosts": [{"hostid": "7", "host": "shop-web1"}],
        "items": [{"itemid": "9", "key_": "proc.num[nginx]", "hostid": "7"}],
        "functions": [
            {"functionid": "1", "itemid": "9", "parameter": "$", "function": "last"},
            {"functionid": "2", "itemid": "9", "parameter": "$,{$VIGIL.SERVICE.RECOVERY}",
             "function": "min"},
        ],
    }  # fmt: skip
    assert export_expression(trigger) == "last(/shop-web1/proc.num[nginx])=0"
    assert export_expression(trigger, "recovery_expression") == (
        "min(/shop-web1/proc.num[nginx],{$VIGIL.SERVICE.RECOVERY})>0"
    )
    assert export_expression({"expression": "{1}=0"}, "recovery_expression") == ""
