"""The whole program (``vigil.program.main``) under the recording mocks, with/without Grafana."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest

from tests.grafana.conftest import ROOT
from tests.runtime import run_program
from vigil.catalog.alarms import HEARTBEAT_KEY, alarms_for_site, health_check_name
from vigil.grafana.settings import contact_point_name
from vigil.naming import dashboard_uid
from vigil.plan.record import Recording
from vigil.program import InvalidStackConfig, main

INVENTORY = ROOT / "inventory"
LINK_URL = "https://grafana.agency.example"
AUTH = "glsa_never-print-this-token"
BASE = {"vigil:inventory": str(INVENTORY), "vigil:grafanaUrl": LINK_URL}
WITH_GRAFANA = {**BASE, "grafana:url": "https://grafana.internal", "grafana:auth": AUTH}

SITE = "vigil:index:SiteMonitoring"
SITE_DASHBOARD = "vigil:grafana:SiteDashboard"
DASHBOARD = "grafana:oss/dashboard:Dashboard"
FOLDER = "grafana:oss/folder:Folder"
DATASOURCE = "grafana:oss/dataSource:DataSource"
CONTACT = "grafana:alerting/contactPoint:ContactPoint"
POLICY = "grafana:alerting/notificationPolicy:NotificationPolicy"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
HC = "aws:route53/healthCheck:HealthCheck"
STACK = "urn:pulumi:test::vigil::pulumi:pulumi:Stack::vigil-test"
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # pulumiverse_grafana


@pytest.fixture(scope="module")
def logged() -> list[str]:
    return []


@pytest.fixture(scope="module")
def grafana_run(logged) -> tuple[Recording, dict[str, Any], str]:
    """One run with Grafana configured; keeps every log line and everything printed."""
    import contextlib
    import io
    import logging

    out = io.StringIO()
    handler = logging.StreamHandler(out)
    root = logging.getLogger()
    root.addHandler(handler)
    original = {level: getattr(pulumi.log, level) for level in ("debug", "info", "warn", "error")}

    def recorder(level):
        def log(msg, *args, **kwargs):
            logged.append(f"{level}: {msg}")
            return original[level](msg, *args, **kwargs)

        return log

    try:
        for level in original:
            setattr(pulumi.log, level, recorder(level))
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            mocks = run_program(main, WITH_GRAFANA, secret_keys=["grafana:auth"])
    finally:
        for level, fn in original.items():
            setattr(pulumi.log, level, fn)
        root.removeHandler(handler)
    return mocks, mocks.exports, out.getvalue()


@pytest.fixture(scope="module")
def mocks_on(grafana_run) -> Recording:
    return grafana_run[0]


def site_urn(mocks: Recording, site_id: str) -> str:
    return mocks.by_name(SITE, site_id).urn


def test_every_site_has_its_dashboard_in_its_clients_folder(inventory, mocks_on):
    folders = {r.inputs["title"]: r for r in mocks_on.of_type(FOLDER)}
    assert set(folders) == set(inventory.clients)
    assert len(mocks_on.of_type(DASHBOARD)) == len(inventory.sites)
    for site in inventory.sites:
        urn = site_urn(mocks_on, site.id)
        assert mocks_on.by_name(SITE, site.id).inputs["grafanaEnabled"] is True
        (component,) = mocks_on.descendants(urn, SITE_DASHBOARD)
        assert component.parent == urn and component.inputs["siteId"] == site.id
        assert component.inputs["awsAccountId"] == site.aws_account_id
        (dashboard,) = mocks_on.descendants(urn, DASHBOARD)  # transitively under SiteMonitoring
        assert dashboard.parent == component.urn
        assert dashboard.inputs["folder"] == folders[site.client].inputs["uid"]
        assert json.loads(dashboard.inputs["configJson"])["uid"] == dashboard_uid(site)


def _dims(target: dict[str, Any]) -> dict[str, list[str]]:
    return {k: v if isinstance(v, list) else [v] for k, v in target["dimensions"].items()}


def _drawn_as_alarmed(alarm: dict[str, Any], panel: dict[str, Any], target: dict[str, Any]) -> bool:
    """``target`` is ``alarm``'s metric (or, for metric math, its expression over hidden rows
    of the same metrics, statistics and dimensions as the alarm's ``metricQueries``)."""
    queries = alarm.get("metricQueries")
    if not queries:
        return (target.get("namespace"), target.get("metricName")) == (
            alarm["namespace"], alarm["metricName"]
        ) and set(target["dimensions"]) == set(alarm["dimensions"]) and all(
            v in _dims(target)[k] for k, v in alarm["dimensions"].items()
        )
    (value,) = (q for q in queries if q.get("returnData"))
    if target.get("hide") or target.get("id", "").split("_", 1)[-1] != value["id"]:
        return False
    prefix = target["id"][: -len(value["id"])]
    if target["expression"].replace(prefix, "") != value["expression"]:
        return False
    rows = {t.get("id"): t for t in panel["targets"]}
    for q in (q for q in queries if q.get("metric")):
        row, metric = rows.get(prefix + q["id"]), q["metric"]
        if row is None or not row["hide"] or (
            row["namespace"], row["metricName"], row["statistic"], row["dimensions"]
        ) != (metric["namespace"], metric["metricName"], metric["stat"], metric["dimensions"]):
            return False
    return True


