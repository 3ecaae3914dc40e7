"""Grafana components under Pulumi's mock runtime: folders, dashboards, contact points, routes."""

from __future__ import annotations

import json

import pytest

from components.grafana import (
    SITE_DASHBOARD_TYPE,
    SiteDashboard,
    client_folders,
    cloudwatch_datasources,
    notification_policy,
    report_skipped,
    skip_message,
)
from tests.runtime import run_program
from vigil.grafana.settings import GrafanaSettings, cloudwatch_uid, contact_point_name
from vigil.naming import dashboard_uid
from vigil.plan.record import SECRET, Recording
from vigil.settings import SettingsError, parse_stack_settings

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def grafana_settings(config: dict[str, str], env: dict[str, str] | None = None) -> GrafanaSettings:
    return parse_stack_settings(config, seal=lambda v: ("sealed", v), env=env).grafana


def settings(**grafana) -> GrafanaSettings:
    """Grafana deployed (auth present), links to grafana.example, ``vigil:grafana`` = kwargs."""
    return grafana_settings(
        {
            "grafana:url": "https://grafana.example",
            "grafana:auth": "[set]",
            "vigil:grafana": json.dumps(grafana),
        }
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
    assert len(mocks.of_type("grafana:alerting/contactPoint:ContactPoint")) == len(inventory.sites)


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
    cfg = grafana_settings({"vigil:grafanaUrl": "https://grafana.example"})
    assert not cfg.enabled
    assert "grafana:auth" in skip_message(cfg)
    assert grafana_settings(
        {"vigil:grafanaUrl": "https://g.example", "vigil:grafana": '{"enabled": true}'}
    ).enabled
    off = grafana_settings(
        {"grafana:url": "https://g", "grafana:auth": "[set]", "vigil:grafana": '{"enabled": false}'}
    )
    assert not off.enabled and "enabled is false" in off.skip_reason
    assert grafana_settings({"grafana:url": "https://g"}, env={"GRAFANA_AUTH": "x"}).enabled


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"notificationPolicy": "replace"}, "vigil:grafana.notificationPolicy: 'replace' is not"),
        ({"cloudwatchDatasources": {"eu-west-1": "x"}}, "keys are <12-digit account>/<region>"),
        ({"typo": 1}, "vigil:grafana.typo: unknown key"),
        ({"enabled": "yes"}, "vigil:grafana.enabled: expected a boolean, got a string"),
    ],
)
def test_bad_grafana_config_is_reported(raw, message):
    with pytest.raises(SettingsError, match=message):
        settings(**raw)


def test_grafana_settings_from_the_stack_object():
    cfg = settings(notificationPolicy="external", zabbixDatasourceUid="zbx")
    assert cfg.enabled
    assert cfg.url == "https://grafana.example"
    assert cfg.notification_policy == "external"
    assert cfg.zabbix_datasource_uid == "zbx"
    assert report_skipped(cfg) is False
