"""Grafana rules that page when SNS could not deliver a page: two per topic (pure).

SNS gives up on an HTTPS subscription after its delivery policy's retries; vigil's PagerDuty
subscriptions then move the message to their dead-letter queue (``components.sns``). A message
in that queue is a CloudWatch alarm notification that paged nobody, so each queue gets a
*critical* Grafana rule: ``AWS/SQS ApproximateNumberOfMessagesVisible`` (dimension
``QueueName``), ``Maximum`` per minute, reduced to the maximum of the last 15 minutes, firing
when it is above 0. It is routed like every vigil Grafana alert, by its ``site`` label, to the
site's Grafana contact point, which calls PagerDuty's Events API v2 with the site's *Grafana*
integration key: a path that shares nothing with the failing subscription (not the topic, not
the CloudWatch integration, not SNS). It does share PagerDuty itself: when PagerDuty's event
intake is down, nothing vigil sends arrives; the queue keeps the notifications 14 days.
The rule of the *warning* topic's queue is critical too: both topics deliver to the same
PagerDuty integration, so a lost warning means the next critical page is lost as well.

Why not a CloudWatch alarm on ``NumberOfNotificationsFailed`` (or on the queue) as the page: a
CloudWatch alarm notifies through an SNS topic, and every topic of the site is subscribed to the
same PagerDuty CloudWatch integration, so its page would take the very path that just failed
(and would itself end up in a dead-letter queue): it is not sound as a page, and as a
warning it would reach PagerDuty through that same path, so vigil creates none. The metric stays
in CloudWatch for the investigation the rule's description points to.

A second rule per topic covers the case where the queue does not get the message either:
``AWS/SNS NumberOfNotificationsFailedToRedriveToDlq`` (dimension ``TopicName``), ``Sum``,
above 0 in the last 15 minutes. SNS counts there the messages it could not move to the
dead-letter queue (a queue policy or key that no longer lets SNS write, a deleted queue):
those pages are lost *and* not kept, so it is critical too. Amazon SNS Developer Guide,
"Monitoring Amazon SNS topics using CloudWatch" (metric list, ``TopicName`` dimension); the
CloudWatch user guide's Application Insights component configuration for an SNS topic
monitors the same metric. No data = OK: SNS publishes it only when it happens.

Sources: metric and dimension, Amazon SQS Developer Guide, 'Available CloudWatch metrics for
Amazon SQS' (``ApproximateNumberOfMessagesVisible``, dimension ``QueueName``; "all metrics
emit non-negative values only when the queue is active": an idle dead-letter queue may report
nothing, and a message SNS sends makes it active, so *no data* means *no message*,
``noDataState = OK``); Grafana alert rule fields as in
``vigil.grafana.rules`` (terraform-provider-grafana ``grafana_rule_group``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from grafana_foundation_sdk.builders import cloudwatch as cw
from grafana_foundation_sdk.builders import expr
from grafana_foundation_sdk.models import cloudwatch as cwm
from grafana_foundation_sdk.models.dashboard import DataSourceRef

from vigil import naming
from vigil.aws.inputs import DeliveryQueue
from vigil.grafana.queries import CLOUDWATCH_TYPE
from vigil.grafana.rules import (
    EXPRESSION_UID,
    RULE_KIND_LABEL,
    AlertRule,
    RuleGroupPlan,
    RuleQuery,
    _encode,
)
from vigil.models import Site, frozen_map

NAMESPACE = "AWS/SQS"
METRIC = "ApproximateNumberOfMessagesVisible"
DIMENSION = "QueueName"
STATISTIC = "Maximum"
PERIOD_SECONDS = 60
"""SQS publishes its queue metrics every minute (SQS Developer Guide, 'Available CloudWatch
metrics for Amazon SQS')."""
WINDOW_SECONDS = 15 * 60
"""Max over the last 15 minutes: one message is enough, and the rule stays firing until the
queue has been emptied for 15 minutes."""
EVALUATION_INTERVAL_SECONDS = 60
"""A lost page is found within a minute of SQS reporting it (one GetMetricData per rule per
minute)."""
PENDING = "0s"
"""A message in the queue is a fact, not a noisy sample: page on the first evaluation."""
SEVERITY = "critical"
RULE_KIND = "pagerduty-delivery"
QUEUE_LABEL = "dlq"

REDRIVE_NAMESPACE = "AWS/SNS"
REDRIVE_METRIC = "NumberOfNotificationsFailedToRedriveToDlq"
REDRIVE_DIMENSION = "TopicName"
REDRIVE_STATISTIC = "Sum"
REDRIVE_RULE_KIND = "pagerduty-redrive"
TOPIC_LABEL = "topic"


def group_name(site: Site | str) -> str:
    site_id = site if isinstance(site, str) else site.id
    return f"{site_id} pagerduty delivery"


def rule_uid(site: Site, queue: DeliveryQueue) -> str:
    return naming.grafana_uid("vigil-dlq", site.id, queue.region, queue.severity)


def redrive_rule_uid(site: Site, queue: DeliveryQueue) -> str:
    return naming.grafana_uid("vigil-redrive", site.id, queue.region, queue.severity)


def labels(site: Site, queue: DeliveryQueue) -> dict[str, str]:
    """``site`` routes the alert (the notification policy's matcher), ``severity`` sets the
    PagerDuty severity the contact point sends (``critical``: high urgency)."""
    return {
        naming.GRAFANA_SITE_LABEL: site.id,
        naming.GRAFANA_SEVERITY_LABEL: SEVERITY,
        "client": site.client,
        RULE_KIND_LABEL: RULE_KIND,
        QUEUE_LABEL: queue.name,
    }


def _expression_ref() -> DataSourceRef:
    return DataSourceRef(type_val=EXPRESSION_UID, uid=EXPRESSION_UID)


def _metric(
    namespace: str, metric: str, dimensions: dict[str, str | list[str]], statistic: str,
    region: str, datasource_uid: str, account_id: str | None,
) -> RuleQuery:
    """Query ``A`` of a rule: one metric of the site's account over the last ``WINDOW``."""
    query = (
        cw.CloudWatchMetricsQuery()
        .ref_id("A")
        .datasource(DataSourceRef(type_val=CLOUDWATCH_TYPE, uid=datasource_uid))
        .query_mode(cwm.CloudWatchQueryMode.METRICS)
        .metric_query_type(cwm.MetricQueryType.SEARCH)
        .metric_editor_mode(cwm.MetricEditorMode.BUILDER)
        .namespace(namespace)
        .metric_name(metric)
        .dimensions(dimensions)
        .match_exact(True)
        .statistic(statistic)
        .region(region)
        .period(str(PERIOD_SECONDS))
    )
    if account_id:
        query.account_id(account_id)
    return RuleQuery("A", datasource_uid, _encode(query.build()), WINDOW_SECONDS, 0)


def _queue_depth(queue: DeliveryQueue, datasource_uid: str, account_id: str | None) -> RuleQuery:
    return _metric(
        NAMESPACE, METRIC, {DIMENSION: queue.name}, STATISTIC, queue.region, datasource_uid,
        account_id,
    )


def _failed_redrives(
    queue: DeliveryQueue, datasource_uid: str, account_id: str | None
) -> RuleQuery:
    return _metric(
        REDRIVE_NAMESPACE, REDRIVE_METRIC, {REDRIVE_DIMENSION: queue.topic}, REDRIVE_STATISTIC,
        queue.region, datasource_uid, account_id,
    )


def _max() -> RuleQuery:
    reduce = (
        expr.TypeReduce()
        .ref_id("B")
        .datasource(_expression_ref())
        .expression("A")
        .reducer("max")
        .settings(expr.ExprTypeReduceSettings().mode("dropNN"))
    )
    return RuleQuery("B", EXPRESSION_UID, _encode(reduce.build()))


def _above_zero() -> RuleQuery:
    threshold = (
        expr.TypeThreshold()
        .ref_id("C")
        .datasource(_expression_ref())
        .expression("B")
        .conditions(
            [
                expr.ExprTypeThresholdConditions().evaluator(
                    expr.ExprTypeThresholdConditionsEvaluator().type("gt").params([0])
                )
            ]
        )
    )
    return RuleQuery("C", EXPRESSION_UID, _encode(threshold.build()))


def _alert(
    site: Site, uid: str, title: str, query: RuleQuery, rule_labels: dict[str, str],
    summary: str, description: str, dashboard_url: str,
) -> AlertRule:
    """A critical lost-page rule: ``query`` reduced to its max over the window, above 0."""
    annotations = {"summary": summary, "description": description, "runbook_url": site.runbook_url}
    if dashboard_url:
        annotations["dashboard"] = dashboard_url
    return AlertRule(
        uid=uid,
        title=title,
        condition="C",
        data=(query, _max(), _above_zero()),
        labels=frozen_map(rule_labels),
        annotations=frozen_map(annotations),
        for_=PENDING,
        no_data_state="OK",
        exec_err_state="Error",
    )


def _rule(
    site: Site, queue: DeliveryQueue, datasource_uid: str, dashboard_url: str,
    account_id: str | None,
) -> AlertRule:
    """Messages in the queue: pages SNS gave up delivering (kept 14 days)."""
    return _alert(
        site,
        rule_uid(site, queue),
        f"{site.id} lost pages: {queue.severity} notifications in {queue.name} ({queue.region})",
        _queue_depth(queue, datasource_uid, account_id),
        labels(site, queue),
        f"{site.id}: SNS could not deliver {queue.severity} alarm notifications of topic "
        f"{queue.topic} ({queue.region}) to PagerDuty",
        f"The dead-letter queue {queue.name} in {queue.region} (account "
        f"{site.aws_account_id}) holds messages: each is a CloudWatch alarm notification "
        f"of {queue.topic} that SNS gave up delivering to PagerDuty's CloudWatch "
        "integration, so an alarm of this site paged nobody. Read them (aws sqs "
        f"receive-message --queue-url <{queue.name} url>: the alarm name and state are in "
        "the message body), handle those alarms, find why delivery failed (the CloudWatch "
        "integration deleted or disabled, PagerDuty unreachable; the topic's "
        "NumberOfNotificationsFailed metric), then delete the handled messages. Messages "
        "are kept 14 days.",
        dashboard_url,
    )


def _redrive_rule(
    site: Site, queue: DeliveryQueue, datasource_uid: str, dashboard_url: str,
    account_id: str | None,
) -> AlertRule:
    """Failed moves to the queue: pages neither delivered nor kept."""
    return _alert(
        site,
        redrive_rule_uid(site, queue),
        f"{site.id} lost pages not kept: {queue.severity} notifications of {queue.topic} "
        f"({queue.region})",
        _failed_redrives(queue, datasource_uid, account_id),
        {**labels(site, queue), RULE_KIND_LABEL: REDRIVE_RULE_KIND, TOPIC_LABEL: queue.topic},
        f"{site.id}: SNS lost {queue.severity} alarm notifications of topic {queue.topic} "
        f"({queue.region}): not delivered to PagerDuty and not kept in {queue.name}",
        f"The topic {queue.topic} in {queue.region} (account {site.aws_account_id}) reports "
        f"{REDRIVE_METRIC} above 0: SNS could deliver some alarm notifications neither to "
        f"PagerDuty nor to the dead-letter queue {queue.name}, so they are gone. Open the "
        "site's CloudWatch alarms (the ones that changed state in the last 15 minutes paged "
        f"nobody) and handle them; then check that {queue.name} exists and that its queue "
        "policy still lets sns.amazonaws.com sqs:SendMessage for this topic (pulumi up "
        "restores both).",
        dashboard_url,
    )


def delivery_group(
    site: Site,
    queues: Iterable[DeliveryQueue],
    datasource_uid: Callable[[DeliveryQueue], str],
    dashboard_url: str = "",
    account_id: str | None = None,
) -> RuleGroupPlan:
    """The site's rule group watching its PagerDuty delivery: per topic, its dead-letter queue's
    depth and its failed moves to that queue (two rules per topic, queue rule first).

    ``datasource_uid(queue)``: the Grafana data source reading the site's account in the
    queue's region; ``account_id``: the ``accountId`` its queries carry (cross-account
    observability). ``execErrState = Error``: a watcher that cannot read its queue is
    reported (Grafana's ``DatasourceError`` alert carries the rule's labels), never silent.
    """
    rules = tuple(
        make(site, queue, datasource_uid(queue), dashboard_url, account_id)
        for queue in sorted(queues, key=lambda q: (q.region != site.aws_region, q.region,
                                                   q.severity))
        for make in (_rule, _redrive_rule)
    )
    return RuleGroupPlan(group_name(site), EVALUATION_INTERVAL_SECONDS, rules)
