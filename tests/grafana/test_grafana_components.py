"""Grafana components under Pulumi's mock runtime: folders, dashboards, contact points, routes."""

from __future__ import annotations

import asyncio
import json

import pulumi
import pytest

from components.grafana import (
    SITE_DASHBOARD_TYPE,
    SiteDashboard,
    client_folders,
    cloudwatch_datasources,
    load_settings,
    notification_policy,
    report_skipped,
    skip_message,
)
from tests.runtime import run_program
from vigil.grafana.settings import (
    GrafanaConfigError,
    GrafanaSettings,
    cloudwatch_uid,
    contact_point_name,
    parse_settings,
)
from vigil.naming import dashboard_uid
from vigil.plan.record import SECRET, Recording

SECRET_AUTH = "glsa_do-not-print-me"
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def settings(**grafana) -> GrafanaSettings:
    return parse_settings(
        grafana, link_url="https://grafana.example", provider_url=None, has_auth=True
    )


def key_of(site) -> str:
    return f"pd-key-{site.id}"


def deploy(inventory, alarms_for, cfg: GrafanaSettings) -> tuple[list, object]:
    """What the program does: folders, data sources, per-site components, one policy."""
    folders = client_folders(inventory.clients)
    cloudwatch_datasources(inventory.sites, cfg)
    components = [
        SiteDashboard(
            site.id,
            site,
            alarms_for(site),
            folder_uid=folders[site.client].uid,
            pagerduty_key=key_of(site),
            settings=cfg,
            pagerduty_service_url=f"https://agency.pagerduty.com/services/{site.id}",
            health_check_ids={u.name: f"hc-{site.id}-{u.name}" for u in site.urls},
        )
        for site in inventory.sites
    ]
    policy = notification_policy(
        inventory.sites,
        {
            c_site.id: c.contact_point_name
            for c_site, c in zip(inventory.sites, components, strict=True)
        },
        cfg,
    )
    return components, policy


def deployed(inventory, alarms_for, cfg: GrafanaSettings) -> tuple[Recording, list]:
    """Run ``deploy`` as a program on the recording runtime; the recording and what deploy
    returned (components, policy)."""
    result: list = []
    recording = run_program(lambda: result.extend(deploy(inventory, alarms_for, cfg)))
    return recording, result


def test_each_site_gets_its_dashboard_in_its_clients_folder(inventory, alarms_for):
    mocks, _ = deployed(inventory, alarms_for, settings())
    folders = {r.name: r.inputs for r in mocks.of_type("grafana:oss/folder:Folder")}
    assert set(folders) == {f"{c}-grafana-folder" for c in inventory.clients}
    dashboards = {r.name: r.inputs for r in mocks.of_type("grafana:oss/dashboard:Dashboard")}
    assert set(dashboards) == {f"{s.id}-dashboard" for s in inventory.sites}
    for site in inventory.sites:
        inputs = dashboards[f"{site.id}-dashboard"]
        assert inputs["folder"] == folders[f"{site.client}-grafana-folder"]["uid"]
        model = json.loads(inputs["configJson"])
        assert model["uid"] == dashboard_uid(site)
        pd = next(link for link in model["links"] if link["title"] == "PagerDuty service")
        assert pd["url"].endswith(site.id)
    parents = {r.name: r for r in mocks.of_type(SITE_DASHBOARD_TYPE)}
    assert {n: r.inputs["siteId"] for n, r in parents.items()} == {
        s.id: s.id for s in inventory.sites
    }


def test_contact_point_carries_the_sites_key_as_a_secret(inventory, alarms_for):
    mocks, _ = deployed(inventory, alarms_for, settings())
    points = {r.name: r for r in mocks.of_type("grafana:alerting/contactPoint:ContactPoint")}
    assert set(points) == {contact_point_name(s) for s in inventory.sites}
    for site in inventory.sites:
        point = points[contact_point_name(site)]
        assert "pagerduties" in point.secret_inputs, "pagerduties sent to the engine as a secret"
        assert point.inputs["pagerduties"] == SECRET
        (pagerduty,) = point.values["pagerduties"]
        assert pagerduty["integrationKey"] == key_of(site)
        assert pagerduty["component"] == site.id
        assert pagerduty["details"]["runbook"] == site.runbook_url
        assert pagerduty["clientUrl"].endswith(f"/d/{dashboard_uid(site)}/{site.id}")


def test_one_policy_tree_routes_site_labels_to_site_contact_points(inventory, alarms_for):
    mocks, _ = deployed(inventory, alarms_for, settings(notificationPolicy="manage"))
    (tree,) = mocks.of_type("grafana:alerting/notificationPolicy:NotificationPolicy")
    routes = {
        (p["matchers"][0]["label"], p["matchers"][0]["match"], p["matchers"][0]["value"]): p[
            "contactPoint"
        ]
        for p in tree.inputs["policies"]
    }
    assert routes == {("site", "=", s.id): contact_point_name(s) for s in inventory.sites}
    assert all(len(p["matchers"]) == 1 for p in tree.inputs["policies"])
    assert tree.inputs["contactPoint"] == "grafana-default-email"


