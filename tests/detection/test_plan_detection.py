"""Time to page in `vigil plan`: computed from the recording, shown in terminal, JSON and HTML.

The example's tiers all use 60 s × 3 of 5 (defaults.yaml ``alarm``); every site has a URL, so
its slowest critical availability alarm is the Route 53 one:
90 (3 × 30 s checks) + 60 + 180 + 60 + 60 = 450 s = 7.5 min to ALARM, + 60 s SNS retries
= 8.5 min to the first human; gold's L2 (first rule delay = SLA 5) then at 13.5 min.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from vigil.plan.report_html import render
from vigil.plan.report_text import Painter, detection_section
from vigil.plan.service import run_plan

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def plan():
    return run_plan(ROOT, "dev")


def page(plan, site):
    return next(p for p in plan.pages if p.site == site)


def test_gold_site_worst_case_and_first_human(plan):
    shop = page(plan, "acme-shop")
    assert shop.tier == "gold" and shop.target_minutes == 10
    assert shop.worst.name == "acme-shop-url-home-health-check-status-critical"
    assert shop.worst.seconds == 450
    assert shop.first_human_seconds == 510
    first_loop = [(lvl, m) for lvl, loop, m in shop.escalation() if loop == 1]
    assert first_loop == [("L1", 8.5), ("L2", 13.5), ("L3", 28.5), ("L4", 58.5)]
    assert shop.within_target is True


def test_every_alarm_is_timed_from_its_recorded_inputs(plan):
    shop = page(plan, "acme-shop")
    recorded = [
        r for r in plan.recording.resources
        if r.site == "acme-shop" and r.type == "aws:cloudwatch/metricAlarm:MetricAlarm"
    ]  # fmt: skip
    assert len(shop.alarms) == len(recorded) and not shop.unknown
    by_name = {a.breakdown.name: a for a in shop.alarms}
    unhealthy = next(n for n in by_name if n.endswith("-healthy-host-count-critical"))
    assert by_name[unhealthy].breakdown.seconds == 360  # no Route 53 term
    assert by_name[unhealthy].pages


def test_ec2_basic_monitoring_cpu_alarm_uses_five_minute_periods(plan):
    b2b = {a.breakdown.name: a.breakdown for a in page(plan, "acme-b2b").alarms}
    cpu = b2b["acme-b2b-ec2-i-0a1b2c3d4e5f60718-cpu-utilization-critical"]
    # basic monitoring (the default): period 300, 300 + 3 × 300 + 60 + 60 = 1320 s = 22 min
    assert cpu.period == 300 and cpu.seconds == 1320
    alarm = plan.recording.by_name(
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        "acme-b2b-ec2-i-0a1b2c3d4e5f60718-cpu-utilization-critical",
    )
    assert alarm.inputs["period"] == 300
    status = b2b["acme-b2b-ec2-i-0a1b2c3d4e5f60718-status-check-failed-system-critical"]
    assert status.period == 60  # status checks: one-minute metrics


def test_detailed_monitoring_keeps_one_minute_cpu_alarms(tmp_path):
    inventory = tmp_path / "inventory"
    shutil.copytree(ROOT / "inventory", inventory)
    site = inventory / "sites/acme/b2b.yaml"
    text = site.read_text()
    first = "      name: acme-b2b-app-1\n      instance_type: m6i.large\n"
    site.write_text(text.replace(first, first + "      detailed_monitoring: true\n"))
    result = run_plan(ROOT, "dev", str(inventory))
    alarm = result.recording.by_name(
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        "acme-b2b-ec2-i-0a1b2c3d4e5f60718-cpu-utilization-critical",
    )
    assert alarm.inputs["period"] == 60
    other = result.recording.by_name(
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        "acme-b2b-ec2-i-0a1b2c3d4e5f60719-cpu-utilization-critical",
    )
    assert other.inputs["period"] == 300


def test_plan_json_carries_detection_per_site(plan):
    doc = json.loads(json.dumps(plan.document))
    shop = next(d for d in doc["detection"] if d["site"] == "acme-shop")
    assert shop["worstCaseAlarmMinutes"] == 7.5
    assert shop["firstHumanMinutes"] == 8.5
    assert shop["snsDeliverySeconds"] == 60 and shop["detectionMinutes"] == 10
    url = next(a for a in shop["alarms"] if a["name"] == shop["worstAlarm"])
    assert (url["routeHealthCheckSeconds"], url["alignSeconds"], url["breachingSeconds"]) == (
        90, 60, 180,
    )  # fmt: skip
    assert [d["site"] for d in doc["detection"]] == sorted(d["site"] for d in doc["detection"])


def test_terminal_and_html_show_it(plan):
    text = detection_section(plan.pages, Painter(False))
    assert "acme-shop (gold): ALARM ≤ 7.5 min (detection target 10 min)" in text
    assert "first human ≤ 8.5 min · then L2 13.5′ · L3 28.5′ · L4 58.5′" in text
    html = render(plan)
    assert '<table id="detection">' in html
    assert '<tr data-site="acme-shop"><td>acme-shop</td><td>gold</td>' in html
    assert 'id="detection-acme-shop"' in html


def test_cli_prints_the_section(capsys):
    from vigil.cli import main

    assert main(["plan", "--stack", "dev"]) == 0
    out = capsys.readouterr().out
    assert "time to page" in out and "nova-storefront (gold): ALARM ≤ 7.5 min" in out
