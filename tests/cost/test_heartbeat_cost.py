"""Heartbeat alarms (issue #12, "watch the watcher") are priced: one standard-resolution alarm
metric each (hourly periods), and the estimate of the example plan grows by exactly that."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from tests.runtime import run_program
from vigil import resource_types as rt
from vigil.aws import prices
from vigil.cost.estimate import Charge, alarm_charges, estimate
from vigil.plan.record import Recording
from vigil.program import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def recording() -> Recording:
    return run_program(main, {"vigil:inventory": str(ROOT / "inventory")})


def _heartbeats(recording: Recording):
    return [r for r in recording.resources
            if r.type == rt.METRIC_ALARM and r.name.endswith("-heartbeat-warning")]


def test_each_heartbeat_is_one_standard_alarm_metric(recording):
    beats = _heartbeats(recording)
    assert len(beats) == 13
    for res in beats:
        assert res.inputs["period"] == 3600
        assert alarm_charges(res) == [Charge("cloudwatch.alarm-metric.standard", 1)]


def test_the_estimate_counts_them_at_the_standard_price(recording):
    beats = _heartbeats(recording)
    without = replace(recording, resources=[r for r in recording.resources if r not in beats])
    added = estimate(recording).monthly - estimate(without).monthly
    expected = Decimal(0)
    regions = {r.urn: r.inputs.get("region") for r in recording.resources
               if r.type == rt.AWS_PROVIDER}
    for res in beats:
        region = prices.priced_as(regions[res.provider])
        expected += prices.monthly("cloudwatch.alarm-metric.standard", region).usd
    assert added == expected > 0
