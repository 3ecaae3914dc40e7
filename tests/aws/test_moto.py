"""The same aws:* resources, created through boto3 in moto's server mode (a local AWS API).

Proves the mapping from Pulumi inputs to API parameters (``vigil.aws.calls``): boto3 validates
every parameter against the service model client-side, moto implements the operations, and
reading each resource back returns what vigil meant to create. Each site account is reached the
way vigil's providers reach it, by assuming a role in it (moto keeps accounts apart by the
assumed role's credentials).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import boto3
import pytest

from tests.aws.conftest import AwsResource, aws_resources
from vigil.aws import Context, FromResponse, api_calls, substitute
from vigil.resource_types import (
    HEALTH_CHECK,
    METRIC_ALARM,
    SNS_SUBSCRIPTION,
    SNS_TOPIC,
    SQS_QUEUE,
    SQS_QUEUE_POLICY,
)


class Moto:
    """boto3 clients per (account, region, service) against one moto server."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._creds: dict[str, dict[str, str]] = {}
        self._clients: dict[tuple[str, str, str], Any] = {}

    def _credentials(self, account: str) -> dict[str, str]:
        if account not in self._creds:
            sts = boto3.client("sts", endpoint_url=self.url, region_name="us-east-1",
                               aws_access_key_id="testing", aws_secret_access_key="testing")
            c = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/vigil",
                                RoleSessionName="vigil")["Credentials"]
            self._creds[account] = {
                "aws_access_key_id": c["AccessKeyId"],
                "aws_secret_access_key": c["SecretAccessKey"],
                "aws_session_token": c["SessionToken"],
            }
        return self._creds[account]

    def client(self, service: str, account: str, region: str) -> Any:
        key = (service, account, region)
        if key not in self._clients:
            self._clients[key] = boto3.client(
                service, endpoint_url=self.url, region_name=region, **self._credentials(account)
            )
        return self._clients[key]


