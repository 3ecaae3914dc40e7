"""What the AWS provider sends for a Pulumi resource: its inputs as API operations and parameters.

pulumi-aws is bridged from terraform-provider-aws, so each mapping follows that provider's create
function (cited per type). Values the provider or AWS generate (a caller reference, the id an
earlier call returned) are :class:`FromResponse` / :data:`CALLER_REFERENCE`: the static check
substitutes a value of the shape AWS returns, the emulator test substitutes the real response.
Inputs are the wire (camelCase) names the program registers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from vigil import resource_types as rt

CALLER_REFERENCE = "terraform-20261202062000000000000001"
"""Shape of ``id.UniqueId()`` (terraform-plugin-sdk helper/id): 'terraform-' + 28 digits/hex."""


@dataclass(frozen=True)
class FromResponse:
    """A parameter the provider takes from the response of an earlier call for the same resource."""

    call: int  # index of that call in the resource's list
    path: tuple[str, ...]  # where in its response
    example: str  # what AWS returns there, for the static check


@dataclass(frozen=True)
class ApiCall:
    service: str  # botocore service name
    operation: str
    params: dict[str, Any]
    source: str  # provider function that builds it


@dataclass(frozen=True)
class Context:
    """Where the resource is created: its provider's region (``None`` when not known: the
    region rules are then skipped) and account."""

    region: str | None
    account: str = "123456789012"


Mapper = Callable[[Mapping[str, Any], Context], list[ApiCall]]

_TF = "terraform-provider-aws internal/service/"


def _tags(inputs: Mapping[str, Any]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in sorted((inputs.get("tags") or {}).items())]


def _put(params: dict[str, Any], key: str, value: Any) -> None:
    """Set ``key`` only when the provider would (``d.GetOk``: set and not the zero value)."""
    if value is None or value == "" or value == [] or value == {}:
        return
    params[key] = value


def _dimensions(value: Mapping[str, str] | None) -> list[dict[str, str]] | None:
    if not value:
        return None
    return [{"Name": k, "Value": v} for k, v in sorted(value.items())]


def _metric_queries(queries: list[Mapping[str, Any]] | None) -> list[dict[str, Any]] | None:
    """``metricQueries`` → ``Metrics`` (expandMetricAlarmMetrics)."""
    if not queries:
        return None
    out = []
    for q in queries:
        item: dict[str, Any] = {"Id": q.get("id")}
        for src, dst in (("accountId", "AccountId"), ("expression", "Expression"),
                         ("label", "Label")):
            _put(item, dst, q.get(src))
        if q.get("returnData") is not None:
            item["ReturnData"] = q["returnData"]
        if q.get("period"):
            item["Period"] = q["period"]
        metric = q.get("metric")
        if metric:
            stat: dict[str, Any] = {
                "Metric": {"MetricName": metric.get("metricName")},
                "Stat": metric.get("stat"),
                "Period": metric.get("period"),
            }
            _put(stat["Metric"], "Namespace", metric.get("namespace"))
            _put(stat["Metric"], "Dimensions", _dimensions(metric.get("dimensions")))
            _put(stat, "Unit", metric.get("unit"))
            item["MetricStat"] = stat
        out.append(item)
    return out


def metric_alarm(inputs: Mapping[str, Any], ctx: Context) -> list[ApiCall]:
    """One PutMetricAlarm (tags included)."""
    params: dict[str, Any] = {
        "AlarmName": inputs.get("name"),
        "ComparisonOperator": inputs.get("comparisonOperator"),
        "EvaluationPeriods": inputs.get("evaluationPeriods"),
        "TreatMissingData": inputs.get("treatMissingData") or "missing",
        "ActionsEnabled": inputs.get("actionsEnabled", True),
    }
    for src, dst in (
        ("alarmActions", "AlarmActions"),
        ("alarmDescription", "AlarmDescription"),
        ("datapointsToAlarm", "DatapointsToAlarm"),
        ("evaluateLowSampleCountPercentiles", "EvaluateLowSampleCountPercentile"),
        ("extendedStatistic", "ExtendedStatistic"),
        ("insufficientDataActions", "InsufficientDataActions"),
        ("metricName", "MetricName"),
        ("namespace", "Namespace"),
        ("okActions", "OKActions"),
        ("period", "Period"),
        ("statistic", "Statistic"),
        ("unit", "Unit"),
    ):
        _put(params, dst, inputs.get(src))
    _put(params, "Dimensions", _dimensions(inputs.get("dimensions")))
    _put(params, "Metrics", _metric_queries(inputs.get("metricQueries")))
    if inputs.get("thresholdMetricId"):
        params["ThresholdMetricId"] = inputs["thresholdMetricId"]
    else:
        params["Threshold"] = float(inputs.get("threshold") or 0)
    _put(params, "Tags", _tags(inputs))
    return [ApiCall("cloudwatch", "PutMetricAlarm", params,
                    _TF + "cloudwatch/metric_alarm.go expandPutMetricAlarmInput")]


_HEALTH_CHECK_FIELDS = (
    ("disabled", "Disabled"),
    ("enableSni", "EnableSNI"),
    ("failureThreshold", "FailureThreshold"),
    ("fqdn", "FullyQualifiedDomainName"),
    ("invertHealthcheck", "Inverted"),
    ("ipAddress", "IPAddress"),
    ("port", "Port"),
    ("requestInterval", "RequestInterval"),
    ("resourcePath", "ResourcePath"),
    ("searchString", "SearchString"),
    ("regions", "Regions"),
)


def health_check(inputs: Mapping[str, Any], ctx: Context) -> list[ApiCall]:
    """CreateHealthCheck, then every tag in one ChangeTagsForResource (createTags)."""
    config: dict[str, Any] = {"Type": inputs.get("type")}
    for src, dst in _HEALTH_CHECK_FIELDS:
        _put(config, dst, inputs.get(src))
    kind = inputs.get("type")
    if kind == "CALCULATED":
        _put(config, "HealthThreshold", inputs.get("childHealthThreshold"))
        _put(config, "ChildHealthChecks", inputs.get("childHealthchecks"))
    elif kind == "CLOUDWATCH_METRIC":
        config["AlarmIdentifier"] = {
            "Name": inputs.get("cloudwatchAlarmName"),
            "Region": inputs.get("cloudwatchAlarmRegion"),
        }
        _put(config, "InsufficientDataHealthStatus", inputs.get("insufficientDataHealthStatus"))
    else:
        if kind == "RECOVERY_CONTROL":
            _put(config, "RoutingControlArn", inputs.get("routingControlArn"))
        _put(config, "MeasureLatency", inputs.get("measureLatency"))
    reference = inputs.get("referenceName")
    caller = f"{reference}-{CALLER_REFERENCE}" if reference else CALLER_REFERENCE
    calls = [ApiCall("route53", "CreateHealthCheck",
                     {"CallerReference": caller, "HealthCheckConfig": config},
                     _TF + "route53/health_check.go resourceHealthCheckCreate")]
    tags = _tags(inputs)
    if tags:
        hc_id = FromResponse(0, ("HealthCheck", "Id"), "0f3c6e1a-8b2d-4c5e-9f70-1a2b3c4d5e6f")
        calls.append(ApiCall(
            "route53", "ChangeTagsForResource",
            {"ResourceType": "healthcheck", "ResourceId": hc_id, "AddTags": tags},
            _TF + "route53/tags_gen.go updateTags (all tags in one call)",
        ))
    return calls


_TOPIC_ATTRIBUTES = (
    ("displayName", "DisplayName"),
    ("policy", "Policy"),
    ("deliveryPolicy", "DeliveryPolicy"),
    ("kmsMasterKeyId", "KmsMasterKeyId"),
    ("signatureVersion", "SignatureVersion"),
    ("tracingConfig", "TracingConfig"),
)


def _topic_arn(ctx: Context, name: str) -> str:
    return f"arn:aws:sns:{ctx.region or 'us-east-1'}:{ctx.account}:{name}"


def topic(inputs: Mapping[str, Any], ctx: Context) -> list[ApiCall]:
    """CreateTopic (name, tags, FifoTopic), then one SetTopicAttributes per attribute."""
    name = inputs.get("name")
    create: dict[str, Any] = {"Name": name}
    if inputs.get("fifoTopic"):
        create["Attributes"] = {"FifoTopic": "true"}
    _put(create, "Tags", _tags(inputs))
    source = _TF + "sns/topic.go resourceTopicCreate"
    calls = [ApiCall("sns", "CreateTopic", create, source)]
    arn = FromResponse(0, ("TopicArn",), _topic_arn(ctx, str(name)))
    for src, attribute in _TOPIC_ATTRIBUTES:
        value = inputs.get(src)
        if value not in (None, ""):
            calls.append(ApiCall("sns", "SetTopicAttributes",
                                 {"TopicArn": arn, "AttributeName": attribute,
                                  "AttributeValue": str(value)},
                                 source + " (putTopicAttributes)"))
    return calls


def topic_policy(inputs: Mapping[str, Any], ctx: Context) -> list[ApiCall]:
    return [ApiCall("sns", "SetTopicAttributes",
                    {"TopicArn": inputs.get("arn"), "AttributeName": "Policy",
                     "AttributeValue": inputs.get("policy")},
                    _TF + "sns/topic_policy.go resourceTopicPolicyUpsert")]


_SUBSCRIPTION_ATTRIBUTES = (
    ("deliveryPolicy", "DeliveryPolicy"),
    ("filterPolicy", "FilterPolicy"),
    ("filterPolicyScope", "FilterPolicyScope"),
    ("rawMessageDelivery", "RawMessageDelivery"),
    ("redrivePolicy", "RedrivePolicy"),
    ("replayPolicy", "ReplayPolicy"),
    ("subscriptionRoleArn", "SubscriptionRoleArn"),
)


def _attribute(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def topic_subscription(inputs: Mapping[str, Any], ctx: Context) -> list[ApiCall]:
    """One Subscribe carrying every subscription attribute."""
    params: dict[str, Any] = {
        "TopicArn": inputs.get("topic"),
        "Protocol": inputs.get("protocol"),
        "ReturnSubscriptionArn": True,
    }
    _put(params, "Endpoint", inputs.get("endpoint"))
    attributes = {
        dst: _attribute(inputs[src])
        for src, dst in _SUBSCRIPTION_ATTRIBUTES
        if inputs.get(src) not in (None, "", False)
    }
    _put(params, "Attributes", attributes)
    return [ApiCall("sns", "Subscribe", params, _TF + "sns/topic_subscription.go "
                    "resourceTopicSubscriptionCreate")]


_QUEUE_ATTRIBUTES = (
    ("delaySeconds", "DelaySeconds"),
    ("maxMessageSize", "MaximumMessageSize"),
    ("messageRetentionSeconds", "MessageRetentionPeriod"),
    ("receiveWaitTimeSeconds", "ReceiveMessageWaitTimeSeconds"),
    ("visibilityTimeoutSeconds", "VisibilityTimeout"),
    ("policy", "Policy"),
    ("redrivePolicy", "RedrivePolicy"),
    ("kmsMasterKeyId", "KmsMasterKeyId"),
    ("sqsManagedSseEnabled", "SqsManagedSseEnabled"),
    ("fifoQueue", "FifoQueue"),
)


def queue(inputs: Mapping[str, Any], ctx: Context) -> list[ApiCall]:
    """One CreateQueue with attributes and tags."""
    params: dict[str, Any] = {"QueueName": inputs.get("name")}
    attributes = {
        dst: _attribute(inputs[src] if not isinstance(inputs[src], int | float)
                        or isinstance(inputs[src], bool) else str(int(inputs[src])))
        for src, dst in _QUEUE_ATTRIBUTES
        if inputs.get(src) not in (None, "", False)
    }
    _put(params, "Attributes", attributes)
    _put(params, "tags", dict(sorted((inputs.get("tags") or {}).items())))
    return [ApiCall("sqs", "CreateQueue", params, _TF + "sqs/queue.go resourceQueueCreate")]


def queue_policy(inputs: Mapping[str, Any], ctx: Context) -> list[ApiCall]:
    return [ApiCall("sqs", "SetQueueAttributes",
                    {"QueueUrl": inputs.get("queueUrl"),
                     "Attributes": {"Policy": inputs.get("policy")}},
                    _TF + "sqs/queue_policy.go (generic policy upsert)")]


MAPPERS: dict[str, Mapper] = {
    rt.METRIC_ALARM: metric_alarm,
    rt.HEALTH_CHECK: health_check,
    rt.SNS_TOPIC: topic,
    rt.SNS_TOPIC_POLICY: topic_policy,
    rt.SNS_SUBSCRIPTION: topic_subscription,
    rt.SQS_QUEUE: queue,
    rt.SQS_QUEUE_POLICY: queue_policy,
}
"""Every aws:* type vigil creates → its API calls. A type missing here fails the plan check."""


_COMMON = {"tags", "region"}  # region: pulumi-aws v7's per-resource region (the Context)
_PROVIDER_ONLY = {
    # Read by the provider itself, never sent (terraform-provider-aws schema: no API field).
    rt.SNS_SUBSCRIPTION: {"endpointAutoConfirms", "confirmationTimeoutInMinutes"},
    rt.HEALTH_CHECK: {"triggers", "referenceName"},
}
INPUTS: dict[str, frozenset[str]] = {
    rt.METRIC_ALARM: frozenset({
        "name", "comparisonOperator", "evaluationPeriods", "treatMissingData", "actionsEnabled",
        "alarmActions", "alarmDescription", "datapointsToAlarm",
        "evaluateLowSampleCountPercentiles", "extendedStatistic", "insufficientDataActions",
        "metricName", "namespace", "okActions", "period", "statistic", "unit", "dimensions",
        "metricQueries", "thresholdMetricId", "threshold",
    }),
    rt.HEALTH_CHECK: frozenset({
        "type", *(src for src, _ in _HEALTH_CHECK_FIELDS), "childHealthThreshold",
        "childHealthchecks", "cloudwatchAlarmName", "cloudwatchAlarmRegion",
        "insufficientDataHealthStatus", "routingControlArn", "measureLatency",
    }),
    rt.SNS_TOPIC: frozenset({"name", "fifoTopic", *(src for src, _ in _TOPIC_ATTRIBUTES)}),
    rt.SNS_TOPIC_POLICY: frozenset({"arn", "policy"}),
    rt.SNS_SUBSCRIPTION: frozenset({
        "topic", "protocol", "endpoint", *(src for src, _ in _SUBSCRIPTION_ATTRIBUTES),
    }),
    rt.SQS_QUEUE: frozenset({"name", *(src for src, _ in _QUEUE_ATTRIBUTES)}),
    rt.SQS_QUEUE_POLICY: frozenset({"queueUrl", "policy"}),
}
"""Input names each mapper translates; anything else would be dropped unchecked."""


def unmapped_inputs(type_token: str, inputs: Mapping[str, Any]) -> list[str]:
    """Inputs the mapping for ``type_token`` does not translate (so nothing checks them)."""
    known = INPUTS[type_token] | _COMMON | _PROVIDER_ONLY.get(type_token, set())
    return sorted(k for k, v in inputs.items() if k not in known and v is not None)


def substitute(value: Any, answer: Callable[[FromResponse], Any]) -> Any:
    """``value`` with each :class:`FromResponse` replaced by ``answer(ref)``."""
    if isinstance(value, FromResponse):
        return answer(value)
    if isinstance(value, dict):
        return {k: substitute(v, answer) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, answer) for v in value]
    return value


def api_calls(type_token: str, inputs: Mapping[str, Any], ctx: Context) -> list[ApiCall]:
    """The calls the provider makes to create the resource; KeyError for an unmapped type."""
    return MAPPERS[type_token](inputs, ctx)
