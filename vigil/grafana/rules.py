"""Grafana alert rules vigil owns: what Grafana sees and CloudWatch cannot (pure, no Pulumi).

**Monitoring health.** A CloudWatch alarm on a metric that stopped arriving goes to
INSUFFICIENT_DATA (or, for availability signals, to ALARM with no hint why), and nobody learns
that the *dashboard* is blank because Grafana's data source lost its role. So per site, one rule
per watched resource asks Grafana's own data source for the resource's critical metric over the
last ``window`` and fires when it returns nothing: a stale dimension (instance replaced, wrong
id), a revoked or missing assume-role, a broken data source. Data source errors fire too
(``execErrState = Alerting``). Routed as a *warning* (low urgency) through the site's contact
point by the ``site`` label, like every Grafana alert (README, "Grafana alerting").

Only metrics that are published continuously qualify: a signal whose alarm treats missing data as
``notBreaching`` (5xx counts, evictions, CloudFront error rates) is silent when all is well.

The query models are built with grafana-foundation-sdk (the CloudWatch query the dashboards use,
the server-side expressions ``reduce`` and ``threshold``), so the rules and the dashboards stay
one dialect; ``components.grafana`` turns a ``RuleGroupPlan`` into ``grafana.alerting.RuleGroup``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from grafana_foundation_sdk.builders import cloudwatch as cw
from grafana_foundation_sdk.builders import expr
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models import cloudwatch as cwm
from grafana_foundation_sdk.models.dashboard import DataSourceRef

from vigil import naming
from vigil.catalog.alarms import AlarmSpec
from vigil.grafana.queries import CLOUDWATCH_TYPE
from vigil.models import Site, frozen_map

EXPRESSION_UID = "__expr__"
"""Data source uid of server-side expressions (terraform-provider-grafana rule_group docs)."""
EVALUATION_INTERVAL_SECONDS = 300
"""Group interval: each rule costs one GetMetricData request per evaluation."""
MIN_WINDOW_SECONDS = 600
"""The query looks back at least this far (and 3 alarm periods: EC2 basic monitoring is 5 min)."""
PENDING = "5m"
"""Two evaluations in a row must see nothing (one throttled request is not a page)."""
HEALTH_RULE_KIND = "monitoring-health"
RULE_KIND_LABEL = "vigil_rule"
HEALTH_SEVERITY = "warning"
NOT_PUBLISHED_WHEN_HEALTHY = "notBreaching"
"""``treat_missing_data`` of signals CloudWatch only publishes when something happens."""


@dataclass(frozen=True)
class RuleQuery:
    """One stage of a rule: a data source query or a server-side expression."""

    ref_id: str
    datasource_uid: str
    model: Mapping[str, Any]
    from_seconds: int = 0
    to_seconds: int = 0

    @property
    def model_json(self) -> str:
        return json.dumps(self.model, sort_keys=True)


@dataclass(frozen=True)
class AlertRule:
    uid: str
    title: str
    condition: str
    data: tuple[RuleQuery, ...]
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    for_: str = PENDING
    no_data_state: str = "Alerting"
    exec_err_state: str = "Alerting"
    watches: AlarmSpec | None = None
    """The alarm whose metric the rule reads (for reports and tests)."""


@dataclass(frozen=True)
class RuleGroupPlan:
    name: str
    interval_seconds: int
    rules: tuple[AlertRule, ...] = field(default_factory=tuple)


def group_name(site: Site | str) -> str:
    site_id = site if isinstance(site, str) else site.id
    return f"{site_id} monitoring health"


def continuously_published(alarm: AlarmSpec) -> bool:
    return alarm.treat_missing_data != NOT_PUBLISHED_WHEN_HEALTHY


def watched_alarms(alarms: Iterable[AlarmSpec]) -> tuple[AlarmSpec, ...]:
    """One critical, continuously published alarm per resource: availability signals first
    (what the site is paged on), then by signal key; sorted by alarm name."""
    chosen: dict[tuple[str, str, str], AlarmSpec] = {}
    ranked = sorted(
        (a for a in alarms if a.severity == "critical" and continuously_published(a)),
        key=lambda a: (not a.availability, a.signal_key, a.name),
    )
    for alarm in ranked:
        chosen.setdefault((str(alarm.resource_type), alarm.resource_id, alarm.region), alarm)
    return tuple(sorted(chosen.values(), key=lambda a: a.name))


def window_seconds(alarm: AlarmSpec) -> int:
    return max(MIN_WINDOW_SECONDS, 3 * alarm.period)


def _encode(model: Any) -> dict[str, Any]:
    return json.loads(json.dumps(model, cls=JSONEncoder))


def _expression_ref() -> DataSourceRef:
    return DataSourceRef(type_val=EXPRESSION_UID, uid=EXPRESSION_UID)


def _metric_query(
    alarm: AlarmSpec,
    datasource_uid: str,
    health_check_ids: Mapping[str, str],
    account_id: str | None,
) -> RuleQuery:
    """SampleCount of the alarm's own metric (same namespace, dimensions, region)."""
    dimensions = {k: str(v) for k, v in alarm.resolved_dimensions(health_check_ids).items()}
    query = (
        cw.CloudWatchMetricsQuery()
        .ref_id("A")
        .datasource(DataSourceRef(type_val=CLOUDWATCH_TYPE, uid=datasource_uid))
        .query_mode(cwm.CloudWatchQueryMode.METRICS)
        .metric_query_type(cwm.MetricQueryType.SEARCH)
        .metric_editor_mode(cwm.MetricEditorMode.BUILDER)
        .namespace(alarm.namespace)
        .metric_name(alarm.metric)
        .dimensions(dict(sorted(dimensions.items())))
        .match_exact(True)
        .statistic("SampleCount")
        .region(alarm.region)
        .period(str(alarm.period))
    )
    if account_id:
        query.account_id(account_id)
    return RuleQuery("A", datasource_uid, _encode(query.build()), window_seconds(alarm), 0)