def _create(moto: Moto, res: AwsResource) -> list[dict[str, Any]]:
    responses: list[dict[str, Any]] = []

    def answer(ref: FromResponse) -> Any:
        value: Any = responses[ref.call]
        for key in ref.path:
            value = value[key]
        return value

    for call in api_calls(res.type, res.inputs, res.ctx):
        client = moto.client(call.service, res.ctx.account, res.ctx.region)
        params = substitute(call.params, answer)
        method = getattr(client, _snake(call.operation))
        responses.append(method(**params))
    return responses


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def _read_back(moto: Moto, res: AwsResource, responses: list[dict[str, Any]]) -> None:
    i, ctx = res.inputs, res.ctx
    if res.type == METRIC_ALARM:
        cw = moto.client("cloudwatch", ctx.account, ctx.region)
        [alarm] = cw.describe_alarms(AlarmNames=[i["name"]])["MetricAlarms"]
        assert alarm["AlarmArn"].split(":")[3:5] == [ctx.region, ctx.account]
        if i.get("metricQueries"):
            _read_back_metrics(alarm, i, res.name)
        else:
            got = {d["Name"]: d["Value"] for d in alarm["Dimensions"]}
            assert got == i["dimensions"], res.name
            for key, wire in (("Period", "period"), ("MetricName", "metricName"),
                              ("Namespace", "namespace")):
                assert alarm[key] == i[wire], (res.name, key)
        for key, wire in (("EvaluationPeriods", "evaluationPeriods"),
                          ("DatapointsToAlarm", "datapointsToAlarm"),
                          ("ComparisonOperator", "comparisonOperator"),
                          ("TreatMissingData", "treatMissingData")):
            assert alarm[key] == i[wire], (res.name, key)
        assert alarm["Threshold"] == pytest.approx(i["threshold"])
        assert alarm.get("Statistic") == i.get("statistic")
        assert alarm.get("ExtendedStatistic") == i.get("extendedStatistic")
        assert sorted(alarm["AlarmActions"]) == sorted(i["alarmActions"])
        assert alarm["AlarmDescription"] == i["alarmDescription"]
    elif res.type == HEALTH_CHECK:
        r53 = moto.client("route53", ctx.account, ctx.region)
        hc_id = responses[0]["HealthCheck"]["Id"]
        config = r53.get_health_check(HealthCheckId=hc_id)["HealthCheck"]["HealthCheckConfig"]
        assert config["FullyQualifiedDomainName"] == i["fqdn"]
        assert config["Type"] == i["type"] == "TCP"
        assert config["Port"] == i["port"]
        assert "ResourcePath" not in config and "SearchString" not in config
        tags = r53.list_tags_for_resource(ResourceType="healthcheck", ResourceId=hc_id)
        got = {t["Key"]: t["Value"] for t in tags["ResourceTagSet"]["Tags"]}
        assert got == i["tags"]
    elif res.type == SNS_TOPIC:
        sns = moto.client("sns", ctx.account, ctx.region)
        arn = responses[0]["TopicArn"]
        assert arn == f"arn:aws:sns:{ctx.region}:{ctx.account}:{i['name']}"
        attrs = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
        assert attrs["DisplayName"] == i["displayName"]
        tags = {t["Key"]: t["Value"] for t in sns.list_tags_for_resource(ResourceArn=arn)["Tags"]}
        assert tags == i["tags"]
    elif res.type == SNS_SUBSCRIPTION:
        sns = moto.client("sns", ctx.account, ctx.region)
        subs = sns.list_subscriptions_by_topic(TopicArn=i["topic"])["Subscriptions"]
        assert any(s["Endpoint"] == i["endpoint"] and s["Protocol"] == i["protocol"]
                   for s in subs), res.name
        attrs = sns.get_subscription_attributes(
            SubscriptionArn=responses[0]["SubscriptionArn"])["Attributes"]
        assert json.loads(attrs["RedrivePolicy"]) == json.loads(i["redrivePolicy"]), res.name
        dlq = json.loads(i["redrivePolicy"])["deadLetterTargetArn"]
        assert dlq.split(":")[3:5] == [ctx.region, ctx.account]  # SNS: same account and region
    elif res.type == SQS_QUEUE:
        sqs = moto.client("sqs", ctx.account, ctx.region)
        url = responses[0]["QueueUrl"]
        attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        assert attrs["QueueArn"] == f"arn:aws:sqs:{ctx.region}:{ctx.account}:{i['name']}"
        assert attrs["MessageRetentionPeriod"] == str(i["messageRetentionSeconds"]) == "1209600"
        assert attrs["SqsManagedSseEnabled"] == "true"
        assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == i["tags"]
    elif res.type == SQS_QUEUE_POLICY:
        sqs = moto.client("sqs", ctx.account, ctx.region)
        attrs = sqs.get_queue_attributes(QueueUrl=i["queueUrl"],
                                         AttributeNames=["Policy", "QueueArn"])["Attributes"]
        [statement] = json.loads(attrs["Policy"])["Statement"]
        assert statement["Principal"] == {"Service": "sns.amazonaws.com"}
        assert statement["Action"] == "sqs:SendMessage"
        assert statement["Resource"] == attrs["QueueArn"]
        topic = statement["Condition"]["ArnEquals"]["aws:SourceArn"]
        assert topic.split(":")[3:5] == [ctx.region, ctx.account]


def _read_back_metrics(alarm: dict[str, Any], i: dict[str, Any], name: str) -> None:
    """A metric-math alarm keeps its queries (ids, expression, MetricStat with namespace,
    dimensions, period, stat; one ReturnData) and no top-level metric fields."""
    for key in ("MetricName", "Namespace", "Period", "Statistic", "ExtendedStatistic"):
        assert alarm.get(key) in (None, ""), (name, key)
    assert not alarm.get("Dimensions"), name
    got = alarm["Metrics"]
    assert [m["Id"] for m in got] == [q["id"] for q in i["metricQueries"]], name
    for m, q in zip(got, i["metricQueries"], strict=True):
        assert m.get("ReturnData", True) == q["returnData"], (name, q["id"])
        if q.get("expression"):
            assert m["Expression"] == q["expression"] and "MetricStat" not in m, (name, q["id"])
            continue
        stat, want = m["MetricStat"], q["metric"]
        assert stat["Metric"]["MetricName"] == want["metricName"], (name, q["id"])
        assert stat["Metric"]["Namespace"] == want["namespace"], (name, q["id"])
        dims = {d["Name"]: d["Value"] for d in stat["Metric"]["Dimensions"]}
        assert dims == want["dimensions"], (name, q["id"])
        assert (stat["Period"], stat["Stat"]) == (want["period"], want["stat"]), (name, q["id"])
    assert sum(m.get("ReturnData", True) for m in got) == 1, name


