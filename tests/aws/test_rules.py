"""Documented rules the models do not carry: one failing and one passing case each."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vigil.aws import Context, check_resource, rules
from vigil.resource_types import (
    HEALTH_CHECK,
    METRIC_ALARM,
    SNS_SUBSCRIPTION,
    SNS_TOPIC,
    SNS_TOPIC_POLICY,
    SQS_QUEUE,
)

EU = Context("eu-west-1", "111111111111")
TOPIC = "arn:aws:sns:eu-west-1:111111111111:s-alerts-critical"


def alarm(**extra):
    return {
        "name": "s-ec2-i-1-cpu-critical",
        "comparisonOperator": "GreaterThanThreshold",
        "evaluationPeriods": 5,
        "datapointsToAlarm": 3,
        "metricName": "CPUUtilization",
        "namespace": "AWS/EC2",
        "statistic": "Average",
        "period": 60,
        "threshold": 90,
        "treatMissingData": "missing",
        "dimensions": {"InstanceId": "i-1"},
        "alarmActions": [TOPIC],
        "okActions": [TOPIC],
        "tags": {"vigil:site": "s"},
        **extra,
    }


def rule_ids(type_token, inputs, ctx=EU):
    return sorted({b.rule for b in check_resource(type_token, inputs, ctx)})


def test_good_alarm_passes():
    assert rule_ids(METRIC_ALARM, alarm()) == []


@pytest.mark.parametrize(
    ("extra", "rule"),
    [
        ({"period": 90}, "cw-period-values"),
        ({"period": 10}, "cw-high-resolution-only-custom"),
        ({"period": 300, "evaluationPeriods": 300, "datapointsToAlarm": 3},
         "cw-evaluation-window"),
        ({"period": 3600, "evaluationPeriods": 200, "datapointsToAlarm": 3},
         "cw-evaluation-window"),
        ({"datapointsToAlarm": 6}, "cw-datapoints-within-evaluation"),
        ({"extendedStatistic": "p99"}, "cw-one-statistic"),
        ({"statistic": None, "extendedStatistic": "p999"}, "cw-one-statistic"),
        ({"treatMissingData": "zero"}, "cw-treat-missing-data"),
        ({"evaluateLowSampleCountPercentiles": "ignore"}, "cw-low-sample-percentile"),
        ({"alarmActions": ["arn:aws:sns:us-east-1:111111111111:t"]}, "cw-actions-in-alarm-region"),
        ({"tags": {f"k{i}": "v" for i in range(51)}}, "cw-alarm-tags"),
        ({"tags": {"aws:owner": "x"}}, "tags-aws-prefix-reserved"),
    ],
)
def test_alarm_rules(extra, rule):
    assert rule in rule_ids(METRIC_ALARM, alarm(**extra))


def test_hour_periods_may_span_seven_days():
    """PutMetricAlarm.Period: ≤ 86,400 s under one hour; periods ≥ 1 h may reach 604,800 s."""
    assert rule_ids(METRIC_ALARM, alarm(period=3600, evaluationPeriods=30)) == []
    assert rule_ids(METRIC_ALARM, alarm(period=3540, evaluationPeriods=30)) == [
        "cw-evaluation-window"
    ]


def test_custom_namespace_may_use_high_resolution():
    assert rule_ids(METRIC_ALARM, alarm(period=10, namespace="Shop/Checkout")) == []


def test_percentile_with_low_sample_is_fine():
    inputs = alarm(statistic=None, extendedStatistic="p99",
                   evaluateLowSampleCountPercentiles="ignore")
    assert rule_ids(METRIC_ALARM, inputs) == []


def health_check(**extra):
    return {
        "type": "HTTPS_STR_MATCH", "fqdn": "shop.example", "port": 443,
        "resourcePath": "/", "searchString": "OK", "requestInterval": 30,
        "failureThreshold": 3, "measureLatency": True, "enableSni": True,
        "tags": {"Name": "x"}, **extra,
    }


def test_health_check_rules():
    assert rule_ids(HEALTH_CHECK, health_check()) == []
    assert rule_ids(HEALTH_CHECK, health_check(searchString=None)) == ["r53-search-string"]
    assert rule_ids(HEALTH_CHECK, health_check(type="HTTPS")) == ["r53-search-string"]
    assert rule_ids(HEALTH_CHECK, health_check(fqdn=None, resourcePath="x")) == ["r53-endpoint"]
    long = health_check(resourcePath="/" + "a" * 255, searchString="b" * 256)
    assert rule_ids(HEALTH_CHECK, long) == ["route53.CreateHealthCheck"]
    many = health_check(tags={f"k{i}": "v" for i in range(11)})
    [breach] = check_resource(HEALTH_CHECK, many, EU)
    assert breach.rule == "route53.ChangeTagsForResource" and breach.where == "AddTags"


def test_sns_rules():
    assert rule_ids(SNS_TOPIC, {"name": "s-alerts-critical", "displayName": "x"}) == []
    assert rule_ids(SNS_TOPIC, {"name": "s alerts"}) == ["sns-topic-name"]
    assert rule_ids(SNS_TOPIC_POLICY, {"arn": TOPIC, "policy": "{"}) == ["sns-topic-policy-json"]
    sub = {"topic": TOPIC, "protocol": "https", "endpoint": "https://events.pagerduty.com/x"}
    assert rule_ids(SNS_SUBSCRIPTION, sub) == []
    assert rule_ids(SNS_SUBSCRIPTION, {**sub, "endpoint": "http://x"}) == ["sns-protocol-endpoint"]
    assert rule_ids(SNS_SUBSCRIPTION, {**sub, "protocol": "webhook"}) == ["sns-protocol-endpoint"]
    assert rule_ids(SNS_SUBSCRIPTION, sub, Context("us-east-1", "111111111111")) == [
        "sns-subscription-topic-region"
    ]
    dlq = "arn:aws:sqs:eu-west-1:111111111111:s-alerts-critical-dlq"
    good = {**sub, "redrivePolicy": json.dumps({"deadLetterTargetArn": dlq})}
    assert rule_ids(SNS_SUBSCRIPTION, good) == []
    other = {**sub, "redrivePolicy": json.dumps(
        {"deadLetterTargetArn": dlq.replace("eu-west-1", "eu-central-1")})}
    assert rule_ids(SNS_SUBSCRIPTION, other) == ["sns-redrive-same-account-region"]


def test_sqs_rules():
    assert rule_ids(SQS_QUEUE, {"name": "s-dlq", "messageRetentionSeconds": 1209600}) == []
    assert rule_ids(SQS_QUEUE, {"name": "s.dlq"}) == ["sqs-queue-name"]
    assert rule_ids(SQS_QUEUE, {"name": "q", "messageRetentionSeconds": 30}) == [
        "sqs-attribute-ranges"
    ]


def test_every_rule_is_cited_and_tested_here():
    assert all(r.citation and r.text for r in rules.RULES)
    source = Path(__file__).read_text()
    assert [r.id for r in rules.RULES if f'"{r.id}"' not in source] == []


def test_topic_and_queue_tag_counts():
    many = {f"k{i}": "v" for i in range(51)}
    assert rule_ids(SNS_TOPIC, {"name": "t", "tags": many}) == ["sns-topic-tags"]
    assert rule_ids(SQS_QUEUE, {"name": "q", "tags": many}) == ["sqs-queue-tags"]


def test_an_input_the_mapping_does_not_know_is_reported():
    [breach] = check_resource(METRIC_ALARM, alarm(newInputFromProvider=3), EU)
    assert breach.rule == "vigil-input-mapping" and breach.where == "newInputFromProvider"


def math_alarm(queries=None, **extra):
    """An ALB 5xx-rate alarm as vigil sends it: metric math, no top-level metric fields."""
    base = alarm(**extra)
    for key in ("metricName", "namespace", "statistic", "period", "dimensions"):
        if key not in extra:
            base.pop(key)
    dims = {"LoadBalancer": "app/shop/0123456789abcdef"}
    base["metricQueries"] = queries if queries is not None else [
        {"id": "errors", "returnData": False, "metric": {
            "metricName": "HTTPCode_ELB_5XX_Count", "namespace": "AWS/ApplicationELB",
            "period": 60, "stat": "Sum", "dimensions": dims}},
        {"id": "requests", "returnData": False, "metric": {
            "metricName": "RequestCount", "namespace": "AWS/ApplicationELB",
            "period": 60, "stat": "Sum", "dimensions": dims}},
        {"id": "rate", "returnData": True, "label": "ELB 5xx %",
         "expression": "IF(requests >= 50, 100 * FILL(errors, 0) / requests, 0)"},
    ]
    return base


def test_good_math_alarm_passes():
    assert rule_ids(METRIC_ALARM, math_alarm()) == []


def _queries(**change):
    queries = math_alarm()["metricQueries"]
    index = change.pop("index", 2)
    queries[index] = {**queries[index], **change}
    return queries


@pytest.mark.parametrize(
    ("inputs", "rule"),
    [
        (math_alarm(_queries(returnData=False)), "cw-metrics-one-return-data"),
        (math_alarm(_queries(index=0, returnData=True)), "cw-metrics-one-return-data"),
        (math_alarm(_queries(id="Rate")), "cw-metric-query-id"),
        (math_alarm(_queries(id="5xx")), "cw-metric-query-id"),
        (math_alarm(_queries(id="errors")), "cw-metric-query-id"),
        (math_alarm(_queries(metric={"metricName": "RequestCount", "namespace":
                                     "AWS/ApplicationELB", "period": 60, "stat": "Sum"})),
         "cw-metric-query-stat-xor-expression"),
        (math_alarm(_queries(index=0, metric=None)), "cw-metric-query-stat-xor-expression"),
        (math_alarm(statistic="Sum"), "cw-metrics-exclude-metric-fields"),
        (math_alarm(period=60), "cw-metrics-exclude-metric-fields"),
        (math_alarm(namespace="AWS/ApplicationELB"), "cw-metrics-exclude-metric-fields"),
        (math_alarm(dimensions={"LoadBalancer": "app/shop/0123456789abcdef"}),
         "cw-metrics-exclude-metric-fields"),
        (math_alarm(extendedStatistic="p99"), "cw-metrics-exclude-metric-fields"),
        (math_alarm(evaluationPeriods=1441), "cw-evaluation-window"),
    ],
)
def test_math_alarm_rules(inputs, rule):
    assert rule in rule_ids(METRIC_ALARM, inputs)


def test_math_evaluation_window_uses_the_metric_periods():
    """No top-level Period with Metrics: 300 s metrics × 300 periods is still over one day."""
    queries = math_alarm()["metricQueries"]
    for q in queries[:2]:
        q["metric"] = {**q["metric"], "period": 300}
    assert rule_ids(METRIC_ALARM, math_alarm(queries, evaluationPeriods=288)) == []
    assert rule_ids(METRIC_ALARM, math_alarm(queries, evaluationPeriods=289)) == [
        "cw-evaluation-window"
    ]
