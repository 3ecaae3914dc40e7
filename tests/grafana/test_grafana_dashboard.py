"""Site dashboards of the example sites: built from the alarm specs (semantic checks, no
snapshots), deterministic, round-trip through the SDK."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import replace
from typing import Any

import pytest

from vigil import catalog
from vigil.catalog.alarms import HEARTBEAT_KEY, alarms_for_site, health_check_name
from vigil.catalog.ec2 import Ec2Instance
from vigil.catalog.url import HEALTH_CHECK_ID
from vigil.grafana.alarm import GRAFANA_UNITS, grafana_unit, metric_unit_of
from vigil.grafana.dashboard import DashboardInputs, decode, encode, render_dashboard
from vigil.grafana.datasources import CloudWatchAccess, cloudwatch_uid
from vigil.grafana.plan import GLOBAL_REGION, Levels, threshold_steps
from vigil.grafana.search import MAX_SEARCH_EXPRESSION, search_expression
from vigil.models import AwsResources
from vigil.naming import dashboard_uid
from vigil.zabbix.render import server_host_name, site_objects, web_host_name
from vigil.zabbix.service_templates import BASE_SERVICE, service_table

SITES = ["acme-b2b", "acme-shop", "bistro-booking", "bistro-website", "nova-api", "nova-storefront"]
PD_URL = "https://agency.pagerduty.com/service-directory/PXXXXXX"


def hc_ids(site) -> dict[str, str]:
    """URL name → health check id, as the mocks name it (``<resource name>-id``)."""
    return {u.name: f"{health_check_name(site, u.name)}-id" for u in site.urls}


def inputs_for(site, **overrides) -> DashboardInputs:
    values = {
        "zabbix_datasource_uid": "zabbix",
        "pagerduty_service_url": PD_URL,
        "health_check_ids": hc_ids(site),
        **overrides,
    }
    return DashboardInputs(**values)


def render(site, alarms, inputs: DashboardInputs | None = None) -> dict[str, Any]:
    return json.loads(render_dashboard(site, alarms, inputs or inputs_for(site)))


def dim_values(target: dict[str, Any], key: str) -> list[str]:
    value = target["dimensions"][key]
    return value if isinstance(value, list) else [value]


TRAFFIC = {"Requests (ALB)", "5xx error rate (ALB)"}


def metric_panels(board: dict[str, Any]) -> list[dict[str, Any]]:
    """Panels drawing alarmed metrics (the traffic context panels have no alarm)."""
    return [
        p
        for p in board["panels"]
        if p["type"] == "timeseries" and _is_cloudwatch(p) and p["title"] not in TRAFFIC
    ]


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


def matches_math(alarm, target: dict[str, Any], panel: dict[str, Any], site) -> bool:
    """A metric-math alarm is drawn as its expression over hidden rows of its own metrics,
    statistics and dimensions: exactly what the alarm evaluates."""
    (value,) = (q for q in alarm.metric_queries if q.return_data)
    if target.get("hide") or not target.get("expression"):
        return False
    prefix = target["id"][: -len(value.id)]
    if target["id"] != prefix + value.id or target["expression"].replace(prefix, "") != (
        value.expression
    ):
        return False
    by_id = {t.get("id"): t for t in panel["targets"]}
    for row in (q for q in alarm.metric_queries if not q.is_expression):
        hidden = by_id.get(prefix + row.id)
        if hidden is None or not hidden["hide"]:
            return False
        if (hidden["namespace"], hidden["metricName"], hidden["statistic"]) != (
            alarm.namespace, row.metric, row.statistic
        ) or hidden["dimensions"] != dict(alarm.dimensions):
            return False
    return target["datasource"]["uid"] == cloudwatch_uid(site.aws_account_id, site.aws_region)


def matches(alarm, target: dict[str, Any], site, panel: dict[str, Any]) -> bool:
    if alarm.is_math:
        return matches_math(alarm, target, panel, site)
    if "metricName" not in target:  # an expression (another alarm's metric math)
        return False
    region = GLOBAL_REGION if alarm.global_region else "$region"
    stat = alarm.extended_statistic or alarm.statistic
    if (target["namespace"], target["metricName"], target["statistic"], target["region"]) != (
        alarm.namespace,
        alarm.metric,
        stat,
        region,
    ):
        return False
    dimensions = alarm.resolved_dimensions(hc_ids(site))
    if set(target["dimensions"]) != set(dimensions):
        return False
    for key, value in dimensions.items():
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
        if alarm.signal_key == HEARTBEAT_KEY:  # no series of its own: its metric's panel
            watched = [
                t
                for panel in metric_panels(board)
                for t in panel["targets"]
                if (t.get("namespace"), t.get("metricName")) == (alarm.namespace, alarm.metric)
                and all(
                    v in (t["dimensions"].get(k) if isinstance(t["dimensions"].get(k), list)
                          else [t["dimensions"].get(k)])
                    for k, v in alarm.dimensions.items()
                )
            ]  # fmt: skip
            assert watched, f"{alarm.name}: the metric it watches has no panel"
            continue
        hits = [
            (panel, target)
            for panel in metric_panels(board)
            for target in panel["targets"]
            if matches(alarm, target, site, panel)
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
        # lines are in the metric's unit, which is the unit the panel shows
        assert panel["fieldConfig"]["defaults"]["unit"] == grafana_unit(alarm), alarm.name
        assert panel["title"] == alarm.title
    # and nothing else is drawn: each query's lines are exactly its alarms' thresholds
    for panel in metric_panels(board):
        for target in panel["targets"]:
            if target.get("hide"):  # a metric-math row: drawn only through its expression
                continue
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
    assert links["PagerDuty service"] == PD_URL
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
    assert bool(zabbix) == bool(site.servers or site.urls)  # URL-only sites too


def _zabbix_hosts(panel: dict[str, Any]) -> set[str]:
    (target,) = panel["targets"]
    pattern = target["host"]["filter"]
    assert pattern.startswith("/^(") and pattern.endswith(")$/")
    return {h.replace("\\", "") for h in pattern[3:-3].split("|")}


@pytest.mark.parametrize("site_id", SITES)
def test_zabbix_panels_filter_on_the_hosts_the_zabbix_renderer_creates(
    inventory, alarms_for, site_id
):
    """Same naming function (``vigil.naming``) on both sides: the filter is exactly the
    renderer's host names, the web-scenario host included; item filters match the items of
    vigil's own service template."""
    site = inventory.site(site_id)
    board = render(site, alarms_for(site))
    zabbix = [
        p
        for p in board["panels"]
        if p.get("datasource", {}).get("type", "").endswith("zabbix-datasource")
    ]
    objects = site_objects(site)
    problems = next(p for p in zabbix if p["title"] == "Zabbix problems")
    assert _zabbix_hosts(problems) == set(objects.host_names)
    web = [p for p in zabbix if p["title"].startswith("Web ")]
    servers = [p for p in zabbix if p not in web and p is not problems]
    assert bool(web) == bool(site.urls) and bool(servers) == bool(site.servers)
    for panel in web:
        assert _zabbix_hosts(panel) == {web_host_name(site.id)}
    base_items = {i["name"] for i in service_table()[BASE_SERVICE]["items"]}
    for panel in servers:
        assert _zabbix_hosts(panel) == {server_host_name(site.id, s) for s in site.servers}
        item = panel["targets"][0]["item"]["filter"]
        assert any(re.fullmatch(item[1:-1], name) for name in base_items), item