def _replay(moto: Moto, plan) -> Counter[str]:
    created: Counter[str] = Counter()
    for res in aws_resources(plan.recording):  # registration order: topics before their policies
        _read_back(moto, res, _create(moto, res))
        created[res.type] += 1
    return created


def test_example_resources_are_created_in_moto(moto_url, example_plan):
    created = _replay(Moto(moto_url), example_plan)
    assert created[METRIC_ALARM] >= 100 and created[HEALTH_CHECK] and created[SNS_SUBSCRIPTION]
    # every PagerDuty subscription has its dead-letter queue and the policy letting SNS use it
    assert created[SQS_QUEUE] == created[SQS_QUEUE_POLICY] == created[SNS_SUBSCRIPTION]


def test_fleet_resources_are_created_in_moto(moto_url, fleet_plan):
    created = _replay(Moto(moto_url), fleet_plan)
    assert sum(created.values()) == len(aws_resources(fleet_plan.recording))
    assert created[SNS_TOPIC] >= 200


def test_the_replay_can_fail(moto_url):
    """Not a rubber stamp: a mis-mapped parameter fails in boto3's model validation, and a
    subscription whose topic was never created fails in moto."""
    from botocore.exceptions import ClientError, ParamValidationError

    moto = Moto(moto_url)
    r53 = moto.client("route53", "111111111111", "us-east-1")
    with pytest.raises(ParamValidationError):
        r53.create_health_check(CallerReference="x", HealthCheckConfig={"Type": "HTTPS",
                                                                        "Fqdn": "shop.example"})
    orphan = AwsResource(SNS_SUBSCRIPTION, "orphan", {
        "topic": "arn:aws:sns:eu-west-1:111111111111:never-created", "protocol": "https",
        "endpoint": "https://events.pagerduty.com/integration/k/enqueue",
    }, Context("eu-west-1", "111111111111"))
    with pytest.raises(ClientError, match="NotFound"):
        _create(moto, orphan)
    # a queue policy for a dead-letter queue that was never created
    policy = AwsResource(SQS_QUEUE_POLICY, "orphan-dlq", {
        "queueUrl": "https://sqs.eu-west-1.amazonaws.com/111111111111/never-created-dlq",
        "policy": '{"Version": "2012-10-17", "Statement": []}',
    }, Context("eu-west-1", "111111111111"))
    with pytest.raises(ClientError, match=r"NonExistentQueue|QueueDoesNotExist"):
        _create(moto, policy)


def test_the_dashboard_annotation_selects_its_sites_alarms_by_their_topics(moto_url):
    """``acme-`` prefixes the alarms of site ``acme-shop`` too; the annotation query's action
    prefix (the site's topics, ``topic_arn_prefix``) tells them apart in DescribeAlarms."""
    from dataclasses import replace

    from tests.conftest import EXAMPLE
    from vigil.aws.inputs import topic_arn, topic_arn_prefix
    from vigil.grafana.dashboard import alarm_annotation_target
    from vigil.inventory import load_inventory

    # an account no other test of this moto server writes to: only these two alarms in it
    shop = replace(load_inventory(EXAMPLE).site("acme-shop"), aws_account_id="999999999999")
    acme = replace(shop, id="acme")
    region, account = shop.aws_region, shop.aws_account_id
    cw = Moto(moto_url).client("cloudwatch", account, region)
    for site in (acme, shop):
        cw.put_metric_alarm(
            AlarmName=f"{site.id}-ec2-i-1-cpu-utilization-critical", Namespace="AWS/EC2",
            MetricName="CPUUtilization", Statistic="Average", Period=60, EvaluationPeriods=1,
            Threshold=90, ComparisonOperator="GreaterThanThreshold",
            AlarmActions=[topic_arn(site, "critical", region)],
        )
    target = alarm_annotation_target(acme, region).to_json()
    by_name = cw.describe_alarms(AlarmNamePrefix=target["alarmNamePrefix"])["MetricAlarms"]
    assert sorted(a["AlarmName"] for a in by_name) == [  # the name prefix takes acme-shop's too
        "acme-ec2-i-1-cpu-utilization-critical", "acme-shop-ec2-i-1-cpu-utilization-critical",
    ]
    assert target["actionPrefix"] == topic_arn_prefix(acme, region)
    by_topic = cw.describe_alarms(ActionPrefix=target["actionPrefix"])["MetricAlarms"]
    assert [a["AlarmName"] for a in by_topic] == ["acme-ec2-i-1-cpu-utilization-critical"]