def _count_points() -> RuleQuery:
    reduce = (
        expr.TypeReduce()
        .ref_id("B")
        .datasource(_expression_ref())
        .expression("A")
        .reducer("count")
        .settings(expr.ExprTypeReduceSettings().mode("dropNN"))
    )
    return RuleQuery("B", EXPRESSION_UID, _encode(reduce.build()))


def _none_arrived() -> RuleQuery:
    threshold = (
        expr.TypeThreshold()
        .ref_id("C")
        .datasource(_expression_ref())
        .expression("B")
        .conditions(
            [
                expr.ExprTypeThresholdConditions().evaluator(
                    expr.ExprTypeThresholdConditionsEvaluator().type("lt").params([1])
                )
            ]
        )
    )
    return RuleQuery("C", EXPRESSION_UID, _encode(threshold.build()))


def health_labels(site: Site) -> dict[str, str]:
    """The labels every vigil Grafana rule carries; ``site`` is the routing contract."""
    return {
        naming.GRAFANA_SITE_LABEL: site.id,
        naming.GRAFANA_SEVERITY_LABEL: HEALTH_SEVERITY,
        "client": site.client,
        RULE_KIND_LABEL: HEALTH_RULE_KIND,
    }


def _rule(
    site: Site,
    alarm: AlarmSpec,
    datasource_uid: str,
    health_check_ids: Mapping[str, str],
    dashboard_url: str,
    account_id: str | None,
) -> AlertRule:
    minutes = window_seconds(alarm) // 60
    what = f"{alarm.namespace} {alarm.metric} of {alarm.resource_id}"
    annotations = {
        "summary": f"{site.id}: no CloudWatch data in Grafana for {what} for {minutes} min",
        "description": (
            f"Grafana's data source {datasource_uid} returned no {alarm.metric} datapoint for "
            f"{alarm.resource_id} ({alarm.resource_type}) in {alarm.region} in the last "
            f"{minutes} minutes, or the query failed. The CloudWatch alarm {alarm.name} may be "
            "blind too. Check that the resource still exists under this id, that the data "
            "source can assume its role in the site's account, and that the metric is enabled."
        ),
        "runbook_url": site.runbook_url,
    }
    if dashboard_url:
        annotations["dashboard"] = dashboard_url
    return AlertRule(
        uid=naming.grafana_uid("vigil-nd", site.id, str(alarm.resource_type), alarm.resource_id),
        title=f"{site.id} no data: {alarm.title} ({alarm.resource_type} {alarm.resource_id})",
        condition="C",
        data=(
            _metric_query(alarm, datasource_uid, health_check_ids, account_id),
            _count_points(),
            _none_arrived(),
        ),
        labels=frozen_map(health_labels(site)),
        annotations=frozen_map(annotations),
        watches=alarm,
    )


def monitoring_health_group(
    site: Site,
    alarms: Iterable[AlarmSpec],
    datasource_uid: Callable[[AlarmSpec], str],
    health_check_ids: Mapping[str, str] | None = None,
    dashboard_url: str = "",
    account_id: str | None = None,
) -> RuleGroupPlan:
    """The site's monitoring-health rule group (empty ``rules`` when nothing qualifies).

    ``datasource_uid(alarm)``: uid of the Grafana data source that reads the alarm's account
    and region (the same one its dashboard panel uses); ``account_id``: the ``accountId`` its
    queries carry (cross-account observability).
    """
    ids = health_check_ids or {}
    rules = tuple(
        _rule(site, alarm, datasource_uid(alarm), ids, dashboard_url, account_id)
        for alarm in watched_alarms(alarms)
    )
    return RuleGroupPlan(group_name(site), EVALUATION_INTERVAL_SECONDS, rules)
