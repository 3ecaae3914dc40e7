"""ZabbixSiteMonitoring under Pulumi mocks: resources, inputs recorded, secrets marked."""

from __future__ import annotations

import pulumi

from tests.runtime import run_program
from tests.zabbix.conftest import make_site


def test_site_component_registers_dynamic_resources() -> None:
    from components import zabbix as zc

    site = make_site()

    def program() -> None:
        connection = zc.ZabbixConnection(
            url="http://z/api_jsonrpc.php", user="Admin", password="zabbix"
        )
        comp = zc.ZabbixSiteMonitoring(
            "acme-shop-zabbix",
            site,
            pulumi.Output.from_input("PD-KEY-123"),
            connection,
            zc.ZabbixSharedRouting("vigil-zabbix-pagerduty", connection, pagerduty_region="eu"),
            dashboard_url="https://grafana.example.com/d/abc/acme-shop",
        )
        pulumi.export("templateName", comp.template_name)
        pulumi.export("hostNames", comp.host_names)
        pulumi.export("hasWebChecks", comp.has_web_checks)

    mocks = run_program(program)
    assert mocks.exports["templateName"] == "vigil-site-acme-shop"
    assert "acme-shop-web1" in mocks.exports["hostNames"]
    assert mocks.exports["hasWebChecks"] is True
    by_name = {r.name: r for r in mocks.resources}
    assert by_name["acme-shop-zabbix"].type == "vigil:zabbix:SiteMonitoring"
    config = by_name["acme-shop-zabbix-config"]
    routing = by_name["acme-shop-zabbix-pagerduty-action"]
    assert config.type == "pulumi-python:dynamic/zabbix:Resource"
    assert config.inputs["kind"] == "config" and config.inputs["site"] == "acme-shop"
    assert config.inputs["web_scenarios"] == ["home", "checkout"]
    assert "version: '6.0'" in config.inputs["export"]
    media = by_name["vigil-zabbix-pagerduty-media"]
    assert routing.inputs["kind"] == "routing"
    assert routing.inputs["mediatypeid"] == "vigil-zabbix-pagerduty-media-media"  # media's output
    assert media.inputs["kind"] == "pagerduty-media"
    # the EU service region's events host; every page links the site's dashboard
    assert "value: https://events.eu.pagerduty.com/v2/enqueue" in media.inputs["export"]
    assert "value: https://grafana.example.com/d/abc/acme-shop" in config.inputs["export"]
    assert "routing_key" in routing.secret_inputs and routing.inputs["routing_key"] == "[secret]"
    assert "password" in config.secret_inputs and config.inputs["password"] == "[secret]"
