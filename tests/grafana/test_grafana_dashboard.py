"""Site dashboards: built from the alarm specs, deterministic, round-trip through the SDK."""

from __future__ import annotations

import json
import os
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.grafana.alarm_factory import FakeAlarm, fake_alarms_for_site, health_check_placeholder
from vigil.grafana.dashboard import DashboardInputs, decode, encode, render_dashboard
from vigil.grafana.plan import GLOBAL_REGION, MAX_VALUES_PER_QUERY, Levels, threshold_steps
from vigil.grafana.settings import cloudwatch_uid
from vigil.models import AwsResources, Ec2Instance
from vigil.naming import dashboard_uid

SNAPSHOTS = Path(__file__).parent / "snapshots"
SITES = ["acme-b2b", "acme-shop", "bistro-booking", "bistro-website", "nova-api", "nova-storefront"]
INPUTS = DashboardInputs(
    zabbix_datasource_uid="zabbix",
    pagerduty_service_url="https://agency.pagerduty.com/service-directory/PXXXXXX",
)


def render(site, alarms, inputs: DashboardInputs = INPUTS) -> dict[str, Any]:
    return json.loads(render_dashboard(site, alarms, inputs))


def metric_panels(board: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in board["panels"] if p["type"] == "timeseries" and _is_cloudwatch(p)]


def _is_cloudwatch(panel: dict[str, Any]) -> bool:
    return panel["datasource"]["type"] == "cloudwatch"


def steps_for(panel: dict[str, Any], ref_id: str) -> list[dict[str, Any]]:
    """Threshold steps Grafana applies to one query: its refId override, else the default."""
    for override in panel["fieldConfig"]["overrides"]:
        if override["matcher"] == {"id": "byFrameRefID", "options": ref_id}:
            for prop in override["properties"]:
                if prop["id"] == "thresholds":
                    return prop["value"]["steps"]
    return panel["fieldConfig"]["defaults"]["thresholds"]["steps"]


def matches(alarm, target: dict[str, Any], site) -> bool:
    region = GLOBAL_REGION if alarm.global_region else "$region"
    stat = alarm.extended_statistic or alarm.statistic
    if (target["namespace"], target["metricName"], target["statistic"], target["region"]) != (
        alarm.namespace,
        alarm.metric,
        stat,
        region,
    ):
        return False
    if set(target["dimensions"]) != set(alarm.dimensions):
        return False
    for key, value in alarm.dimensions.items():
        wanted = target["dimensions"][key]
        if value not in (wanted if isinstance(wanted, list) else [wanted]):
            return False
    ds_region = GLOBAL_REGION if alarm.global_region else site.aws_region
    return target["datasource"]["uid"] == cloudwatch_uid(site.aws_account_id, ds_region)


@pytest.mark.parametrize("site_id", SITES)
def test_every_alarm_has_a_panel_drawing_its_threshold(inventory, alarms_for, site_id):
    site = inventory.site(site_id)
    alarms = alarms_for(site)
    assert alarms, "every example site has alarms"
    board = render(site, alarms)
    drawn: dict[tuple[int, str], set[float]] = defaultdict(set)
    for alarm in alarms:
        hits = [
            (panel, target)
            for panel in metric_panels(board)
            for target in panel["targets"]
            if matches(alarm, target, site)
        ]
        assert len(hits) == 1, f"{alarm.name}: {len(hits)} metric panels"
        panel, target = hits[0]
        steps = steps_for(panel, target["refId"])
        assert steps[0]["value"] is None, "base step first"
        values = [s["value"] for s in steps[1:]]
        assert values == sorted(values), "steps ascend"
        assert alarm.threshold in values, f"{alarm.name}: {alarm.threshold} not drawn in {values}"
        drawn[(panel["id"], target["refId"])].add(alarm.threshold)
        assert panel["fieldConfig"]["defaults"]["custom"]["thresholdsStyle"] == {"mode": "line"}
    # and nothing else is drawn: each query's lines are exactly its alarms' thresholds
    for panel in metric_panels(board):
        for target in panel["targets"]:
            values = {s["value"] for s in steps_for(panel, target["refId"])[1:]}
            assert values == drawn[(panel["id"], target["refId"])]


@pytest.mark.parametrize("site_id", SITES)
def test_layout_uid_links_and_variables(inventory, alarms_for, site_id):
    site = inventory.site(site_id)
    board = render(site, alarms_for(site))
    assert board["uid"] == dashboard_uid(site)
    rows = [p["title"] for p in board["panels"] if p["type"] == "row"]
    assert rows[0].startswith("Status")
    top = [p for p in board["panels"] if p["gridPos"]["y"] == 1]
    assert {p["type"] for p in top} == {"state-timeline", "stat"}
    health = next(p for p in top if p["type"] == "state-timeline")
    assert {t["metricName"] for t in health["targets"]} == {"HealthCheckStatus"}
    assert all(t["dimensions"]["HealthCheckId"] for t in health["targets"])
    links = {link["title"]: link["url"] for link in board["links"]}
    assert links["Runbook"] == site.runbook_url
    assert links["PagerDuty service"] == INPUTS.pagerduty_service_url
    assert {v["name"] for v in board["templating"]["list"]} == {"region", "period"}
    region = next(v for v in board["templating"]["list"] if v["name"] == "region")
    assert region["current"]["value"] == site.aws_region
    ids = [p["id"] for p in board["panels"]]
    assert ids == list(range(1, len(ids) + 1))
    zabbix = [
        p
        for p in board["panels"]
        if p.get("datasource", {}).get("type", "").endswith("zabbix-datasource")
    ]
    assert bool(zabbix) == bool(site.servers)