def test_each_dashboard_has_a_panel_per_alarm_with_the_deployed_ids(inventory, mocks_on):
    """Every MetricAlarm of the site (as created, real health check ids) is drawn by exactly
    one CloudWatch query of one timeseries panel, with the alarm's threshold as a line."""
    for site in inventory.sites:
        urn = site_urn(mocks_on, site.id)
        (dashboard,) = mocks_on.descendants(urn, DASHBOARD)
        board = json.loads(dashboard.inputs["configJson"])
        assert "${HealthCheckId}" not in dashboard.inputs["configJson"]
        panels = [
            p
            for p in board["panels"]
            if p["type"] == "timeseries"
            and p["datasource"]["type"] == "cloudwatch"
            and p["title"] not in ("Requests (ALB)", "5xx error rate (ALB)")  # no alarm: context
        ]
        alarms = {r.name: r.inputs for r in mocks_on.descendants(urn, ALARM)}
        specs = {s.name: s for s in alarms_for_site(site, LINK_URL)}
        assert set(alarms) == set(specs)
        hc_ids = {r.name: r.id for r in mocks_on.descendants(urn, HC)}
        for name, alarm in alarms.items():
            heartbeat = specs[name].signal_key == HEARTBEAT_KEY  # drawn by its metric's panel
            hits = [
                (panel, target)
                for panel in panels
                for target in panel["targets"]
                if _drawn_as_alarmed(alarm, panel, target)
                and (heartbeat or "metricQueries" in alarm or target["statistic"]
                     == (alarm.get("statistic") or alarm["extendedStatistic"]))
            ]
            assert len(hits) == 1, f"{name}: {len(hits)} panels"
            if heartbeat:
                continue
            panel, _ = hits[0]
            assert panel["title"] == specs[name].title
            if "HealthCheckId" in alarm.get("dimensions", {}):
                check = health_check_name(site, specs[name].resource_id)
                assert alarm["dimensions"]["HealthCheckId"] == hc_ids[check]
        # one metric panel per (resource type, signal) — never one per alarm or resource
        drawn = {(s.resource_type, s.signal_key) for s in specs.values()}
        assert len(panels) == len({d for d in drawn if d[1] != HEARTBEAT_KEY})


def test_contact_point_key_is_secret_and_routed_by_the_one_policy(inventory, mocks_on):
    points = {r.name: r for r in mocks_on.of_type(CONTACT)}
    assert set(points) == {contact_point_name(s) for s in inventory.sites}
    for site in inventory.sites:
        (point,) = mocks_on.descendants(site_urn(mocks_on, site.id), CONTACT)
        assert "pagerduties" in point.secret_inputs, "integration key sent as a secret"
        (pd,) = point.values["pagerduties"]
        assert pd["integrationKey"] == f"{site.id}-grafana-key"  # the site's Grafana integration
        assert pd["clientUrl"] == f"{LINK_URL}/d/{dashboard_uid(site)}/{site.id}"
    (policy,) = mocks_on.of_type(POLICY)
    assert policy.parent == STACK  # program level, shared by every site
    routes = {
        (p["matchers"][0]["label"], p["matchers"][0]["match"], p["matchers"][0]["value"]): p[
            "contactPoint"
        ]
        for p in policy.inputs["policies"]
    }
    assert routes == {("site", "=", s.id): contact_point_name(s) for s in inventory.sites}


def test_program_level_datasources_cover_every_account_region(inventory, mocks_on):
    needed = {(s.aws_account_id, r) for s in inventory.sites for r in (s.aws_region, "us-east-1")}
    sources = mocks_on.of_type(DATASOURCE)
    assert {r.name for r in sources} == {f"cloudwatch-{a}-{r}" for a, r in needed}
    assert {r.parent for r in sources + mocks_on.of_type(FOLDER)} == {STACK}


def test_grafana_auth_is_never_printed_or_recorded(grafana_run, logged):
    mocks, exports, printed = grafana_run
    assert AUTH not in printed
    assert not any(AUTH in line for line in logged)
    assert not any("is a secret" in line for line in logged)
    assert AUTH not in repr([(r.inputs, r.outputs) for r in mocks.resources])
    assert AUTH not in json.dumps(exports, default=str)


def test_without_grafana_nothing_is_created_and_the_reason_is_logged(inventory, monkeypatch):
    messages: list[str] = []
    monkeypatch.setattr(pulumi.log, "info", lambda msg, *a, **k: messages.append(msg))
    mocks = run_program(main, BASE)
    types = {r.type for r in mocks.resources}
    assert not {t for t in types if t.startswith(("grafana:", "vigil:grafana:"))}
    for site in inventory.sites:
        assert mocks.by_name(SITE, site.id).inputs["grafanaEnabled"] is False
    assert any("Grafana skipped" in m and "grafana:auth" in m for m in messages)


def test_malformed_grafana_config_stops_before_any_resource():
    registered: list = []
    bad = {**WITH_GRAFANA, "vigil:grafana": {"notificationPolicy": "replace"}}
    with pytest.raises(InvalidStackConfig, match="notificationPolicy"):
        run_program(main, bad, secret_keys=["grafana:auth"], on_resource=registered.append)
    assert [r.type for r in registered] == ["pulumi:pulumi:Stack"]