@pytest.mark.parametrize("site_id", SITES)
def test_dashboard_is_deterministic_and_round_trips(inventory, alarms_for, site_id):
    """The SDK output itself is pinned once, on a small fixture (test_dashboard_snapshot.py)."""
    site = inventory.site(site_id)
    text = render_dashboard(site, alarms_for(site), inputs_for(site))
    assert text == render_dashboard(site, alarms_for(site), inputs_for(site)), "deterministic"
    assert "${HealthCheckId}" not in text, "placeholder would be a Grafana variable"
    assert encode(decode(text)) == text, "round-trips through the SDK's Dashboard model"


def test_no_zabbix_panels_without_a_zabbix_datasource(inventory, alarms_for):
    site = inventory.site("acme-shop")
    board = render(site, alarms_for(site), DashboardInputs(health_check_ids=hc_ids(site)))
    types = {p.get("datasource", {}).get("type") for p in board["panels"] if p["type"] != "row"}
    assert types <= {"cloudwatch", "datasource"}
    assert "PagerDuty service" not in {link["title"] for link in board["links"]}


def test_large_site_stays_within_grafana_limits(inventory):
    """250 instances (real models, real catalog): one panel per EC2 signal, series per
    instance, chunked queries, dashboard well within Grafana's limits."""
    base = inventory.site("bistro-website")
    instances = tuple(
        # burstable, so every EC2 signal (CPU credits too) applies
        Ec2Instance(id=f"i-{n:017x}", name=f"web-{n}", instance_type="t3.large")
        for n in range(250)
    )
    site = replace(base, resources=AwsResources(ec2_instances=instances))
    alarms = alarms_for_site(site)
    ec2_signals = {a.signal_key for a in alarms if a.resource_type == "ec2"} - {HEARTBEAT_KEY}
    assert len(ec2_signals) == len(catalog.signal_keys(catalog.ResourceType.EC2))
    assert sum(a.signal_key == HEARTBEAT_KEY for a in alarms) == len(instances)  # not on the board
    board = render(site, alarms)
    ec2 = [p for p in metric_panels(board) if p["targets"][0]["namespace"] == "AWS/EC2"]
    assert len(ec2) == len(ec2_signals), "one panel per signal, instances are series"
    for panel in ec2:
        for target in panel["targets"]:
            assert len(target_expression(target)) <= MAX_SEARCH_EXPRESSION
        covered = {i for t in panel["targets"] for i in t["dimensions"]["InstanceId"]}
        assert covered == {i.id for i in instances}, panel["title"]
    assert len(board["panels"]) < 50
    assert len(json.dumps(board)) < 1_000_000


