"""pagerduty-delivery-watched: every PagerDuty subscription dead-letters; the queue is watched."""

from __future__ import annotations

import json

from policy_fixtures import ACCOUNT, build_stack

from policies import graph as g

NAME = "pagerduty-delivery-watched"
SUB = "acme-shop-alerts-critical-pagerduty"
QUEUE = "acme-shop-dlq-critical"


def test_clean_stack_passes(stack, run):
    assert run(NAME, stack.resources()) == []


def test_subscription_without_redrive_fails(stack, run):
    del stack.inputs(SUB)["redrivePolicy"]
    [v] = run(NAME, stack.resources())
    assert v.level == "mandatory" and SUB in v.message and "no redrivePolicy" in v.message


def test_redrive_to_a_queue_not_in_the_stack_fails(stack, run):
    other = f"arn:aws:sqs:eu-west-1:{ACCOUNT}:someone-elses-queue"
    stack.inputs(SUB)["redrivePolicy"] = json.dumps({"deadLetterTargetArn": other})
    [v] = run(NAME, stack.resources())
    assert "no SQS queue of this stack" in v.message


def test_queue_without_policy_fails(stack, run):
    stack.remove(f"{QUEUE}-policy")
    [v] = run(NAME, stack.resources())
    assert QUEUE in v.message and "sqs:SendMessage" in v.message


def test_queue_policy_for_another_topic_fails(stack, run):
    inputs = stack.inputs(f"{QUEUE}-policy")
    doc = json.loads(inputs["policy"])
    doc["Statement"][0]["Condition"]["ArnEquals"]["aws:SourceArn"] = "arn:aws:sns:eu-west-1:1:x"
    inputs["policy"] = json.dumps(doc)
    [v] = run(NAME, stack.resources())
    assert QUEUE in v.message


def test_queue_without_watcher_fails(stack, run):
    group = stack.inputs("acme-shop-pagerduty-delivery")
    group["rules"] = [r for r in group["rules"]
                      if json.loads(r["datas"][0]["model"])["dimensions"]["QueueName"] != QUEUE
                      or json.loads(r["datas"][0]["model"])["region"] != "eu-west-1"]
    [v] = run(NAME, stack.resources())
    assert "no critical Grafana rule" in v.message and QUEUE in v.message
    assert "eu-west-1" in v.message


def test_a_warning_rule_is_no_watcher(stack, run):
    for rule in stack.inputs("acme-shop-pagerduty-delivery")["rules"]:
        rule["labels"]["severity"] = "warning"
    assert len(run(NAME, stack.resources())) == 4  # every queue of the site


def test_without_grafana_the_queue_alone_is_required(run):
    stack = build_stack(grafana=False)
    assert run(NAME, stack.resources()) == []
    del stack.inputs(SUB)["redrivePolicy"]
    assert len(run(NAME, stack.resources())) == 1


def test_watcher_requirement_can_be_turned_off(stack, run):
    stack.remove("acme-shop-pagerduty-delivery")
    assert len(run(NAME, stack.resources())) == 4
    assert run(NAME, stack.resources(), {NAME: {"requireGrafanaWatcher": False}}) == []


def test_unknown_redrive_is_advisory(stack, run):
    stack.inputs(SUB)["redrivePolicy"] = g.UNKNOWN
    [v] = run(NAME, stack.resources())
    assert v.level == "advisory" and "cannot verify until apply" in v.message


def test_unknown_redrive_with_queue_dependency_is_decided(stack, run):
    queue_urn = stack.get(QUEUE, g.SQS_QUEUE)["urn"]
    stack.get(SUB)["propertyDependencies"] = {"redrivePolicy": [queue_urn]}
    stack.inputs(SUB)["redrivePolicy"] = g.UNKNOWN
    assert run(NAME, stack.resources()) == []


def test_queue_policy_is_matched_by_name_and_region_of_its_url(stack, run):
    inputs = stack.inputs(f"{QUEUE}-policy")
    # a legacy endpoint carries no region: the name still links it
    inputs["queueUrl"] = f"https://queue.amazonaws.com/{ACCOUNT}/{QUEUE}"
    assert run(NAME, stack.resources()) == []
    # the same queue name in another region is another queue
    inputs["queueUrl"] = f"https://sqs.us-west-2.amazonaws.com/{ACCOUNT}/{QUEUE}"
    [v] = run(NAME, stack.resources())
    assert QUEUE in v.message and "no queue policy" in v.message