@pytest.mark.parametrize("site_id", SITES)
def test_dashboard_snapshot_and_sdk_round_trip(inventory, alarms_for, site_id):
    site = inventory.site(site_id)
    text = render_dashboard(site, alarms_for(site), INPUTS)
    assert text == render_dashboard(site, alarms_for(site), INPUTS), "deterministic"
    assert encode(decode(text)) == text, "round-trips through the SDK's Dashboard model"
    snapshot = SNAPSHOTS / f"{site_id}.json"
    if os.environ.get("VIGIL_UPDATE_SNAPSHOTS"):
        snapshot.write_text(text + "\n")
    assert snapshot.exists(), f"missing snapshot; create with VIGIL_UPDATE_SNAPSHOTS=1: {snapshot}"
    assert text + "\n" == snapshot.read_text(), (
        f"regenerate with VIGIL_UPDATE_SNAPSHOTS=1: {snapshot}"
    )


def test_no_zabbix_panels_without_a_zabbix_datasource(inventory, alarms_for):
    site = inventory.site("acme-shop")
    board = render(site, alarms_for(site), DashboardInputs())
    types = {p.get("datasource", {}).get("type") for p in board["panels"] if p["type"] != "row"}
    assert types <= {"cloudwatch", "datasource"}
    assert "PagerDuty service" not in {link["title"] for link in board["links"]}


def test_large_site_stays_within_grafana_limits(inventory):
    base = inventory.site("bistro-website")
    instances = tuple(
        Ec2Instance(id=f"i-{n:017x}", name=f"web-{n}", instance_type="m6i.large")
        for n in range(250)
    )
    site = replace(base, resources=AwsResources(ec2_instances=instances))
    alarms = fake_alarms_for_site(site)
    board = render(site, alarms)
    ec2 = [p for p in metric_panels(board) if p["targets"][0]["namespace"] == "AWS/EC2"]
    assert len(ec2) == 2, "one panel per signal, instances are series"
    for panel in ec2:
        for target in panel["targets"]:
            ids = target["dimensions"]["InstanceId"]
            assert len(ids if isinstance(ids, list) else [ids]) <= MAX_VALUES_PER_QUERY
    covered = {i for p in ec2 for t in p["targets"] for i in t["dimensions"]["InstanceId"]}
    assert covered == {i.id for i in instances}
    assert len(board["panels"]) < 50
    assert len(json.dumps(board)) < 1_000_000


def test_resolved_dimension_values_replace_placeholders(inventory, alarms_for):
    site = inventory.site("nova-storefront")
    ids = {health_check_placeholder(u.name): f"hc-{u.name}" for u in site.urls}
    board = render(site, fake_alarms_for_site(site), DashboardInputs(dimension_values=ids))
    health = next(p for p in board["panels"] if p["type"] == "state-timeline")
    assert health["targets"][0]["dimensions"]["HealthCheckId"] == sorted(ids.values())


def test_existing_cloudwatch_datasource_uid_is_used(inventory):
    site = inventory.site("bistro-website")
    key = f"{site.aws_account_id}/{site.aws_region}"
    board = render(
        site, fake_alarms_for_site(site), DashboardInputs(cloudwatch_datasources={key: "cw-old"})
    )
    ec2 = next(p for p in metric_panels(board) if p["targets"][0]["namespace"] == "AWS/EC2")
    assert ec2["datasource"]["uid"] == "cw-old"


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        (Levels(80, 95, False), ((None, "green"), (80, "orange"), (95, "red"))),
        (Levels(None, 0, False), ((None, "green"), (0, "red"))),
        (Levels(10, 2, True), ((None, "red"), (2, "orange"), (10, "green"))),
        (Levels(None, 1, True), ((None, "red"), (1, "green"))),
    ],
)
def test_threshold_steps_ascend_with_a_base_step(levels, expected):
    assert threshold_steps(levels) == expected


def test_alarm_factory_shape_matches_protocol():
    from vigil.grafana.alarm import AlarmLike

    alarm: AlarmLike = FakeAlarm(  # type-checks against the Protocol
        name="s-r-x-critical",
        site_id="s",
        resource_type="ec2",
        resource_id="r",
        signal="x",
        severity="critical",
        namespace="AWS/EC2",
        metric="CPUUtilization",
        dimensions={},
        comparison="GreaterThanThreshold",
        threshold=1.0,
    )
    assert alarm.threshold == 1.0
