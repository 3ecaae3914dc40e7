"""The recording engine sees what the engine would: URNs, parents, providers, wire inputs."""

from __future__ import annotations

from pathlib import Path

import pulumi
import pytest
from pulumi.runtime import rpc

from vigil.plan import engine
from vigil.plan.engine import ProgramError, load_stack_config, record_program
from vigil.plan.inline_rpc import finish
from vigil.plan.record import SECRET


def _by_name(graph):
    return {r.name: r for r in graph.resources}


def test_records_every_resource_with_parent_provider_and_site(fixture_plan):
    graph = fixture_plan.recording
    res = _by_name(graph)
    alarm = res["demo-site0-alb-5xx-critical"]
    assert alarm.type == "aws:cloudwatch/metricAlarm:MetricAlarm"
    assert alarm.urn.endswith(
        "vigil:aws:CloudWatchAlarms$aws:cloudwatch/metricAlarm:MetricAlarm"
        "::demo-site0-alb-5xx-critical"
    )
    assert alarm.parent == res["demo-site0-cloudwatch"].urn
    assert alarm.provider == res["aws-demo-site0"].urn
    assert alarm.site == "demo-site0"
    (action,) = alarm.inputs["alarmActions"]
    assert action.startswith("arn:aws:sns:eu-west-1:") and action.endswith(
        ":demo-site0-alerts-critical"
    )
    assert alarm.inputs["evaluationPeriods"] == 5  # wire numbers come back as ints
    assert res["ops-gold"].site is None  # team-level
    assert res["demo-site1"].type in (
        "vigil:index:SiteMonitoring",
        "pagerduty:index/service:Service",
    )
    components = [r for r in graph.resources if not r.custom]
    assert {r.type for r in components} >= {
        "vigil:index:SiteMonitoring",
        "vigil:aws:CloudWatchAlarms",
    }


def test_secrets_are_masked_everywhere(fixture_plan):
    sub = _by_name(fixture_plan.recording)["demo-site0-alerts-critical-pagerduty"]
    assert sub.inputs["endpoint"] == SECRET
    assert "events.pagerduty.com" not in str(fixture_plan.document)


def test_stack_config_namespaces_defaults_objects_and_secure_values(fixture_dir):
    cfg = load_stack_config(fixture_dir, "test", {"fixture:sites": 3})
    assert cfg.values["fixture:sites"] == "3"
    assert cfg.values["fixture:tags"] == '{"cost-center": "web"}'
    assert cfg.secret_keys == ["pagerduty:token"]
    assert cfg.values["pagerduty:token"] != "AAABAJ0bm9wZQ=="


def test_data_sources_answered_offline(fixture_plan):
    service = next(
        r for r in fixture_plan.recording.resources if r.type == "pagerduty:index/service:Service"
    )
    assert service.inputs["description"]  # id from get_user, answered offline
    assert service.inputs["escalationPolicy"] == "ops-gold-id"


def test_runs_do_not_leak_between_each_other(fixture_dir):
    small = record_program(load_stack_config(fixture_dir, "test", {"fixture:sites": 1}))
    large = record_program(load_stack_config(fixture_dir, "test", {"fixture:sites": 3}))
    sites = lambda g: sorted(r.name for r in g.resources if r.type == "vigil:index:SiteMonitoring")  # noqa: E731
    assert sites(small) == ["demo-site0"]
    assert sites(large) == ["demo-site0", "demo-site1", "demo-site2"]
    assert pulumi.runtime.get_config("fixture:sites") is None  # config stayed in the run's context


def test_program_error_is_reported_not_raised_raw(fixture_dir):
    with pytest.raises(ProgramError) as info:
        record_program(load_stack_config(fixture_dir, "test", {"fixture:fail": True}))
    assert "shop.yaml:3:7" in str(info.value)
    assert isinstance(info.value.cause, ValueError)


def test_unknown_stack_is_invalid_input(fixture_dir):
    with pytest.raises(FileNotFoundError):
        load_stack_config(fixture_dir, "nope")


def test_the_echoed_answer_is_the_sdks_serialization(fixture_dir, monkeypatch):
    """`_echoed` (the request's wire form plus the computed outputs) equals what the SDK's
    serializer makes of the mocks' state, for every registration of the example and the
    fixture; secrets take the serializer's path."""
    original = engine._echoed
    echoed: list[str] = []
    serialized: list[str] = []

    def compared(sent, inputs, state, computed, secret):
        answer = original(sent, inputs, state, computed, secret)
        if answer is None:
            serialized.append(str(inputs.get("name")))
        else:
            assert answer == finish(lambda: rpc.serialize_properties(state, {})), inputs
            echoed.append(str(inputs.get("name")))
        return answer

    monkeypatch.setattr(engine, "_echoed", compared)
    for project, stack in ((Path(__file__).resolve().parents[2], "dev"), (fixture_dir, "test")):
        record_program(load_stack_config(project, stack))
    assert len(echoed) > 300
    assert serialized  # the Grafana contact points carry their integration keys as secrets
