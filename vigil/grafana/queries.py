"""Query builders: CloudWatch through the SDK's own builder, Zabbix through a small one.

The foundation SDK has no Zabbix plugin types; ``ZabbixQuery`` builds the plugin's target as
the SDK's ``UnknownDataquery`` — exactly what the SDK decodes an unknown plugin's target into,
so dashboards containing Zabbix panels still round-trip through the SDK models.
"""

from __future__ import annotations

import re
from typing import Any, Self

from grafana_foundation_sdk.builders import cloudwatch as cw
from grafana_foundation_sdk.cog import builder as cogbuilder
from grafana_foundation_sdk.cog import variants as cogvariants
from grafana_foundation_sdk.cog.runtime import UnknownDataquery
from grafana_foundation_sdk.models import cloudwatch as cwm
from grafana_foundation_sdk.models.dashboard import DataSourceRef

from vigil.grafana.plan import PERIOD_VARIABLE, Query

CLOUDWATCH_TYPE = "cloudwatch"
ZABBIX_TYPE = "alexanderzobnin-zabbix-datasource"


def cloudwatch_ref(uid: str) -> DataSourceRef:
    return DataSourceRef(type_val=CLOUDWATCH_TYPE, uid=uid)


def zabbix_ref(uid: str) -> DataSourceRef:
    return DataSourceRef(type_val=ZABBIX_TYPE, uid=uid)


def cloudwatch_target(
    query: Query,
    datasource: DataSourceRef,
    *,
    ref_id: str | None = None,
    label: str | None = None,
    period: str = PERIOD_VARIABLE,
) -> cw.CloudWatchMetricsQuery:
    """The alarm's metric exactly: namespace, metric, dimensions, statistic, region;
    ``period``: the dashboard's ``$period``, or a fixed one (status panels use the alarm's)."""
    dimensions: dict[str, str | list[str]] = {
        key: (values[0] if len(values) == 1 else list(values)) for key, values in query.dimensions
    }
    return (
        cw.CloudWatchMetricsQuery()
        .ref_id(ref_id or query.ref_id)
        .datasource(datasource)
        .query_mode(cwm.CloudWatchQueryMode.METRICS)
        .metric_query_type(cwm.MetricQueryType.SEARCH)
        .metric_editor_mode(cwm.MetricEditorMode.BUILDER)
        .namespace(query.namespace)
        .metric_name(query.metric)
        .dimensions(dimensions)
        .match_exact(True)
        .statistic(query.statistic)
        .region(query.region)
        .period(period)
        .label(label or query.label)
    )


def cloudwatch_targets(
    query: Query,
    datasource: DataSourceRef,
    *,
    ref_id: str | None = None,
    label: str | None = None,
    period: str = PERIOD_VARIABLE,
) -> list[cw.CloudWatchMetricsQuery]:
    """The panel targets of one query: the metric itself, or for a metric-math alarm its rows.

    Math rows become hidden metric queries with an ``id`` and one Code-mode query whose
    ``expression`` references them (Grafana docs, "Amazon CloudWatch query editor", "Metric
    math expressions" and "Id": ids start with a lower-case letter and are unique within the
    panel, so each row's id is prefixed with the query's refId).
    """
    if not query.math:
        return [cloudwatch_target(query, datasource, ref_id=ref_id, label=label, period=period)]
    ref = ref_id or query.ref_id
    prefix = ref.lower()
    ids = {q.id: f"{prefix}_{q.id}" for q in query.math}
    dimensions = {key: values[0] for key, values in query.dimensions}
    targets: list[cw.CloudWatchMetricsQuery] = []
    for index, row in enumerate(query.math):
        target = (
            cw.CloudWatchMetricsQuery()
            .id(ids[row.id])
            .datasource(datasource)
            .query_mode(cwm.CloudWatchQueryMode.METRICS)
            .metric_query_type(cwm.MetricQueryType.SEARCH)
            .region(query.region)
            .period(period)
        )
        if row.is_expression:
            expression = re.sub(
                r"\b[a-z][a-zA-Z0-9_]*\b", lambda m: ids.get(m.group(0), m.group(0)), row.expression
            )
            target = (
                target.ref_id(ref)
                .metric_editor_mode(cwm.MetricEditorMode.CODE)
                .expression(expression)
                .label(label or query.label)
                .hide(not row.return_data)
            )
        else:
            target = (
                target.ref_id(f"{ref}{index}")
                .metric_editor_mode(cwm.MetricEditorMode.BUILDER)
                .namespace(query.namespace)
                .metric_name(row.metric)
                .dimensions(dict(dimensions))
                .match_exact(True)
                .statistic(row.statistic)
                .label(row.label or row.metric)
                .hide(True)
            )
        targets.append(target)
    return targets


class ZabbixQuery(cogbuilder.Builder[cogvariants.Dataquery]):
    """A grafana-zabbix target: metrics (``queryType`` "0") or problems ("5")."""

    def __init__(self, ref_id: str, datasource: DataSourceRef) -> None:
        self._data: dict[str, Any] = {
            "refId": ref_id,
            "datasource": datasource.to_json(),
            "queryType": "0",
            "group": {"filter": "/.*/"},
            "host": {"filter": ""},
            "application": {"filter": ""},
            "itemTag": {"filter": ""},
            "item": {"filter": ""},
            "functions": [],
            "options": {"showDisabledItems": False, "skipEmptyValues": False},
        }

    def build(self) -> UnknownDataquery:
        return UnknownDataquery(dict(self._data))

    def hosts(self, names: list[str]) -> Self:
        """Exact host names, as one anchored regex (hosts are unique across groups)."""
        self._data["host"] = {"filter": "/^(" + "|".join(_escape(n) for n in names) + ")$/"}
        return self

    def item(self, item_filter: str) -> Self:
        self._data["item"] = {"filter": item_filter}
        return self

    def problems(self) -> Self:
        self._data["queryType"] = "5"
        self._data["options"] = {
            "acknowledged": 2,
            "minSeverity": 0,
            "showProblems": "problems",
            "sortProblems": "default",
            "limit": 100,
        }
        return self


def _escape(name: str) -> str:
    return "".join("\\" + ch if ch in r".^$*+?()[]{}|\/" else ch for ch in name)
