"""ZabbixSiteMonitoring under Pulumi mocks: resources, inputs recorded, secrets marked."""

from __future__ import annotations

import asyncio

import pulumi
import pytest

from tests.zabbix.conftest import make_site


class RecordingMocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.resources: list[pulumi.runtime.MockResourceArgs] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        self.resources.append(args)
        outs = dict(args.inputs)
        if args.inputs.get("kind") == "pagerduty-media":
            outs.update(mediatypeid="41", usrgrpid="42", roleid="3")
        return f"{args.name}-id", outs

    def call(self, args: pulumi.runtime.MockCallArgs):
        return {}


@pytest.fixture
def mocks():
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    recorder = RecordingMocks()
    pulumi.runtime.set_mocks(recorder, preview=False)
    yield recorder
    loop.close()


def test_site_component_registers_dynamic_resources(mocks) -> None:
    from components import zabbix as zc

    site = make_site()
    secret_seen: dict[str, bool] = {}

    @pulumi.runtime.test
    def check():
        connection = zc.ZabbixConnection(
            url="http://z/api_jsonrpc.php", user="Admin", password="zabbix"
        )
        comp = zc.ZabbixSiteMonitoring(
            "acme-shop-zabbix",
            site,
            pulumi.Output.from_input("PD-KEY-123"),
            connection,
            zc.ZabbixSharedRouting("vigil-zabbix-pagerduty", connection),
        )

        def verify(args):
            template_name, host_names, has_web, key_secret, pw_secret = args
            assert template_name == "vigil-site-acme-shop"
            assert "acme-shop-web1" in host_names and has_web is True
            secret_seen["routing_key"] = key_secret
            secret_seen["password"] = pw_secret

        return pulumi.Output.all(
            comp.template_name,
            comp.host_names,
            comp.has_web_checks,
            pulumi.Output.from_input(comp.routing.routing_key).is_secret(),  # type: ignore[attr-defined]
            pulumi.Output.from_input(comp.config.password).is_secret(),  # type: ignore[attr-defined]
        ).apply(verify)

    check()
    by_name = {r.name: r for r in mocks.resources}
    assert by_name["acme-shop-zabbix"].typ == "vigil:zabbix:SiteMonitoring"
    config = by_name["acme-shop-zabbix-config"]
    routing = by_name["acme-shop-zabbix-pagerduty-action"]
    assert config.typ == "pulumi-python:dynamic/zabbix:Resource"
    assert config.inputs["kind"] == "config" and config.inputs["site"] == "acme-shop"
    assert config.inputs["web_scenarios"] == ["home", "checkout"]
    assert "version: '6.0'" in config.inputs["export"]
    assert routing.inputs["kind"] == "routing" and routing.inputs["mediatypeid"] == "41"
    assert "vigil-zabbix-pagerduty-media" in by_name
    assert secret_seen == {"routing_key": True, "password": True}
