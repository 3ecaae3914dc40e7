"""Grafana rules on the SNS dead-letter queues: one critical rule per queue, routed by ``site``.

Pure tests pin the query and expressions (``vigil.grafana.delivery``); a whole-program test pins
that every queue the program creates has its rule, reading it through a data source the stack
creates for the queue's account and region, and that the rule's labels route to the site's
Grafana contact point (Grafana's own PagerDuty integration, not the CloudWatch one the failing
subscription uses)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from grafana_foundation_sdk.models import expr as em

from tests.policies.test_whole_program import stack_config
from tests.runtime import run_program
from vigil import program
from vigil import resource_types as rt
from vigil.aws.inputs import delivery_queues, dlq_name
from vigil.grafana.delivery import (
    EVALUATION_INTERVAL_SECONDS,
    METRIC,
    NAMESPACE,
    REDRIVE_METRIC,
    REDRIVE_NAMESPACE,
    WINDOW_SECONDS,
    delivery_group,
    group_name,
)
from vigil.grafana.rules import EXPRESSION_UID
from vigil.grafana.settings import cloudwatch_uid, contact_point_name
from vigil.naming import GRAFANA_SITE_LABEL

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
ROOT = Path(__file__).resolve().parents[2]


def test_one_critical_rule_per_queue_max_over_15_minutes_above_zero(inventory):
    site = inventory.site("acme-shop")
    queues = delivery_queues(site, {site.aws_region, "us-east-1"})
    assert [(q.region, q.severity) for q in queues] == [
        (site.aws_region, "critical"), (site.aws_region, "warning"),
        ("us-east-1", "critical"), ("us-east-1", "warning"),
    ]
    group = delivery_group(
        site, queues, lambda q: cloudwatch_uid(site.aws_account_id, q.region), "https://g/d/x"
    )
    assert group.name == group_name(site) == "acme-shop pagerduty delivery"
    assert group.interval_seconds == EVALUATION_INTERVAL_SECONDS == 60
    assert len(group.rules) == 2 * len(queues)  # per topic: its queue's depth, failed moves
    assert len({r.uid for r in group.rules}) == 2 * len(queues)
    for rule, queue in zip(group.rules[0::2], queues, strict=True):
        assert len(rule.uid) <= 40
        assert rule.labels[GRAFANA_SITE_LABEL] == site.id
        assert rule.labels["severity"] == "critical"  # a lost warning means lost pages too
        # an idle queue stops reporting: no data is no message; a broken query is reported
        assert (rule.no_data_state, rule.exec_err_state, rule.for_) == ("OK", "Error", "0s")
        assert rule.annotations["runbook_url"] == site.runbook_url
        assert queue.name in rule.annotations["description"]
        query, reduce, threshold = rule.data
        assert query.datasource_uid == cloudwatch_uid(site.aws_account_id, queue.region)
        model = query.model
        assert (model["namespace"], model["metricName"], model["region"]) == (
            NAMESPACE, METRIC, queue.region)
        assert model["dimensions"] == {"QueueName": dlq_name(site, queue.severity)}
        assert (model["statistic"], model["period"], model["matchExact"]) == ("Maximum", "60", True)
        assert (query.from_seconds, query.to_seconds) == (WINDOW_SECONDS, 0) == (900, 0)
        assert (reduce.datasource_uid, threshold.datasource_uid) == (EXPRESSION_UID,) * 2
        r = em.TypeReduce.from_json(reduce.model)
        assert (r.expression, r.reducer) == ("A", "max")
        assert threshold.model["expression"] == "B" and rule.condition == "C"
        assert threshold.model["conditions"][0]["evaluator"] == {"type": "gt", "params": [0]}


@pytest.fixture(scope="module")
def recording():
    return run_program(program.main, stack_config(ROOT / "inventory"))


def test_a_critical_rule_per_topic_on_notifications_it_could_not_keep(inventory):
    """SNS could move a failed page to neither PagerDuty nor the queue (a queue policy that no
    longer lets SNS write): the page is gone and not kept. Same path, same severity."""
    site = inventory.site("acme-shop")
    queues = delivery_queues(site, {site.aws_region, "us-east-1"})
    group = delivery_group(site, queues, lambda q: cloudwatch_uid(site.aws_account_id, q.region))
    for rule, queue in zip(group.rules[1::2], queues, strict=True):
        assert len(rule.uid) <= 40
        assert rule.labels[GRAFANA_SITE_LABEL] == site.id and rule.labels["severity"] == "critical"
        assert rule.labels["vigil_rule"] == "pagerduty-redrive"
        assert (rule.no_data_state, rule.exec_err_state, rule.for_) == ("OK", "Error", "0s")
        query, reduce, threshold = rule.data
        model = query.model
        assert (model["namespace"], model["metricName"], model["region"]) == (
            REDRIVE_NAMESPACE, REDRIVE_METRIC, queue.region) == (
            "AWS/SNS", "NumberOfNotificationsFailedToRedriveToDlq", queue.region)
        assert model["dimensions"] == {"TopicName": queue.topic}
        assert (model["statistic"], model["matchExact"]) == ("Sum", True)
        assert (query.from_seconds, query.to_seconds) == (WINDOW_SECONDS, 0)
        assert em.TypeReduce.from_json(reduce.model).reducer == "max"
        assert threshold.model["conditions"][0]["evaluator"] == {"type": "gt", "params": [0]}
        assert queue.topic in rule.annotations["summary"] and queue.name in rule.annotations[
            "description"]


def test_every_dead_letter_queue_of_the_program_has_its_routed_rule(recording):
    queues = recording.of_type(rt.SQS_QUEUE)
    subscriptions = recording.of_type(rt.SNS_SUBSCRIPTION)
    assert queues and len(queues) == len(subscriptions)
    by_urn = {r.urn: r for r in recording.resources}

    def region(res) -> str:
        return by_urn[res.provider].inputs["region"]

    datasources = {r.inputs["uid"] for r in recording.of_type(rt.GRAFANA_DATASOURCE)}
    (tree,) = recording.of_type("grafana:alerting/notificationPolicy:NotificationPolicy")
    routed = {p["matchers"][0]["value"]: p["contactPoint"] for p in tree.inputs["policies"]}
    watched: dict[tuple[str, str], dict] = {}
    redrives: dict[tuple[str, str], dict] = {}
    for group in recording.of_type(rt.GRAFANA_RULE_GROUP):
        if not group.name.endswith("-pagerduty-delivery"):
            continue
        assert group.inputs["intervalSeconds"] == 60
        for rule in group.inputs["rules"]:
            model = json.loads(rule["datas"][0]["model"])
            dims = model["dimensions"]
            found = watched if "QueueName" in dims else redrives
            found[(dims.get("QueueName") or dims["TopicName"], model["region"])] = rule
            assert rule["datas"][0]["datasourceUid"] in datasources
    topics = {(t.inputs["name"], region(t)) for t in recording.of_type(rt.SNS_TOPIC)}
    assert topics and set(redrives) == topics  # every topic: its failed moves are watched
    for queue in queues:
        rule = watched[(queue.inputs["name"], region(queue))]
        site = queue.inputs["tags"]["vigil:site"]
        assert rule["labels"] == {**rule["labels"], "site": site, "severity": "critical"}
        assert routed[site] == f"{site}-pagerduty" == contact_point_name(site)
    assert len(watched) == len(queues)


def test_contact_point_uses_the_grafana_key_not_the_subscriptions(recording):
    """The page on a lost page does not travel the failing path: the contact point's key is the
    site's Grafana integration, the subscriptions' endpoint carries the CloudWatch one."""
    for cp in recording.of_type("grafana:alerting/contactPoint:ContactPoint"):
        site = cp.name.removesuffix("-pagerduty")
        [pd] = cp.values["pagerduties"]
        assert pd["integrationKey"] == f"{site}-grafana-key"
        endpoints = {s.values["endpoint"] for s in recording.of_type(rt.SNS_SUBSCRIPTION)
                     if s.name.startswith(f"{site}-alerts-")}
        assert endpoints and all(pd["integrationKey"] not in e for e in endpoints)
