"""Panels an engineer paged at 3 a.m. can read: alarm history, every resource's thresholds,
traffic beside errors, status panels on the alarms' own periods."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

from vigil.catalog.alarms import health_check_name
from vigil.grafana.dashboard import ALARM_ANNOTATION, DashboardInputs, render_dashboard
from vigil.grafana.datasources import cloudwatch_uid
from vigil.grafana.plan import GLOBAL_REGION


def render(site, alarms) -> dict[str, Any]:
    ids = {u.name: f"{health_check_name(site, u.name)}-id" for u in site.urls}
    return json.loads(render_dashboard(site, alarms, DashboardInputs(health_check_ids=ids)))


def test_alarm_state_changes_are_annotations_for_every_alarm(inventory, alarms_for):
    for site in inventory.sites:
        alarms = alarms_for(site)
        board = render(site, alarms)
        annotations = [
            a for a in board["annotations"]["list"] if a["name"].startswith(ALARM_ANNOTATION)
        ]
        regions = {a["target"]["region"] for a in annotations}
        assert {a.region for a in alarms} == regions, site.id  # every alarm's region annotated
        for annotation in annotations:
            target = annotation["target"]
            assert target["queryMode"] == "Annotations" and target["prefixMatching"] is True
            assert target["alarmNamePrefix"] == f"{site.id}-"
            # and the site's own topics: the name prefix alone also matches a site "<id>-x"
            assert target["actionPrefix"] == (
                f"arn:aws:sns:{target['region']}:{site.aws_account_id}:{site.id}-alerts-"
            )
            assert annotation["datasource"] == {
                "type": "cloudwatch",
                "uid": cloudwatch_uid(site.aws_account_id, target["region"]),
            }
        assert all(a.name.startswith(f"{site.id}-") for a in alarms)


def _effective(panel: dict[str, Any], ref: str) -> tuple[Any, Any, Any]:
    """(unit, axis label, threshold steps) Grafana applies to one query's series."""
    defaults = panel["fieldConfig"]["defaults"]
    unit = defaults.get("unit")
    label = defaults.get("custom", {}).get("axisLabel")
    steps = defaults["thresholds"]["steps"]
    for override in panel["fieldConfig"]["overrides"]:
        if override["matcher"] == {"id": "byFrameRefID", "options": ref}:
            for prop in override["properties"]:
                if prop["id"] == "unit":
                    unit = prop["value"]
                elif prop["id"] == "custom.axisLabel":
                    label = prop["value"]
                elif prop["id"] == "thresholds":
                    steps = prop["value"]["steps"]
    return unit, label, json.dumps(steps)


def test_each_threshold_set_gets_its_own_scale_so_its_lines_are_drawn(inventory, alarms_for):
    """Two EC2 instances with different CPU thresholds on one panel: Grafana draws threshold
    lines once per scale (unit + axis label …), so each set must have its own scale."""
    site = inventory.site("bistro-website")
    alarms = list(alarms_for(site))
    cpu = [a for a in alarms if a.signal_key == "cpu_utilization"]
    other = [
        replace(
            a,
            name=a.name.replace(a.resource_id, "i-0123456789abcdef0"),
            resource_id="i-0123456789abcdef0",
            dimensions={"InstanceId": "i-0123456789abcdef0"},
            threshold=a.threshold - 20,
        )
        for a in cpu
    ]
    board = render(site, alarms + other)
    (panel,) = [p for p in board["panels"] if p["title"] == cpu[0].title]
    refs = [t["refId"] for t in panel["targets"]]
    assert len(refs) == 2
    scales = {ref: _effective(panel, ref) for ref in refs}
    assert len({s[2] for s in scales.values()}) == 2, "two threshold sets"
    assert len({(s[0], s[1]) for s in scales.values()}) == 2, "two scales, one per set"
    for _, label, steps in scales.values():
        values = [s["value"] for s in json.loads(steps)[1:]]
        assert all(f"{v:g}" in label for v in values), (label, values)


