"""reporting-signals-have-heartbeat on the real program's plan of the example inventory."""

from __future__ import annotations

import copy

import pytest

from policies import graph as g
from policies import pack
from policies import reporting_signals_have_heartbeat as policy
from policies.evaluate import Violation, evaluate, resources_from_records
from tests.policies.test_whole_program import Records, record_program
from vigil import catalog
from vigil.catalog.alarms import HEARTBEAT_KEY
from vigil.inventory import load_inventory
from vigil.naming import TAG_MAY_BE_STOPPED

NAME = policy.NAME
EC2_BEAT = "bistro-website-ec2-i-07f3e2d1c0b9a8f76-heartbeat-warning"
EC2_ID = "i-07f3e2d1c0b9a8f76"


@pytest.fixture(scope="module")
def recorded() -> Records:
    return record_program()


@pytest.fixture
def records(recorded: Records) -> Records:
    return copy.deepcopy(recorded)


def run(records: Records) -> list[Violation]:
    return evaluate(resources_from_records(copy.deepcopy(records)), None, [pack.policy(NAME)])


def alarm(records: Records, name: str) -> dict:
    return next(r for r in records if r["type"] == g.METRIC_ALARM and r["name"] == name)


def test_example_plan_passes_and_has_a_heartbeat_per_kind(recorded):
    assert run(recorded) == []
    beats = [r for r in recorded if r["type"] == g.METRIC_ALARM
             and r["name"].endswith("-heartbeat-warning")]
    assert {(r["inputs"]["namespace"], r["inputs"]["metricName"]) for r in beats} == {
        ("AWS/EC2", "CPUUtilization"), ("AWS/RDS", "CPUUtilization"),
        ("AWS/ES", "CPUUtilization"), ("AWS/ElastiCache", "CurrConnections"),
    }
    assert len(beats) == 13  # 3 EC2, 5 RDS (replicas too), 2 Aurora, 1 OpenSearch, 2 ElastiCache


def test_removing_the_heartbeat_alarm_fails(records):
    records.remove(alarm(records, EC2_BEAT))
    [v] = run(records)
    assert v.level == "mandatory" and f"InstanceId={EC2_ID}" in v.message
    assert "bistro-website" in v.message and "no heartbeat alarm" in v.message


@pytest.mark.parametrize(
    ("field", "value", "why"),
    [
        ("treatMissingData", "notBreaching", "not breaching"),
        ("statistic", "Average", "not SampleCount"),
        ("evaluationPeriods", 30, "above 86400 s"),
    ],
)
def test_a_heartbeat_that_cannot_notice_silence_fails(records, field, value, why):
    alarm(records, EC2_BEAT)["inputs"][field] = value
    [v] = run(records)
    assert EC2_BEAT in v.message and why in v.message


def test_may_be_stopped_resources_are_exempt(records):
    records.remove(alarm(records, EC2_BEAT))
    for r in records:
        if r["type"] == g.METRIC_ALARM and r["inputs"].get("dimensions") == {"InstanceId": EC2_ID}:
            r["inputs"]["tags"][TAG_MAY_BE_STOPPED] = "true"
    assert run(records) == []


def test_unknown_dimensions_are_advisory(records):
    alarm(records, EC2_BEAT)["inputs"]["dimensions"] = g.UNKNOWN
    found = run(records)
    assert [v.level for v in found] == ["advisory"]
    assert "cannot verify until apply" in found[0].message


def test_defaults_are_what_the_catalog_generates():
    """The policy's heartbeatMetrics are exactly the heartbeat alarms vigil creates."""
    inventory = load_inventory(catalog_root())
    made = {
        (a.namespace, a.metric, tuple(sorted(a.dimensions)))
        for site in inventory.sites
        for a in catalog.alarms_for_site(site)
        if a.signal_key == HEARTBEAT_KEY
    }
    declared = {(h.namespace, h.metric, h.dimensions)
                for h in map(policy.Heartbeat.parse, policy.DEFAULTS["heartbeatMetrics"])}
    assert made == declared


def catalog_root():
    from tests.policies.test_whole_program import ROOT

    return ROOT / "inventory"
