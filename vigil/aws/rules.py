"""Documented AWS rules the service models do not carry, each with its source.

The botocore models give shapes (lengths, enums, ranges, patterns: :mod:`vigil.aws.shapes`);
the API reference adds rules between fields and across resources (period × evaluation periods,
M ≤ N, actions in the alarm's region, name alphabets, attribute ranges). Each :class:`Rule`
is one such sentence, checked on the parameters of one API operation. Where the model's own
documentation states the rule, the citation names that documentation string (botocore ships it:
``botocore <service> model, <Operation>.<Member> documentation``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from vigil.aws.calls import Context
from vigil.aws.shapes import Breach

Finding = tuple[str, str]  # (parameter path, message)
Check = Callable[[Mapping[str, Any], Context], Iterator[Finding]]

CW_API = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html"
CW_QUERY = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDataQuery.html"
CW_EVAL = (
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/"
    "AlarmThatSendsEmail.html#alarm-evaluation"
)
CW_ACTIONS = (
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/"
    "AlarmThatSendsEmail.html#alarms-and-actions"
)
R53_API = "https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html"
SNS_CREATE = "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html"
SNS_SUBSCRIBE = "https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html"
SNS_DLQ = "https://docs.aws.amazon.com/sns/latest/dg/sns-configure-dead-letter-queue.html"
SNS_QUOTAS = "https://docs.aws.amazon.com/general/latest/gr/sns.html#limits_sns"
SQS_CREATE = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html"
SQS_QUOTAS = (
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/"
    "quotas-queues.html"
)
TAGGING = "https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html"

MAX_TAGS = 50
"""Tags per alarm, topic and queue (the models' tag lists carry no maximum; the quotas do)."""
ONE_DAY = 86_400
SEVEN_DAYS = 604_800
HIGH_RESOLUTION_PERIODS = (10, 20, 30)
PERCENTILE = re.compile(r"^p(\d{1,2}(\.\d{1,10})?|100)$")
EXTENDED_STATISTIC = re.compile(
    r"^(p|tm|tc|ts|wm)(\d{1,2}(\.\d{1,10})?|100)$"
    r"|^IQM$"
    r"|^(TM|TC|TS|WM|PR)\((\d+(\.\d+)?%?)?:(\d+(\.\d+)?%?)?\)$"
)
TREAT_MISSING_DATA = ("breaching", "notBreaching", "ignore", "missing")
LOW_SAMPLE = ("evaluate", "ignore")
SNS_PROTOCOLS = (
    "http", "https", "email", "email-json", "sms", "sqs", "application", "lambda", "firehose",
)
TOPIC_NAME = re.compile(r"^[A-Za-z0-9_-]{1,256}(\.fifo)?$")
QUEUE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
ARN = re.compile(r"^arn:(?P<partition>[^:]+):(?P<service>[^:]+):(?P<region>[^:]*):(?P<rest>.*)$")
SQS_ATTRIBUTE_RANGES = {
    "DelaySeconds": (0, 900),
    "MaximumMessageSize": (1024, 1_048_576),
    "MessageRetentionPeriod": (60, 1_209_600),
    "ReceiveMessageWaitTimeSeconds": (0, 20),
    "VisibilityTimeout": (0, 43_200),
}


@dataclass(frozen=True)
class Rule:
    id: str
    operation: str  # "<service>.<Operation>" the rule reads
    text: str  # the rule in one sentence
    citation: str
    check: Check


# --------------------------------------------------------------------------- CloudWatch


def _alarm_periods(p: Mapping[str, Any]) -> Iterator[tuple[str, Any, str | None]]:
    """(path, period, namespace) of the alarm and of each metric of its metric math."""
    if p.get("Period") is not None:
        yield "Period", p["Period"], p.get("Namespace")
    for i, query in enumerate(p.get("Metrics") or ()):
        stat = query.get("MetricStat") or {}
        if stat.get("Period") is not None:
            metric = stat.get("Metric") or {}
            yield f"Metrics[{i}].MetricStat.Period", stat["Period"], metric.get("Namespace")


def _period_values(p: Mapping[str, Any], ctx: Context) -> Iterator[Finding]:
    for where, period, _ in _alarm_periods(p):
        if isinstance(period, int) and period not in HIGH_RESOLUTION_PERIODS and period % 60:
            yield where, f"{period} s is not 10, 20, 30 or a multiple of 60"


def _high_resolution(p: Mapping[str, Any], ctx: Context) -> Iterator[Finding]:
    for where, period, namespace in _alarm_periods(p):
        if isinstance(period, int) and period < 60 and str(namespace or "").startswith("AWS/"):
            yield where, (
                f"{period} s is a high-resolution period, but {namespace} metrics are published "
                "at 1-minute resolution or coarser: the alarm would lapse into INSUFFICIENT_DATA"
            )


def _evaluation_window(p: Mapping[str, Any], ctx: Context) -> Iterator[Finding]:
    """The window is the alarm's period, or (metric math: no top-level Period) the longest
    ``MetricStat.Period`` among its metrics, times its evaluation periods."""
    periods = p.get("EvaluationPeriods")
    found = [period for _, period, _ in _alarm_periods(p) if isinstance(period, int)]
    if not (found and isinstance(periods, int)):
        return
    period = max(found)
    limit = ONE_DAY if period < 3600 else SEVEN_DAYS
    if period * periods > limit:
        yield "EvaluationPeriods", (
            f"Period {period} s × EvaluationPeriods {periods} = {period * periods} s exceeds "
            f"{limit}"
            + (" s (one day, for periods under an hour)" if limit == ONE_DAY else " s (seven days)")
        )


def _datapoints(p: Mapping[str, Any], ctx: Context) -> Iterator[Finding]:
    m, n = p.get("DatapointsToAlarm"), p.get("EvaluationPeriods")
    if isinstance(m, int) and isinstance(n, int) and m > n:
        yield "DatapointsToAlarm", f"{m} datapoints out of {n} evaluation periods can never breach"


def _statistic(p: Mapping[str, Any], ctx: Context) -> Iterator[Finding]:
    if p.get("MetricName") is None:
        if p.get("Metrics") is None:
            yield "MetricName", "an alarm needs MetricName or Metrics"
        return
    given = [k for k in ("Statistic", "ExtendedStatistic") if p.get(k) is not None]
    if len(given) != 1:
        yield "Statistic", f"exactly one of Statistic or ExtendedStatistic, got {given or 'none'}"
    extended = p.get("ExtendedStatistic")
    if isinstance(extended, str) and not EXTENDED_STATISTIC.match(extended):
        yield "ExtendedStatistic", f"{extended!r} is not a valid extended statistic"


QUERY_ID = re.compile(r"^[a-z][a-zA-Z0-9_]*$")
"""MetricDataQuery.Id: "The valid characters are letters, numbers, and underscore. The first
character must be a lowercase letter" (botocore cloudwatch model, MetricDataQuery.Id)."""
METRICS_EXCLUDE = (
    "Namespace", "MetricName", "Dimensions", "Period", "Unit", "Statistic", "ExtendedStatistic",
)
"""PutMetricAlarm.Metrics: "If you use the Metrics parameter, you cannot include the Namespace,
MetricName, Dimensions, Period, Unit, Statistic, or ExtendedStatistic parameters"."""


def _queries(p: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return list(p.get("Metrics") or ())


def _return_data(p: Mapping[str, Any], ctx: Context) -> Iterator[Finding]:
    queries = _queries(p)
    if not queries:
        return
    # An omitted ReturnData is true (MetricDataQuery.ReturnData: "the default of true is used").
    returned = [q.get("Id") for q in queries if q.get("ReturnData", True) is not False]
    if len(returned) != 1:
        yield "Metrics", (
            f"exactly one query has ReturnData true (the value the alarm watches), got "
            f"{returned or 'none'}"
        )


def _query_ids(p: Mapping[str, Any], ctx: Context) -> Iterator[Finding]:
    seen: set[str] = set()
    for i, q in enumerate(_queries(p)):
        qid = q.get("Id")
        if not isinstance(qid, str) or not QUERY_ID.match(qid):
            yield f"Metrics[{i}].Id", (
                f"{qid!r}: letters, digits and underscores, starting with a lowercase letter"
            )
        elif qid in seen:
            yield f"Metrics[{i}].Id", f"{qid!r} is used twice"
        else:
            seen.add(str(qid))


def _stat_xor_expression(p: Mapping[str, Any], ctx: Context) -> Iterator[Finding]:
    for i, q in enumerate(_queries(p)):
        has_stat, has_expr = q.get("MetricStat") is not None, bool(q.get("Expression"))
        if has_stat == has_expr:
            yield f"Metrics[{i}]", "each query has either MetricStat or Expression, not both"


def _metrics_exclusive(p: Mapping[str, Any], ctx: Context) -> Iterator[Finding]:
    if p.get("Metrics") is None:
        return
    for key in METRICS_EXCLUDE:
        if p.get(key) is not None:
            yield key, f"{key} cannot be given with Metrics (the metrics carry their own)"


def _treat_missing(p: Mapping[str, Any], ctx: Context) -> Iterator[Finding]:
    value = p.get("TreatMissingData")
    if value is not None and value not in TREAT_MISSING_DATA:
        yield "TreatMissingData", f"{value!r} is not one of {', '.join(TREAT_MISSING_DATA)}"


def _low_sample(p: Mapping[str, Any], ctx: Context) -> Iterator[Finding]:
    value = p.get("EvaluateLowSampleCountPercentile")
    if value is None:
        return
    if value not in LOW_SAMPLE:
        yield "EvaluateLowSampleCountPercentile", f"{value!r} is not evaluate or ignore"
    if not PERCENTILE.match(str(p.get("ExtendedStatistic") or "")):
        yield "EvaluateLowSampleCountPercentile", "is used only for percentile statistics"


def _action_regions(p: Mapping[str, Any], ctx: Context) -> Iterator[Finding]:
    if ctx.region is None:
        return
    for key in ("AlarmActions", "OKActions", "InsufficientDataActions"):
        for i, action in enumerate(p.get(key) or ()):
            match = ARN.match(action) if isinstance(action, str) else None
            if match is None:
                continue
            region = match["region"]
            if match["service"] in ("sns", "automate", "lambda", "ssm") and region != ctx.region:
                yield f"{key}[{i}]", (
                    f"{action} is in {region or 'no region'}, the alarm in {ctx.region}: an alarm "
                    "can only act in its own region"
                )


# --------------------------------------------------------------------------- Route 53


def _search_string(p: Mapping[str, Any], ctx: Context) -> Iterator[Finding]:
    config = p.get("HealthCheckConfig") or {}
    kind = config.get("Type")
    has = bool(config.get("SearchString"))
    if kind in ("HTTP_STR_MATCH", "HTTPS_STR_MATCH") and not has:
        yield "HealthCheckConfig.SearchString", f"{kind} needs a SearchString"
    if has and kind not in ("HTTP_STR_MATCH", "HTTPS_STR_MATCH"):
        yield "HealthCheckConfig.SearchString", f"is used only by *_STR_MATCH checks, not {kind}"


def _endpoint(p: Mapping[str, Any], ctx: Context) -> Iterator[Finding]:
    config = p.get("HealthCheckConfig") or {}
    if config.get("Type") in ("HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH", "TCP"):
        if not (config.get("FullyQualifiedDomainName") or config.get("IPAddress")):
            yield "HealthCheckConfig", "an endpoint check needs a FullyQualifiedDomainName or IP"
        path = config.get("ResourcePath")
        if isinstance(path, str) and path and not path.startswith("/"):
            yield "HealthCheckConfig.ResourcePath", f"{path!r} must start with '/'"


# --------------------------------------------------------------------------- SNS / SQS


def _topic_name(p: Mapping[str, Any], ctx: Context) -> Iterator[Finding]:
    name = p.get("Name")
    if isinstance(name, str) and not TOPIC_NAME.match(name):
        yield "Name", f"{name!r}: 1–256 ASCII letters, digits, '_' or '-' (FIFO: '.fifo' suffix)"


def _topic_tags(p: Mapping[str, Any], ctx: Context) -> Iterator[Finding]:
    tags = p.get("Tags") or ()
    if len(tags) > MAX_TAGS:
        yield "Tags", f"{len(tags)} tags; an SNS topic carries at most {MAX_TAGS}"


def _reserved_tags(p: Mapping[str, Any], ctx: Context) -> Iterator[Finding]:
    tags = p.get("Tags") or p.get("AddTags") or p.get("tags") or ()
    keys = list(tags) if isinstance(tags, Mapping) else [t.get("Key") for t in tags]
    for key in keys:
        if isinstance(key, str) and key.lower().startswith("aws:"):
            yield "Tags", f"tag key {key!r}: the aws: prefix is reserved for AWS"


def _alarm_tags(p: Mapping[str, Any], ctx: Context) -> Iterator[Finding]:
    tags = p.get("Tags") or ()
    if len(tags) > MAX_TAGS:
        yield "Tags", f"{len(tags)} tags; an alarm carries at most {MAX_TAGS}"


def _protocol(p: Mapping[str, Any], ctx: Context) -> Iterator[Finding]:
    protocol = p.get("Protocol")
    if protocol is not None and protocol not in SNS_PROTOCOLS:
        yield "Protocol", f"{protocol!r} is not one of {', '.join(SNS_PROTOCOLS)}"
    endpoint = p.get("Endpoint")
    web = protocol in ("http", "https") and isinstance(endpoint, str)
    if web and not str(endpoint).startswith(f"{protocol}://"):
        yield "Endpoint", f"an {protocol} endpoint is a URL beginning with {protocol}://"


def _topic_region(p: Mapping[str, Any], ctx: Context) -> Iterator[Finding]:
    match = ARN.match(str(p.get("TopicArn") or ""))
    if match and ctx.region is not None and match["region"] != ctx.region:
        yield "TopicArn", f"topic in {match['region']}, subscription created in {ctx.region}"


def _redrive(p: Mapping[str, Any], ctx: Context) -> Iterator[Finding]:
    raw = (p.get("Attributes") or {}).get("RedrivePolicy")
    if raw is None:
        return
    try:
        target = json.loads(raw).get("deadLetterTargetArn")
    except (ValueError, AttributeError):
        yield "Attributes.RedrivePolicy", "must be a JSON object with deadLetterTargetArn"
        return
    match = ARN.match(str(target or ""))
    if not match or match["service"] != "sqs":
        yield "Attributes.RedrivePolicy", f"deadLetterTargetArn {target!r} is not an SQS queue ARN"
        return
    topic = ARN.match(str(p.get("TopicArn") or ""))
    account = topic["rest"].split(":", 1)[0] if topic else ctx.account
    queue_account = match["rest"].split(":", 1)[0]
    region = ctx.region or (topic["region"] if topic else match["region"])
    if match["region"] != region or queue_account != account:
        yield "Attributes.RedrivePolicy", (
            f"dead-letter queue {target} must be in the subscription's account and region "
            f"({account}, {region})"
        )


def _policy_json(p: Mapping[str, Any], ctx: Context) -> Iterator[Finding]:
    if p.get("AttributeName") != "Policy":
        return
    try:
        doc = json.loads(str(p.get("AttributeValue")))
    except ValueError:
        yield "AttributeValue", "the topic policy is not valid JSON"
        return
    if not isinstance(doc, dict) or not doc.get("Statement"):
        yield "AttributeValue", "the topic policy has no Statement"


def _queue_name(p: Mapping[str, Any], ctx: Context) -> Iterator[Finding]:
    name = str(p.get("QueueName") or "")
    fifo = (p.get("Attributes") or {}).get("FifoQueue") == "true"
    base = name[: -len(".fifo")] if fifo and name.endswith(".fifo") else name
    if not QUEUE_NAME.match(base) or len(name) > 80:
        yield "QueueName", f"{name!r}: up to 80 letters, digits, '-' or '_' ('.fifo' for FIFO)"


def _queue_attributes(p: Mapping[str, Any], ctx: Context) -> Iterator[Finding]:
    for key, (low, high) in SQS_ATTRIBUTE_RANGES.items():
        raw = (p.get("Attributes") or {}).get(key)
        if raw is None:
            continue
        try:
            value = int(raw)
        except ValueError:
            yield f"Attributes.{key}", f"{raw!r} is not an integer"
            continue
        if not low <= value <= high:
            yield f"Attributes.{key}", f"{value} is outside {low}–{high}"


def _queue_tags(p: Mapping[str, Any], ctx: Context) -> Iterator[Finding]:
    if len(p.get("tags") or {}) > MAX_TAGS:
        yield "tags", f"an SQS queue carries at most {MAX_TAGS} tags"


def _model_doc(service: str, member: str) -> str:
    return f"botocore {service} model, {member} documentation"


RULES: tuple[Rule, ...] = (
    Rule("cw-period-values", "cloudwatch.PutMetricAlarm",
         "Period is 10, 20, 30 or a multiple of 60 seconds.",
         f"{_model_doc('cloudwatch', 'PutMetricAlarm.Period')}; {CW_API}", _period_values),
    Rule("cw-high-resolution-only-custom", "cloudwatch.PutMetricAlarm",
         "10/20/30 s periods only for metrics stored at 1-second resolution (custom "
         "PutMetricData with StorageResolution 1; no AWS/* namespace).",
         f"{_model_doc('cloudwatch', 'PutMetricAlarm.Period')}; {CW_API}", _high_resolution),
    Rule("cw-evaluation-window", "cloudwatch.PutMetricAlarm",
         "Period (metric math: the longest MetricStat.Period) × EvaluationPeriods ≤ 86,400 s "
         "for periods under one hour, ≤ 604,800 s otherwise.",
         f"{_model_doc('cloudwatch', 'PutMetricAlarm.Period')}; {CW_API}", _evaluation_window),
    Rule("cw-datapoints-within-evaluation", "cloudwatch.PutMetricAlarm",
         "DatapointsToAlarm (M) ≤ EvaluationPeriods (N) of an M-out-of-N alarm.",
         f"{_model_doc('cloudwatch', 'PutMetricAlarm.DatapointsToAlarm')}; {CW_EVAL}", _datapoints),
    Rule("cw-one-statistic", "cloudwatch.PutMetricAlarm",
         "With MetricName exactly one of Statistic / ExtendedStatistic (a valid one); "
         "an alarm needs MetricName or Metrics.",
         f"{_model_doc('cloudwatch', 'PutMetricAlarm.ExtendedStatistic')}; {CW_API}", _statistic),
    Rule("cw-metrics-one-return-data", "cloudwatch.PutMetricAlarm",
         "With Metrics, exactly one query has ReturnData true: the expression the alarm watches.",
         f"{_model_doc('cloudwatch', 'PutMetricAlarm.Metrics')}, MetricDataQuery.ReturnData; "
         f"{CW_API}; {CW_QUERY}", _return_data),
    Rule("cw-metric-query-id", "cloudwatch.PutMetricAlarm",
         "Each query Id matches ^[a-z][a-zA-Z0-9_]*$ and is unique within the alarm.",
         f"{_model_doc('cloudwatch', 'MetricDataQuery.Id')}; {CW_QUERY}", _query_ids),
    Rule("cw-metric-query-stat-xor-expression", "cloudwatch.PutMetricAlarm",
         "Each query has MetricStat or Expression, not both.",
         f"{_model_doc('cloudwatch', 'MetricDataQuery.MetricStat')}; {CW_QUERY}",
         _stat_xor_expression),
    Rule("cw-metrics-exclude-metric-fields", "cloudwatch.PutMetricAlarm",
         "With Metrics, no Namespace, MetricName, Dimensions, Period, Unit, Statistic or "
         "ExtendedStatistic at the top level.",
         f"{_model_doc('cloudwatch', 'PutMetricAlarm.Metrics')}; {CW_API}", _metrics_exclusive),
    Rule("cw-treat-missing-data", "cloudwatch.PutMetricAlarm",
         "TreatMissingData is breaching, notBreaching, ignore or missing.",
         f"{_model_doc('cloudwatch', 'PutMetricAlarm.TreatMissingData')}; {CW_API}",
         _treat_missing),
    Rule("cw-low-sample-percentile", "cloudwatch.PutMetricAlarm",
         "EvaluateLowSampleCountPercentile is evaluate or ignore, for percentile alarms only.",
         f"{_model_doc('cloudwatch', 'PutMetricAlarm.EvaluateLowSampleCountPercentile')}; {CW_API}",
         _low_sample),
    Rule("cw-actions-in-alarm-region", "cloudwatch.PutMetricAlarm",
         "Alarm, OK and insufficient-data actions (SNS, EC2 automate, Lambda, SSM) are in the "
         "alarm's region.",
         f"{_model_doc('cloudwatch', 'PutMetricAlarm.AlarmActions')} (arn:aws:sns:region:…); "
         f"{CW_ACTIONS}", _action_regions),
    Rule("cw-alarm-tags", "cloudwatch.PutMetricAlarm", "At most 50 tags per alarm.",
         _model_doc("cloudwatch", "PutMetricAlarm.Tags"), _alarm_tags),
    Rule("tags-aws-prefix-reserved", "cloudwatch.PutMetricAlarm",
         "Tag keys starting with aws: are reserved.", TAGGING, _reserved_tags),
    Rule("r53-search-string", "route53.CreateHealthCheck",
         "HTTP(S)_STR_MATCH checks need a SearchString; other types take none.",
         f"{_model_doc('route53', 'HealthCheckConfig.SearchString')}; {R53_API}", _search_string),
    Rule("r53-endpoint", "route53.CreateHealthCheck",
         "Endpoint checks name a FullyQualifiedDomainName or IPAddress; ResourcePath starts "
         "with '/'.", f"{_model_doc('route53', 'HealthCheckConfig.ResourcePath')}; {R53_API}",
         _endpoint),
    Rule("tags-aws-prefix-reserved", "route53.ChangeTagsForResource",
         "Tag keys starting with aws: are reserved.", TAGGING, _reserved_tags),
    Rule("sns-topic-name", "sns.CreateTopic",
         "Topic names: 1–256 ASCII letters, digits, underscores, hyphens ('.fifo' for FIFO).",
         f"{_model_doc('sns', 'CreateTopic.Name')}; {SNS_CREATE}", _topic_name),
    Rule("sns-topic-tags", "sns.CreateTopic", "At most 50 tags per topic.", SNS_QUOTAS,
         _topic_tags),
    Rule("tags-aws-prefix-reserved", "sns.CreateTopic",
         "Tag keys starting with aws: are reserved.", TAGGING, _reserved_tags),
    Rule("sns-topic-policy-json", "sns.SetTopicAttributes",
         "A topic Policy is a JSON policy document with statements.",
         _model_doc("sns", "CreateTopic.Attributes"), _policy_json),
    Rule("sns-protocol-endpoint", "sns.Subscribe",
         "Protocol is one SNS supports; an http(s) endpoint is a URL of that scheme.",
         f"{_model_doc('sns', 'Subscribe.Protocol')}, Subscribe.Endpoint; {SNS_SUBSCRIBE}",
         _protocol),
    Rule("sns-subscription-topic-region", "sns.Subscribe",
         "A subscription is created in its topic's region.", SNS_SUBSCRIBE, _topic_region),
    Rule("sns-redrive-same-account-region", "sns.Subscribe",
         "RedrivePolicy names an SQS queue in the subscription's account and region.",
         f"{_model_doc('sns', 'Subscribe.Attributes')}; {SNS_DLQ}", _redrive),
    Rule("sqs-queue-name", "sqs.CreateQueue",
         "Queue names: up to 80 letters, digits, hyphens, underscores ('.fifo' for FIFO).",
         f"{_model_doc('sqs', 'CreateQueue.QueueName')}; {SQS_CREATE}", _queue_name),
    Rule("sqs-attribute-ranges", "sqs.CreateQueue",
         "DelaySeconds 0–900, MaximumMessageSize 1,024–1,048,576, MessageRetentionPeriod "
         "60–1,209,600, ReceiveMessageWaitTimeSeconds 0–20, VisibilityTimeout 0–43,200.",
         f"{_model_doc('sqs', 'CreateQueue.Attributes')}; {SQS_CREATE}", _queue_attributes),
    Rule("sqs-queue-tags", "sqs.CreateQueue", "At most 50 tags per queue.", SQS_QUOTAS,
         _queue_tags),
    Rule("tags-aws-prefix-reserved", "sqs.CreateQueue",
         "Tag keys starting with aws: are reserved.", TAGGING, _reserved_tags),
)

_BY_OPERATION: dict[str, list[Rule]] = {}
for _rule in RULES:
    _BY_OPERATION.setdefault(_rule.operation, []).append(_rule)


def check_call(
    service: str, operation: str, params: Mapping[str, Any], ctx: Context
) -> list[Breach]:
    """Every documented rule for ``service.operation`` that ``params`` breaks."""
    return [
        Breach(rule.id, where, message, rule.citation)
        for rule in _BY_OPERATION.get(f"{service}.{operation}", ())
        for where, message in rule.check(params, ctx)
    ]
