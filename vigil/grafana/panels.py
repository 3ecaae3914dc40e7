"""Panel builders (grafana-foundation-sdk): one function per kind of panel on a site dashboard."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TypeVar

from grafana_foundation_sdk.builders import cloudwatch as cw
from grafana_foundation_sdk.builders import common as cb
from grafana_foundation_sdk.builders import dashboard as db
from grafana_foundation_sdk.builders import stat, statetimeline, table, timeseries
from grafana_foundation_sdk.models import cloudwatch as cwm
from grafana_foundation_sdk.models import common as cm
from grafana_foundation_sdk.models import dashboard as dm

from vigil.grafana.plan import (
    PERIOD_VARIABLE,
    REGION_VARIABLE,
    Levels,
    PanelPlan,
    Query,
    is_url_health,
    ref_id,
    threshold_steps,
)
from vigil.grafana.queries import ZabbixQuery, cloudwatch_targets
from vigil.zabbix.service_templates import BASE_SERVICE, service_table

PanelBuilder = TypeVar("PanelBuilder", timeseries.Panel, statetimeline.Panel, stat.Panel)

THRESHOLDS_AS_LINES = cm.GraphThresholdsStyleMode.LINE

WIDTH = 12
HEIGHT = 8
STATUS_HEIGHT = 7


def thresholds(levels: Levels) -> db.ThresholdsConfig:
    return (
        db.ThresholdsConfig()
        .mode(dm.ThresholdsMode.ABSOLUTE)
        .steps([dm.Threshold(value=v, color=c) for v, c in threshold_steps(levels)])
    )


def _thresholds_model(levels: Levels) -> dm.ThresholdsConfig:
    return thresholds(levels).build()


def levels_text(levels: Levels) -> str:
    """``warning 80 / critical 95`` (a lower-bound set reads ``below …``)."""
    marks = [
        f"{severity} {'< ' if levels.lower_bound else ''}{value:g}"
        for severity, value in (("warning", levels.warning), ("critical", levels.critical))
        if value is not None
    ]
    return " / ".join(marks) or "no threshold"


def _with_levels(panel: PanelBuilder, queries: Sequence[Query]) -> PanelBuilder:
    """Panel default = first query's thresholds and unit; other queries get a by-refId
    override where theirs differ (thresholds are in the query's metric unit).

    Grafana draws threshold lines once per y scale and a scale is keyed by unit, range,
    placement, distribution and axis label (``buildScaleKey`` in grafana-ui's GraphNG
    utils): series sharing a unit would all show the *first* set's lines. So when a panel
    has several threshold sets, each set gets its own axis label (the set's values), hence
    its own scale and its own lines, and the axis says which lines are whose.
    """
    first = queries[0]
    panel.thresholds(thresholds(first.levels)).unit(first.unit)
    several = len({(q.levels, q.unit) for q in queries}) > 1
    if several and isinstance(panel, timeseries.Panel):
        panel.axis_label(levels_text(first.levels))
    for query in queries[1:]:
        properties = []
        if query.levels != first.levels:
            properties.append(
                dm.DynamicConfigValue(id_val="thresholds", value=_thresholds_model(query.levels))
            )
            if isinstance(panel, timeseries.Panel):
                properties.append(
                    dm.DynamicConfigValue(
                        id_val="custom.axisLabel", value=levels_text(query.levels)
                    )
                )
        if query.unit != first.unit:
            properties.append(dm.DynamicConfigValue(id_val="unit", value=query.unit))
        if properties:
            panel.override_by_query(query.ref_id, properties)
    return panel


def _legend() -> cb.VizLegendOptions:
    """A table under the graph with each series' last and max value: readable at a glance."""
    return (
        cb.VizLegendOptions()
        .show_legend(True)
        .display_mode(cm.LegendDisplayMode.TABLE)
        .placement(cm.LegendPlacement.BOTTOM)
        .calcs(["lastNotNull", "max"])
    )


def _tooltip() -> cb.VizTooltipOptions:
    return cb.VizTooltipOptions().mode(cm.TooltipDisplayMode.MULTI).sort(cm.SortOrder.DESCENDING)


def metric_panel(plan: PanelPlan, datasource: dm.DataSourceRef) -> timeseries.Panel:
    """The alarm's metric, one series per resource, alarm thresholds drawn as lines."""
    panel = (
        timeseries.Panel()
        .title(plan.title)
        .description(plan.description)
        .datasource(datasource)
        .unit(plan.unit)
        .height(HEIGHT)
        .span(WIDTH)
        .line_width(1)
        .fill_opacity(0)
        .span_nulls(False)
        .thresholds_style(cb.GraphThresholdsStyleConfig().mode(THRESHOLDS_AS_LINES))
        .legend(_legend())
        .tooltip(_tooltip())
    )
    for query in plan.queries:
        for target in cloudwatch_targets(query, datasource):
            panel.with_target(target)
    return _with_levels(panel, plan.queries)


def url_health_panel(
    queries: Sequence[Query], datasource: dm.DataSourceRef
) -> statetimeline.Panel | None:
    """Route 53 HealthCheckStatus per URL: the first thing the person paged looks at."""
    health = [q for q in queries if is_url_health(q)]
    if not health:
        return None
    panel = (
        statetimeline.Panel()
        .title("URL health (Route 53)")
        .description("HealthCheckStatus from Route 53 health checkers (1 = healthy).")
        .datasource(datasource)
        .height(STATUS_HEIGHT)
        .span(WIDTH)
        .show_value(cm.VisibilityMode.NEVER)
        .merge_values(True)
        .mappings(
            [
                dm.ValueMap(
                    options={
                        "0": dm.ValueMappingResult(text="DOWN", color="red", index=0),
                        "1": dm.ValueMappingResult(text="UP", color="green", index=1),
                    }
                )
            ]
        )
        .color_scheme(db.FieldColor().mode(dm.FieldColorModeId.THRESHOLDS))
    )
    renumbered = [replace(q, ref_id=ref_id(i)) for i, q in enumerate(health)]
    for query in renumbered:
        for target in cloudwatch_targets(
            query, datasource, label=_alarm_label(query), period=alarm_period(query)
        ):
            panel.with_target(target)
    return _with_levels(panel, renumbered)


def alarm_period(query: Query) -> str:
    """The period the query's alarms evaluate (status panels compare like with like)."""
    return str(max(a.period for a in query.alarms)) if query.alarms else PERIOD_VARIABLE


def alarm_state_panel(
    queries: Sequence[tuple[Query, dm.DataSourceRef]], mixed: bool
) -> stat.Panel | None:
    """Latest value of every alarmed metric, coloured by its own alarm thresholds.

    CloudWatch's alarm state itself is not a metric Grafana can query; this is the same
    metric, statistic and *period* the alarm evaluates (fixed: not the dashboard's
    ``$period``, which would compare 5-minute sums with 1-minute thresholds) against the same
    thresholds; alarm state changes themselves are the dashboard's CloudWatch annotations.
    """
    if not queries:
        return None
    panel = (
        stat.Panel()
        .title("Alarm state (latest value vs. alarm thresholds)")
        .description(
            "Green = below every alarm threshold, orange = warning, red = critical. "
            "Each value uses its alarm's own statistic and period. Alarm state changes are "
            "drawn as annotations; the 'CloudWatch alarms' link shows CloudWatch's own state."
        )
        .height(STATUS_HEIGHT)
        .span(WIDTH)
        .color_mode(cm.BigValueColorMode.BACKGROUND)
        .graph_mode(cm.BigValueGraphMode.NONE)
        .text_mode(cm.BigValueTextMode.VALUE_AND_NAME)
        .justify_mode(cm.BigValueJustifyMode.AUTO)
        .reduce_options(cb.ReduceDataOptions().values(False).calcs(["lastNotNull"]))
    )
    panel.datasource(
        dm.DataSourceRef(type_val="datasource", uid="-- Mixed --") if mixed else queries[0][1]
    )
    renumbered = [replace(q, ref_id=ref_id(i)) for i, (q, _) in enumerate(queries)]
    for query, (_, datasource) in zip(renumbered, queries, strict=True):
        for target in cloudwatch_targets(
            query, datasource, label=_alarm_label(query), period=alarm_period(query)
        ):
            panel.with_target(target)
    return _with_levels(panel, renumbered)


def _alarm_label(query: Query) -> str:
    return f"{query.title or query.metric} {query.label}"


ZABBIX_SERVER_ITEMS: tuple[tuple[str, str, str], ...] = (
    ("CPU utilization (Zabbix)", "system.cpu.util", "percent"),
    ("Available memory (Zabbix)", "vm.memory.size[pavailable]", "percent"),
    ("Disk / used (Zabbix)", "vfs.fs.size[/,pused]", "percent"),
)
"""(title, item key of vigil's base service template, unit): the item *name* is read from that
template (``vigil.zabbix.service_templates``), so the filter matches what Zabbix really has."""
ZABBIX_WEB_ITEMS: tuple[tuple[str, str, str], ...] = (
    ("Web scenario failed step (Zabbix)", "/^Failed step of scenario/", "short"),
    ("Web response time (Zabbix)", "/^Response time for step/", "s"),
)
"""Items Zabbix creates for every web scenario step (Zabbix manual, "Web monitoring items")."""


def _item_name(key: str) -> str:
    items = service_table()[BASE_SERVICE]["items"]
    name = next((i["name"] for i in items if i["key"] == key), None)
    if name is None:
        raise ValueError(f"Zabbix item key {key!r} is not in the {BASE_SERVICE} service template")
    return "/^" + re.escape(str(name)) + "$/"


def zabbix_panels(
    web_hosts: list[str], server_hosts: list[str], datasource: dm.DataSourceRef
) -> list[timeseries.Panel | table.Panel]:
    """Open problems of every host vigil creates for the site, web-scenario items of its web
    host, agent metrics of its servers (host names from ``vigil.naming``)."""
    hosts = sorted([*web_hosts, *server_hosts])
    problems = (
        table.Panel()
        .title("Zabbix problems")
        .datasource(datasource)
        .height(HEIGHT)
        .span(WIDTH)
        .frame_index(0)
        .show_header(True)
        .with_target(ZabbixQuery("A", datasource).hosts(hosts).problems())
    )
    panels: list[timeseries.Panel | table.Panel] = [problems]
    wanted = [(t, item, u, web_hosts) for t, item, u in ZABBIX_WEB_ITEMS if web_hosts]
    wanted += [
        (t, _item_name(k), u, server_hosts) for t, k, u in ZABBIX_SERVER_ITEMS if server_hosts
    ]
    for title, item, unit, on in wanted:
        panels.append(
            timeseries.Panel()
            .title(title)
            .datasource(datasource)
            .unit(unit)
            .height(HEIGHT)
            .span(WIDTH)
            .legend(_legend())
            .tooltip(_tooltip())
            .with_target(ZabbixQuery("A", datasource).hosts(sorted(on)).item(item))
        )
    return panels


ALB_NAMESPACE = "AWS/ApplicationELB"
ALB_DIMENSION = "LoadBalancer"
ALB_5XX = ("HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count")


def _alb_metric(
    ref: str, metric: str, lb: str, datasource: dm.DataSourceRef, *, hide: bool
) -> cw.CloudWatchMetricsQuery:
    return (
        cw.CloudWatchMetricsQuery()
        .ref_id(ref)
        .id(ref.lower())
        .datasource(datasource)
        .query_mode(cwm.CloudWatchQueryMode.METRICS)
        .metric_query_type(cwm.MetricQueryType.SEARCH)
        .metric_editor_mode(cwm.MetricEditorMode.BUILDER)
        .namespace(ALB_NAMESPACE)
        .metric_name(metric)
        .dimensions({ALB_DIMENSION: lb})
        .match_exact(True)
        .statistic("Sum")
        .region(REGION_VARIABLE)
        .period(PERIOD_VARIABLE)
        .label(lb)
        .hide(hide)
    )


def traffic_panels(
    load_balancers: Sequence[str], datasource: dm.DataSourceRef
) -> list[timeseries.Panel]:
    """Requests and the combined 5xx rate (targets + load balancer) per load balancer, beside
    the two alarmed rates: the traffic each rate is a share of, and the users' total."""
    if not load_balancers:
        return []
    requests = (
        timeseries.Panel()
        .title("Requests (ALB)")
        .description("AWS/ApplicationELB RequestCount (Sum per $period) per load balancer.")
        .datasource(datasource)
        .unit("short")
        .height(HEIGHT)
        .span(WIDTH)
        .legend(_legend())
        .tooltip(_tooltip())
    )
    rate = (
        timeseries.Panel()
        .title("5xx error rate (ALB)")
        .description(
            "Percent of requests answered 5xx, by the targets or the load balancer itself: "
            "100 × (HTTPCode_Target_5XX_Count + HTTPCode_ELB_5XX_Count) / RequestCount."
        )
        .datasource(datasource)
        .unit("percent")
        .min(0)
        .height(HEIGHT)
        .span(WIDTH)
        .legend(_legend())
        .tooltip(_tooltip())
    )
    for i, lb in enumerate(load_balancers):
        requests.with_target(_alb_metric(ref_id(i), "RequestCount", lb, datasource, hide=False))
        req, t5, e5 = (f"R{i}", f"T{i}", f"E{i}")
        rate.with_target(_alb_metric(req, "RequestCount", lb, datasource, hide=True))
        rate.with_target(_alb_metric(t5, ALB_5XX[0], lb, datasource, hide=True))
        rate.with_target(_alb_metric(e5, ALB_5XX[1], lb, datasource, hide=True))
        rate.with_target(
            cw.CloudWatchMetricsQuery()
            .ref_id(f"X{i}")
            .id(f"x{i}")
            .datasource(datasource)
            .query_mode(cwm.CloudWatchQueryMode.METRICS)
            .metric_query_type(cwm.MetricQueryType.SEARCH)
            .metric_editor_mode(cwm.MetricEditorMode.CODE)
            .expression(f"100 * (FILL({t5.lower()}, 0) + FILL({e5.lower()}, 0)) / {req.lower()}")
            .region(REGION_VARIABLE)
            .period(PERIOD_VARIABLE)
            .label(lb)
        )
    return [requests, rate]
