"""The arguments vigil's components pass to pulumi-aws, built once and pure.

The components call these builders (``aws.cloudwatch.MetricAlarm(name, **alarm_args(...))``),
and ``vigil validate`` calls the same ones (through :func:`wire`, the camelCase names the
engine records) to check the inventory's values against the AWS rules before any plan runs:
one source for what is sent, so the checks cannot drift from the program.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from vigil import naming
from vigil.catalog import url as url_catalog
from vigil.catalog.alarms import AlarmSpec, health_check_name
from vigil.models import SEVERITIES, Site, UrlCheck

_UPPER = re.compile(r"_([a-z0-9])")


def camel(name: str) -> str:
    """``treat_missing_data`` → ``treatMissingData`` (the engine's wire name for pulumi-aws)."""
    return _UPPER.sub(lambda m: m.group(1).upper(), name)


_TYPED_LISTS = ("metric_queries",)
"""Arguments whose items are pulumi-aws input types (``MetricAlarmMetricQueryArgs``): the SDK
renames their keys too (``metric.metric_name`` → ``metric.metricName``); maps such as ``tags``
and ``dimensions`` keep their keys."""


def _wire_type(value: Mapping[str, Any]) -> dict[str, Any]:
    return {
        camel(k): (dict(v) if k == "dimensions" else _wire_type(v) if isinstance(v, Mapping)
                   else v)
        for k, v in value.items()
        if v is not None
    }


def wire(args: Mapping[str, Any]) -> dict[str, Any]:
    """Python keyword arguments → the input names the engine records (top level, and the items
    of input-type lists such as ``metric_queries``); ``None`` values are not sent."""
    return {
        camel(k): [_wire_type(item) for item in v] if k in _TYPED_LISTS else v
        for k, v in args.items()
        if v is not None
    }


def metric_queries(spec: AlarmSpec, dimensions: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``MetricAlarmMetricQueryArgs`` of a metric-math spec (pulumi-aws cloudwatch
    MetricAlarm ``metric_queries``): metric rows in the signal's namespace with the resource's
    dimensions and the alarm's period; expression rows as written in the catalog."""
    rows: list[dict[str, Any]] = []
    for q in spec.metric_queries:
        row: dict[str, Any] = {"id": q.id, "label": q.label or None, "return_data": q.return_data}
        if q.is_expression:
            row["expression"] = q.expression
        else:
            row["metric"] = {
                "metric_name": q.metric,
                "namespace": spec.namespace,
                "period": spec.period,
                "stat": q.statistic,
                "dimensions": dict(dimensions),
            }
        rows.append(row)
    return rows


def alarm_args(
    spec: AlarmSpec,
    dimensions: Mapping[str, Any],
    topic: Any,
    insufficient_data_actions: list[Any] | None = None,
) -> dict[str, Any]:
    """``aws.cloudwatch.MetricAlarm`` arguments for one spec: ALARM and OK to ``topic``
    (the site's topic for the spec's severity in the alarm's region). A metric-math spec sends
    ``metric_queries`` and none of the metric fields (PutMetricAlarm.Metrics excludes them)."""
    if spec.is_math:
        metric: dict[str, Any] = {"metric_queries": metric_queries(spec, dimensions)}
    else:
        metric = {
            "namespace": spec.namespace,
            "metric_name": spec.metric,
            "dimensions": dict(dimensions),
            "statistic": spec.statistic,
            "extended_statistic": spec.extended_statistic,
            "evaluate_low_sample_count_percentiles": spec.evaluate_low_sample_count_percentiles,
            "period": spec.period,
        }
    return {
        "name": spec.name,
        "alarm_description": spec.description,
        **metric,
        "evaluation_periods": spec.evaluation_periods,
        "datapoints_to_alarm": spec.datapoints_to_alarm,
        "comparison_operator": spec.comparison,
        "threshold": spec.threshold,
        "treat_missing_data": spec.treat_missing_data,
        "alarm_actions": [topic, *spec.extra_alarm_actions],
        "ok_actions": [topic],
        "insufficient_data_actions": insufficient_data_actions or None,
        "tags": dict(spec.tags),
    }


def health_check_own_tags(site: Site, check: UrlCheck) -> dict[str, str]:
    """vigil's own tags of a URL's health check: the standard ones, ``Name`` (what the Route 53
    console shows) and the URL."""
    return {**naming.vigil_tags(site), "Name": health_check_name(site, check.name),
            "vigil:url": check.url}


def health_check_tags(site: Site, check: UrlCheck) -> dict[str, str]:
    """The site's tags overlaid by vigil's own (which always win)."""
    return {**dict(site.tags), **health_check_own_tags(site, check)}


def health_check_args(site: Site, check: UrlCheck) -> dict[str, Any]:
    """``aws.route53.HealthCheck`` arguments for one URL, tags included (all of them: Route 53's
    10-tag limit is checked, at the inventory's ``tags``, by ``vigil validate``)."""
    return {**url_catalog.health_check_args(check), "tags": health_check_tags(site, check)}


def topic_name(site: Site, severity: str) -> str:
    return naming.resource_name(site, "alerts", "", severity)


def topic_arn(site: Site, severity: str, region: str) -> str:
    """The ARN AWS gives the topic (``arn:aws:sns:<region>:<account>:<name>``; botocore sns
    model, CreateTopic output ``TopicArn``), known before it exists."""
    name = topic_name(site, severity)
    return f"arn:{partition(region)}:sns:{region}:{site.aws_account_id}:{name}"


def topic_arn_prefix(site: Site, region: str) -> str:
    """What the ARNs of the site's topics in ``region`` start with (``…:<site>-alerts-``): no
    other site's topic starts so, since a topic is named ``<site>-alerts-<severity>``."""
    name = naming.resource_name(site, "alerts")
    return f"arn:{partition(region)}:sns:{region}:{site.aws_account_id}:{name}-"


@cache
def partition(region: str) -> str:
    """The ARN partition of ``region`` (botocore's partitions; ``aws`` when unknown)."""
    from vigil.inventory.checks.identifiers import partition_of

    return partition_of(region) or "aws"


def topic_args(site: Site, severity: str) -> dict[str, Any]:
    """``aws.sns.Topic`` arguments of the site's topic for ``severity`` (any region)."""
    return {
        "name": topic_name(site, severity),
        "display_name": f"vigil {site.id} {severity}",
        "tags": {**naming.standard_tags(site), naming.TAG_SEVERITY: severity},
    }


# --------------------------------------------------------------------------- SNS dead-letter queues

DLQ_RETENTION_SECONDS = 1_209_600
"""14 days, the most SQS keeps a message (botocore sqs model, CreateQueue.Attributes
documentation: ``MessageRetentionPeriod`` … 60 seconds (1 minute) to 1,209,600 seconds (14
days); ``vigil.aws.rules.SQS_ATTRIBUTE_RANGES``): a page SNS could not deliver stays readable,
and redrivable, for the longest time AWS allows."""


def dlq_name(site: Site, severity: str) -> str:
    """``{site}-dlq-{severity}``: at most 63 + 13 = 76 characters, inside SQS's 80 (a site id
    is a 63-character slug); the same name in every region of the site's topics (queue names
    are unique per account and region, botocore sqs model, CreateQueue.QueueName)."""
    return naming.resource_name(site, "dlq", "", severity)


def dlq_arn(site: Site, severity: str, region: str) -> str:
    """``arn:aws:sqs:<region>:<account>:<name>`` (botocore sqs model, GetQueueAttributes
    ``QueueArn``), known before the queue exists."""
    return f"arn:{partition(region)}:sqs:{region}:{site.aws_account_id}:{dlq_name(site, severity)}"


def dlq_args(site: Site, severity: str) -> dict[str, Any]:
    """``aws.sqs.Queue`` arguments of the dead-letter queue behind the site's PagerDuty
    subscription for ``severity``: encrypted with SQS-owned keys (SSE-SQS, no KMS key involved,
    the default of new queues since 2022: AWS Compute Blog, 'Announcing server-side encryption
    with Amazon SQS-managed encryption keys (SSE-SQS) by default'). The SNS guide's note that an
    encrypted dead-letter queue needs a customer KMS key whose policy lets SNS use it ('Amazon
    SNS dead-letter queues', https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html)
    is about SSE-KMS, which vigil does not use; ``alias/aws/sqs`` would break it the way
    ``alias/aws/sns`` breaks CloudWatch. 14 days' retention."""
    return {
        "name": dlq_name(site, severity),
        "sqs_managed_sse_enabled": True,
        "message_retention_seconds": DLQ_RETENTION_SECONDS,
        "tags": {**naming.standard_tags(site), naming.TAG_SEVERITY: severity},
    }


def dlq_policy(queue_arn: str, topic_arn: str) -> str:
    """The queue policy SNS needs to move a message it could not deliver into the queue: the
    ``sns.amazonaws.com`` principal may ``sqs:SendMessage`` to this queue only on behalf of this
    topic (``aws:SourceArn``). Source: Amazon SNS Developer Guide, 'Configuring an Amazon SNS
    dead-letter queue for a subscription' (the queue policy of its example),
    https://docs.aws.amazon.com/sns/latest/dg/sns-configure-dead-letter-queue.html."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AllowSnsDeadLetters",
                    "Effect": "Allow",
                    "Principal": {"Service": "sns.amazonaws.com"},
                    "Action": "sqs:SendMessage",
                    "Resource": queue_arn,
                    "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
                }
            ],
        },
        sort_keys=True,
    )


def redrive_policy(queue_arn: str) -> str:
    """The subscription's ``RedrivePolicy`` attribute: ``{"deadLetterTargetArn": <queue>}``
    (botocore sns model, Subscribe.Attributes documentation; the queue in the subscription's
    account and region: rule ``sns-redrive-same-account-region``)."""
    return json.dumps({"deadLetterTargetArn": queue_arn}, sort_keys=True)


@dataclass(frozen=True)
class DeliveryQueue:
    """The dead-letter queue of one PagerDuty subscription: its topic's severity and region."""

    site_id: str
    severity: str
    region: str
    name: str  # the queue's name (``dlq_name``), the ``QueueName`` dimension of its metrics
    topic: str  # the topic's name (``topic_name``)


def topic_regions(site: Site, regions: Iterable[str]) -> list[str]:
    """Regions of the site's topics: its own first, then the others its alarms live in."""
    return [site.aws_region, *sorted(set(regions) - {site.aws_region})]


def delivery_queues(site: Site, regions: Iterable[str]) -> tuple[DeliveryQueue, ...]:
    """One dead-letter queue per topic (region × severity) of the site, in creation order."""
    return tuple(
        DeliveryQueue(site.id, severity, region, dlq_name(site, severity),
                      topic_name(site, severity))
        for region in topic_regions(site, regions)
        for severity in SEVERITIES
    )