def test_external_policy_tree_is_left_alone(inventory, alarms_for):
    mocks, (_, policy) = deployed(inventory, alarms_for, settings(notificationPolicy="external"))
    assert policy is None
    assert not mocks.of_type("grafana:alerting/notificationPolicy:NotificationPolicy")
    assert len(mocks.of_type("grafana:alerting/contactPoint:ContactPoint")) == len(
        inventory.sites
    )


def test_cloudwatch_datasources_per_account_region_unless_reused(inventory):
    reused = "111111111111/eu-west-1"
    created: dict = {}
    mocks = run_program(
        lambda: created.update(
            cloudwatch_datasources(
                inventory.sites, settings(cloudwatchDatasources={reused: "cw-old"})
            )
        )
    )
    accounts = {(s.aws_account_id, r) for s in inventory.sites for r in (s.aws_region, "us-east-1")}
    assert set(created) == {f"{a}/{r}" for a, r in accounts} - {reused}
    sources = mocks.of_type("grafana:oss/dataSource:DataSource")
    assert {r.inputs["uid"] for r in sources} == {
        cloudwatch_uid(a, r) for a, r in accounts if f"{a}/{r}" != reused
    }
    assert all(json.loads(r.inputs["jsonDataEncoded"])["authType"] == "default" for r in sources)


def test_without_grafana_auth_the_component_is_skipped_with_a_reason():
    cfg = parse_settings(
        None, link_url="https://grafana.example", provider_url=None, has_auth=False
    )
    assert not cfg.enabled
    assert "grafana:auth" in skip_message(cfg)
    assert parse_settings(
        {"enabled": True}, link_url="https://g", provider_url=None, has_auth=False
    ).enabled
    off = parse_settings({"enabled": False}, link_url=None, provider_url="https://g", has_auth=True)
    assert not off.enabled and "enabled is false" in off.skip_reason


@pytest.mark.parametrize(
    "raw",
    [{"notificationPolicy": "replace"}, {"cloudwatchDatasources": {"eu-west-1": "x"}}, {"typo": 1}],
)
def test_bad_grafana_config_is_reported(raw):
    with pytest.raises(GrafanaConfigError):
        parse_settings(raw, link_url="https://g", provider_url=None, has_auth=True)


@pytest.fixture
def stack_config(monkeypatch):
    """Set stack config for one test; Pulumi keeps it in a process-wide context variable.

    Reading a secret builds an ``Output``, which needs an event loop (no engine)."""
    monkeypatch.delenv("GRAFANA_AUTH", raising=False)
    monkeypatch.delenv("GRAFANA_URL", raising=False)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    def set_config(values: dict[str, str], secret: list[str] = ()) -> None:
        pulumi.runtime.set_all_config(values, list(secret))

    yield set_config
    pulumi.runtime.set_all_config({}, [])
    asyncio.set_event_loop(None)
    loop.close()


def test_load_settings_reads_stack_config(stack_config, capsys, caplog):
    stack_config(
        {
            "grafana:url": "https://grafana.internal",
            "grafana:auth": SECRET_AUTH,
            "vigil:grafanaUrl": "https://grafana.agency.example/",
            "vigil:grafana": json.dumps(
                {"notificationPolicy": "external", "zabbixDatasourceUid": "zbx"}
            ),
        },
        secret=["grafana:auth"],
    )
    cfg = load_settings()
    assert cfg.enabled
    assert cfg.url == "https://grafana.agency.example"
    assert cfg.notification_policy == "external"
    assert cfg.zabbix_datasource_uid == "zbx"
    assert SECRET_AUTH not in repr(cfg)
    out = capsys.readouterr()
    logged = out.out + out.err + caplog.text
    assert SECRET_AUTH not in logged and "is a secret" not in logged


def test_load_settings_reads_grafana_auth_with_get_secret(stack_config, monkeypatch):
    """Presence is checked with ``get_secret`` (``get`` would unwrap the secret)."""
    stack_config({"grafana:url": "https://g", "grafana:auth": SECRET_AUTH}, ["grafana:auth"])
    monkeypatch.setattr(
        pulumi.Config, "get", _refuse_auth(pulumi.Config.get), raising=True
    )
    assert load_settings().enabled


def _refuse_auth(get):
    def guarded(self, key, *args, **kwargs):
        assert key != "auth", "grafana:auth must be read with get_secret"
        return get(self, key, *args, **kwargs)

    return guarded


def test_load_settings_without_grafana_is_skipped_and_says_why(stack_config):
    stack_config({"vigil:grafanaUrl": "https://grafana.agency.example"})
    cfg = load_settings()
    assert not cfg.enabled
    assert report_skipped(cfg)