def target_expression(target: dict[str, Any]) -> str:
    dims = {k: v if isinstance(v, list) else [v] for k, v in target["dimensions"].items()}
    return search_expression(target["namespace"], target["metricName"], dims, target["statistic"])


def test_search_expressions_are_split_by_length_not_count(inventory):
    """20 target groups with 32-character names: 20 values in one query would be a SEARCH
    expression over CloudWatch's 1,024 characters; split by length, every query fits and
    every target group is still drawn exactly once."""
    base = inventory.site("acme-shop")
    lb = base.resources.load_balancers[0]
    groups = tuple(
        replace(
            lb.target_groups[0],
            name=f"tg-{n:02d}-" + "x" * 26,
            arn=f"arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/"
            f"tg-{n:02d}-{'x' * 26}/{n:016x}",
        )
        for n in range(20)
    )
    site = replace(
        base,
        resources=base.resources.replace(load_balancers=(replace(lb, target_groups=groups),)),
    )
    alarms = alarms_for_site(site)
    by_count = {
        "TargetGroup": [g.dimension for g in groups],
        "LoadBalancer": [lb.dimension],
    }
    assert (
        len(search_expression("AWS/ApplicationELB", "HealthyHostCount", by_count, "Minimum"))
        > MAX_SEARCH_EXPRESSION
    ), "the old 20-per-query chunking would be refused"
    board = render(site, alarms)
    panel = panel_by_metric(board, "AWS/ApplicationELB", "HealthyHostCount")
    assert len(panel["targets"]) >= 2
    drawn = [v for t in panel["targets"] for v in dim_values(t, "TargetGroup")]
    assert sorted(drawn) == sorted(g.dimension for g in groups)
    for target in panel["targets"]:
        assert len(target_expression(target)) <= MAX_SEARCH_EXPRESSION


def test_search_expression_is_the_one_grafana_builds():
    """Pinned against ``buildSearchExpression`` (matchExact): sorted schema and terms."""
    assert search_expression(
        "AWS/EC2", "CPUUtilization", {"InstanceId": ["i-1", "i-2"]}, "Average", "300"
    ) == (
        'REMOVE_EMPTY(SEARCH(\'{"AWS/EC2","InstanceId"} MetricName="CPUUtilization" '
        '"InstanceId"=("i-1" OR "i-2")\', \'Average\', 300))'
    )


def test_health_check_ids_follow_the_cloudwatch_convention(inventory, alarms_for):
    """Keyed by URL name (``CloudWatchAlarms.health_check_ids``), resolved per URL."""
    site = inventory.site("nova-storefront")
    alarms = alarms_for(site)
    assert any(a.dimensions.get("HealthCheckId") == HEALTH_CHECK_ID for a in alarms)
    ids = {u.name: f"hc-{u.name}" for u in site.urls}
    board = render(site, alarms, DashboardInputs(health_check_ids=ids))
    health = next(p for p in board["panels"] if p["type"] == "state-timeline")
    series = [hc for t in health["targets"] for hc in dim_values(t, "HealthCheckId")]
    assert sorted(series) == sorted(ids.values()), "a series per URL, its own health check"
    # labelled with the URL's name, never the (UUID) health check id
    for target in health["targets"]:
        (hc_id,) = dim_values(target, "HealthCheckId")
        name = next(n for n, i in ids.items() if i == hc_id)
        assert name in target["label"] and hc_id not in target["label"]
        assert "PROP(" not in target["label"]
    # Route 53's TCP checks publish no TimeToFirstByte: no panel may wait for it
    queried = {t.get("metricName") for p in board["panels"] for t in p.get("targets", ())}
    assert "HealthCheckStatus" in queried and "TimeToFirstByte" not in queried
    with pytest.raises(KeyError, match="no Route 53 health check id for URL"):
        render_dashboard(site, alarms, DashboardInputs())


