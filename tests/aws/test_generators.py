"""What the generators send: every site tag reaches every resource, and the plan's inputs are
exactly what ``vigil.aws.inputs`` builds (the inputs ``vigil validate`` checks)."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from tests.runtime import run_program
from vigil.aws import inputs
from vigil.aws.inventory import HEALTH_CHECK_ID_EXAMPLE
from vigil.aws.limits import route53_max_tags
from vigil.catalog.alarms import alarms_for_site
from vigil.inventory import load_inventory
from vigil.program import main
from vigil.resource_types import (
    HEALTH_CHECK,
    METRIC_ALARM,
    SNS_SUBSCRIPTION,
    SNS_TOPIC,
    SQS_QUEUE,
    SQS_QUEUE_POLICY,
)

ROOT = Path(__file__).resolve().parents[2]


def test_route53_limit_is_read_from_the_model():
    assert route53_max_tags() == 10


def test_site_tags_that_fit_reach_every_resource(tmp_path):
    """4 site tags + vigil's 6 = Route 53's 10: nothing is dropped anywhere."""
    inventory = tmp_path / "inventory"
    shutil.copytree(ROOT / "inventory", inventory)
    site_file = inventory / "sites" / "acme" / "shop.yaml"
    doc = yaml.safe_load(site_file.read_text())
    doc["tags"] = {f"team-{n}": f"v{n}" for n in range(4)}
    site_file.write_text(yaml.safe_dump(doc, sort_keys=False))
    mocks = run_program(main, {"vigil:inventory": str(inventory)})
    for rtype in (HEALTH_CHECK, METRIC_ALARM, SNS_TOPIC, SQS_QUEUE):
        some = [r for r in mocks.of_type(rtype) if r.name.startswith("acme-shop-")]
        assert some
        assert all({f"team-{n}" for n in range(4)} <= set(r.inputs["tags"]) for r in some)
    checks = [r for r in mocks.of_type(HEALTH_CHECK) if r.name.startswith("acme-shop-")]
    assert all(len(r.inputs["tags"]) == 10 for r in checks)


def test_plan_inputs_are_what_the_builders_make(example_plan):
    """The recorded inputs of every alarm, health check and topic of the example equal the
    builders' (so validate checks what the plan sends; only the ids AWS returns differ)."""
    inventory = load_inventory(ROOT / "inventory")
    recorded = {
        (r.type, r.name): r.values
        for r in example_plan.recording.resources
        if r.type in (METRIC_ALARM, HEALTH_CHECK, SNS_TOPIC)
    }
    dashboard = example_plan.recording.settings.dashboard_url
    built: dict[tuple[str, str], dict] = {}
    for site in inventory.sites:
        for check in site.urls:
            name = next(k[1] for k in recorded if k[0] == HEALTH_CHECK
                        and k[1].startswith(f"{site.id}-url-{check.name}-"))
            built[(HEALTH_CHECK, name)] = inputs.wire(inputs.health_check_args(site, check))
        for spec in alarms_for_site(site, dashboard):
            dims = spec.resolved_dimensions({spec.resource_id: HEALTH_CHECK_ID_EXAMPLE})
            topic = inputs.topic_arn(site, spec.severity, spec.region)
            built[(METRIC_ALARM, spec.name)] = inputs.wire(inputs.alarm_args(spec, dims, topic))
    assert {k for k in built if k[0] == METRIC_ALARM} == {
        k for k in recorded if k[0] == METRIC_ALARM
    }
    for key, want in built.items():
        got = dict(recorded[key])
        if key[0] == METRIC_ALARM and "HealthCheckId" in got.get("dimensions", {}):
            got["dimensions"] = {**got["dimensions"], "HealthCheckId": HEALTH_CHECK_ID_EXAMPLE}
        assert got == want, key
    topics = [k for k in recorded if k[0] == SNS_TOPIC]
    for site in inventory.sites:
        for severity in ("critical", "warning"):
            want = inputs.wire(inputs.topic_args(site, severity))
            assert any(recorded[k] == want for k in topics), (site.id, severity)


def test_dead_letter_inputs_are_what_the_builders_make(example_plan):
    """Every queue, queue policy and subscription redrive of the example is what
    ``vigil.aws.inputs`` builds for its topic's region and severity (what validate probes)."""
    inventory = load_inventory(ROOT / "inventory")
    rec = example_plan.recording
    by_urn = {r.urn: r for r in rec.resources}

    def region(res) -> str:
        return by_urn[res.provider].inputs["region"]

    queues = {(region(r), r.values["name"]): r.values for r in rec.of_type(SQS_QUEUE)}
    policies = {(region(r), r.values["queueUrl"].rsplit("/", 1)[-1]): r.values["policy"]
                for r in rec.of_type(SQS_QUEUE_POLICY)}
    redrives = {(region(r), r.values["topic"]): r.values["redrivePolicy"]
                for r in rec.of_type(SNS_SUBSCRIPTION)}
    expected = 0
    for site in inventory.sites:
        regions = {region(r) for r in rec.of_type(SNS_TOPIC)
                   if r.values["tags"]["vigil:site"] == site.id}
        for queue in inputs.delivery_queues(site, regions):
            key = (queue.region, queue.name)
            expected += 1
            assert queues[key] == inputs.wire(inputs.dlq_args(site, queue.severity))
            arn = inputs.dlq_arn(site, queue.severity, queue.region)
            topic = inputs.topic_arn(site, queue.severity, queue.region)
            assert policies[key] == inputs.dlq_policy(arn, topic)
            assert redrives[(queue.region, topic)] == inputs.redrive_policy(arn)
    assert expected == len(queues) == len(policies) == len(redrives)