def test_a_single_threshold_set_keeps_one_unlabelled_scale(inventory, alarms_for):
    site = inventory.site("bistro-website")
    board = render(site, alarms_for(site))
    for panel in board["panels"]:
        if panel["type"] == "timeseries" and panel["datasource"]["type"] == "cloudwatch":
            assert "axisLabel" not in panel["fieldConfig"]["defaults"].get("custom", {})


def test_status_panels_use_the_alarms_own_period(inventory, alarms_for):
    """Picking $period = 300 must not compare 5-minute sums with 1-minute thresholds."""
    for site in inventory.sites:
        alarms = alarms_for(site)
        board = render(site, alarms)
        status = [p for p in board["panels"] if p["type"] in ("stat", "state-timeline")]
        assert status
        periods = {str(a.period) for a in alarms}
        for panel in status:
            for target in panel["targets"]:
                assert target["period"] in periods, (panel["title"], target["period"])
        metric = [p for p in board["panels"] if p["type"] == "timeseries"]
        cloudwatch = [t for p in metric for t in p["targets"] if "period" in t]
        assert cloudwatch and all(t["period"] == "$period" for t in cloudwatch)


def test_alb_requests_and_error_rates_beside_the_alarmed_rates(inventory, alarms_for):
    site = inventory.site("acme-shop")
    alarms = alarms_for(site)
    lbs = sorted({a.dimensions["LoadBalancer"] for a in alarms if str(a.resource_type) == "alb"})
    assert lbs
    board = render(site, alarms)
    titles = [p["title"] for p in board["panels"]]
    rows = [p for p in board["panels"] if p["type"] == "row"]
    alb_row = next(r for r in rows if "Load Balancer" in r["title"])
    after = titles[titles.index(alb_row["title"]) + 1 :]
    next_row = next((t for t in after if t in {r["title"] for r in rows}), None)
    in_row = after[: after.index(next_row)] if next_row else after
    assert "Requests (ALB)" in in_row and "5xx error rate (ALB)" in in_row
    # the alarmed rates, each drawn as its alarm's own expression (one per load balancer)
    assert {"ALB 5xx rate", "Target 5xx rate"} <= set(in_row)
    alarmed = next(p for p in board["panels"] if p["title"] == "ALB 5xx rate")
    assert alarmed["fieldConfig"]["defaults"]["unit"] == "percent"
    assert "metric math, as the alarm evaluates it: IF(requests >= 50" in alarmed["description"]
    shown = [t for t in alarmed["targets"] if not t.get("hide")]
    assert [t["expression"] for t in shown] == [
        "IF(a_requests >= 50, 100 * FILL(a_errors, 0) / a_requests, 0)"
    ]
    requests = next(p for p in board["panels"] if p["title"] == "Requests (ALB)")
    assert sorted(t["dimensions"]["LoadBalancer"] for t in requests["targets"]) == lbs
    rate = next(p for p in board["panels"] if p["title"] == "5xx error rate (ALB)")
    assert rate["fieldConfig"]["defaults"]["unit"] == "percent"
    by_id = {t["id"]: t for t in rate["targets"]}
    math = [t for t in rate["targets"] if t.get("expression")]
    assert sorted(t["label"] for t in math) == lbs
    for target in math:
        used = re.findall(r"\b([a-z]\d+)\b", target["expression"])
        assert len(used) == 3 and target["expression"].startswith("100 * ")
        metrics = {by_id[u]["metricName"] for u in used}
        assert metrics == {"RequestCount", "HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count"}
        assert all(by_id[u]["hide"] is True for u in used)
        assert {by_id[u]["dimensions"]["LoadBalancer"] for u in used} == {target["label"]}
    assert GLOBAL_REGION  # CloudFront/Route 53 keep their own region (tested elsewhere)