def test_existing_cloudwatch_datasource_uid_is_used(inventory, alarms_for):
    site = inventory.site("bistro-website")
    key = f"{site.aws_account_id}/{site.aws_region}"
    board = render(
        site, alarms_for(site), inputs_for(site, access=CloudWatchAccess(existing={key: "cw-old"}))
    )
    ec2 = next(p for p in metric_panels(board) if p["targets"][0]["namespace"] == "AWS/EC2")
    assert ec2["datasource"]["uid"] == "cw-old"


def panel_by_metric(board, namespace: str, metric: str) -> dict[str, Any]:
    (panel,) = [
        p
        for p in metric_panels(board)
        if (p["targets"][0]["namespace"], p["targets"][0]["metricName"]) == (namespace, metric)
    ]
    return panel


@pytest.mark.parametrize(
    ("site_id", "namespace", "metric", "unit", "lines", "written"),
    [
        (
            "nova-api",
            "AWS/RDS",
            "AuroraReplicaLag",  # inventory seconds, metric ms: lines in ms, like the alarm
            "ms",
            [1000, 10000],
            "warning 1 s, critical 10 s",
        ),
        # same metric name, different units per namespace; sizes written as people read them
        (
            "acme-b2b",
            "AWS/RDS",
            "FreeStorageSpace",
            "bytes",
            [2 * 2**30, 10 * 2**30],
            "warning 10 GiB, critical 2 GiB",
        ),
        (
            "nova-storefront",
            "AWS/ES",
            "FreeStorageSpace",
            "mbytes",
            [5120, 20480],
            "warning 20 GiB, critical 5 GiB",
        ),
        # ratio x min_in_service (2): the line is the instance count the alarm compares with
        ("acme-shop", "AWS/AutoScaling", "GroupInServiceInstances", "short", [2], "critical 1"),
        ("acme-b2b", "AWS/ApplicationELB", "TargetResponseTime", "s", [2, 4], None),
    ],
)
def test_panels_draw_alarm_thresholds_in_the_metrics_unit(
    inventory, alarms_for, site_id, namespace, metric, unit, lines, written
):
    site = inventory.site(site_id)
    alarms = [a for a in alarms_for(site) if (a.namespace, a.metric) == (namespace, metric)]
    panel = panel_by_metric(render(site, alarms_for(site)), namespace, metric)
    assert panel["fieldConfig"]["defaults"]["unit"] == unit
    steps = panel["fieldConfig"]["defaults"]["thresholds"]["steps"]
    assert [s["value"] for s in steps[1:]] == lines == sorted({a.threshold for a in alarms})
    assert "5368709120" not in panel["description"] and "1073741824" not in panel["description"]
    if written:
        assert written in panel["description"]


def test_every_catalog_signal_has_a_grafana_unit():
    """A new catalog unit or scale fails here, not as a silently mislabelled panel."""
    for signals in catalog.CATALOG.values():
        for signal in signals:
            assert metric_unit_of(signal) in GRAFANA_UNITS, signal.key


def test_status_panel_units_follow_each_query(inventory, alarms_for):
    site = inventory.site("acme-b2b")
    board = render(site, alarms_for(site))
    state = next(p for p in board["panels"] if p["type"] == "stat")
    default = state["fieldConfig"]["defaults"]["unit"]
    units = {}
    for target in state["targets"]:
        units[target["refId"]] = default
        for override in state["fieldConfig"]["overrides"]:
            if override["matcher"]["options"] == target["refId"]:
                for prop in override["properties"]:
                    if prop["id"] == "unit":
                        units[target["refId"]] = prop["value"]
    by_metric = {t.get("metricName"): units[t["refId"]] for t in state["targets"]}
    assert by_metric["CPUUtilization"] == "percent"
    assert by_metric["FreeStorageSpace"] == "bytes"


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
