"""Group a site's alarm specs into dashboard panels and queries (pure, no SDK).

One panel per (resource type, signal, metric, statistic): every instance of that resource type
becomes a series of the same panel, so a site with 80 EC2 instances gets one CPU panel, not
80. Within a panel, resources sharing the same thresholds share one CloudWatch query with a
multi-valued dimension (split so Grafana's generated SEARCH expression stays within CloudWatch's
1,024 characters, ``vigil.grafana.search``); each
query carries the alarm thresholds it must draw.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from vigil import catalog
from vigil.catalog.alarms import AlarmSpec
from vigil.catalog.spec import MetricQuery
from vigil.grafana.alarm import catalog_signal, grafana_unit, is_lower_bound, readable
from vigil.grafana.search import split_by_length
from vigil.models import ResourceType

GLOBAL_REGION = "us-east-1"
"""CloudFront and Route 53 publish their metrics only here."""

REGION_VARIABLE = "$region"
PERIOD_VARIABLE = "$period"


@dataclass(frozen=True)
class Levels:
    """The alarm thresholds one query draws; ``lower_bound`` when the alarm fires below them."""

    warning: float | None
    critical: float | None
    lower_bound: bool


@dataclass(frozen=True)
class Query:
    ref_id: str
    namespace: str
    metric: str
    statistic: str
    region: str  # "$region" or "us-east-1"
    global_region: bool
    dimensions: tuple[tuple[str, tuple[str, ...]], ...]  # sorted keys, values in order
    levels: Levels
    alarms: tuple[AlarmSpec, ...]
    label: str
    title: str = ""  # the signal's title (status panels name series by it)
    unit: str = "short"  # Grafana unit of the metric, which ``levels`` are in
    math: tuple[MetricQuery, ...] = ()
    """The alarm's metric-math rows (``AlarmSpec.metric_queries``): drawn as the alarm sees
    them, the value of the expression, not the headline ``metric`` (one resource per query)."""


@dataclass(frozen=True)
class PanelPlan:
    key: str
    resource_type: str
    title: str
    description: str
    unit: str
    global_region: bool
    availability: bool
    queries: tuple[Query, ...]


@dataclass(frozen=True)
class RowPlan:
    resource_type: str
    title: str
    panels: tuple[PanelPlan, ...]


def ref_id(index: int) -> str:
    """``A``…``Z``, ``AA``…: Grafana's own refId scheme, stable for a given panel."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _levels(alarms: Iterable[AlarmSpec]) -> Levels:
    by_severity = {a.severity: float(a.threshold) for a in alarms}
    lower = any(is_lower_bound(a) for a in alarms)
    return Levels(by_severity.get("warning"), by_severity.get("critical"), lower)


Dims = tuple[tuple[str, str], ...]
"""One resource: its resolved dimensions, sorted by key."""
Resource = tuple[Dims, list[AlarmSpec]]
"""A resource and its alarms (one per severity)."""


def _queries(
    alarms: Sequence[AlarmSpec],
    health_check_ids: Mapping[str, str],
    account_id: str | None = None,
) -> tuple[Query, ...]:
    """Alarms of one panel → queries: one per (threshold set, fixed dimensions) chunk."""
    first = alarms[0]
    resources: dict[Dims, list[AlarmSpec]] = {}
    for alarm in alarms:
        dims = tuple(sorted(alarm.resolved_dimensions(health_check_ids).items()))
        resources.setdefault(dims, []).append(alarm)

    groups: dict[tuple[Levels, tuple[str, ...]], list[Resource]] = {}
    for dims, members in resources.items():
        keys = tuple(k for k, _ in dims)
        groups.setdefault((_levels(members), keys), []).append((dims, members))

    queries: list[Query] = []
    for (levels, keys), group in sorted(groups.items(), key=_group_order):
        varying = [k for i, k in enumerate(keys) if len({dims[i][1] for dims, _ in group}) > 1]
        # several dimensions differ (rare), or the dimension is an opaque id the person paged
        # cannot read (Route 53 health check ids): one query per resource, labelled by name
        # and a metric-math alarm's expression is per resource (it reads single series)
        one_each = len(varying) > 1 or first.needs_health_check or first.is_math
        batches = [[r] for r in group] if one_each else [group]
        for batch in batches:
            vary = varying[0] if varying and len(batch) > 1 else None
            fixed = {k: v for k, v in batch[0][0] if k != vary}
            by_value = {dict(dims)[vary]: members for dims, members in batch} if vary else {}
            chunks = (
                split_by_length(
                    first.namespace,
                    first.metric,
                    fixed,
                    vary,
                    list(by_value),
                    first.stat,
                    account_id=account_id,
                )
                if vary
                else [()]
            )
            for chunk in chunks:
                chunk_alarms = (
                    tuple(a for value in chunk for a in by_value[value])
                    if vary
                    else tuple(a for _, members in batch for a in members)
                )
                dimensions: dict[str, tuple[str, ...]] = {k: (v,) for k, v in fixed.items()}
                if vary:
                    dimensions[vary] = chunk
                queries.append(
                    Query(
                        ref_id=ref_id(len(queries)),
                        namespace=first.namespace,
                        metric=first.metric,
                        statistic=first.stat,
                        region=GLOBAL_REGION if first.global_region else REGION_VARIABLE,
                        global_region=bool(first.global_region),
                        dimensions=tuple(sorted(dimensions.items())),
                        levels=levels,
                        alarms=tuple(sorted(chunk_alarms, key=lambda a: a.name)),
                        label=f"${{PROP('Dim.{vary}')}}" if vary else _label(chunk_alarms),
                        title=_title(first),
                        unit=grafana_unit(first),
                        math=first.metric_queries,
                    )
                )
    return tuple(queries)


def _group_order(
    group: tuple[tuple[Levels, tuple[str, ...]], list[Resource]],
) -> tuple[int, tuple[str, ...], bool, float, float]:
    """Largest group first, so the panel's default thresholds are the common ones."""
    (levels, keys), members = group
    return (-len(members), keys, levels.warning is None, levels.warning or 0, levels.critical or 0)


def _label(alarms: Sequence[AlarmSpec]) -> str:
    return alarms[0].resource_id if alarms else ""


def _panel_key(alarm: AlarmSpec) -> tuple[str, str, str, str, str, bool]:
    return (
        str(alarm.resource_type),
        alarm.signal_key,
        alarm.namespace,
        alarm.metric,
        alarm.stat,
        alarm.global_region,
    )


def _title(alarm: AlarmSpec) -> str:
    return alarm.title or alarm.signal_key


def _description(alarms: Sequence[AlarmSpec]) -> str:
    """What the metric is, and the alarm thresholds as written in the inventory.

    The lines are drawn in the metric's unit (``threshold``); the inventory's own numbers
    (``display_threshold`` in ``unit``) are listed here so the two can be compared.
    """
    first = alarms[0]
    signal = catalog_signal(first)
    levels = sorted(
        {(a.severity, a.display_threshold) for a in alarms},
        key=lambda sv: (sv[0] != "warning", sv[1]),
    )
    written = ", ".join(f"{sev} {readable(value, first.unit)}" for sev, value in levels)
    parts = [
        signal.description,
        _what_is_drawn(first),
        "Threshold lines are the CloudWatch alarm thresholds (orange warning, red critical)"
        f": {written}.",
    ]
    return " ".join(p for p in parts if p)


def _what_is_drawn(alarm: AlarmSpec) -> str:
    """The metric as the alarm evaluates it: the statistic, or the math expression and its rows."""
    if not alarm.is_math:
        return f"{alarm.namespace} {alarm.metric} ({alarm.stat})."
    rows = ", ".join(
        f"{q.id} = {q.metric} ({q.statistic})" for q in alarm.metric_queries if not q.is_expression
    )
    (value,) = (q for q in alarm.metric_queries if q.return_data)
    return f"{alarm.namespace} metric math, as the alarm evaluates it: {value.expression}; {rows}."


def plan_rows(
    alarms: Iterable[AlarmSpec],
    health_check_ids: Mapping[str, str] | None = None,
    account_id: str | None = None,
) -> tuple[RowPlan, ...]:
    """Every alarm lands in exactly one query of one panel of its resource type's row.

    ``health_check_ids``: URL check name → Route 53 health check id (required for URL alarms;
    see ``AlarmSpec.resolved_dimensions``). ``account_id``: the ``accountId`` the queries carry
    (cross-account observability), part of the SEARCH expression's length.
    """
    ids = health_check_ids or {}
    panels: dict[tuple, list[AlarmSpec]] = {}
    for alarm in alarms:
        panels.setdefault(_panel_key(alarm), []).append(alarm)

    rows: dict[str, list[PanelPlan]] = {}
    for key in sorted(panels, key=lambda k: (k[0], k[1], k[3], k[4])):
        members = sorted(panels[key], key=lambda a: a.name)
        rtype = key[0]
        rows.setdefault(rtype, []).append(
            PanelPlan(
                key="/".join(str(p) for p in key),
                resource_type=rtype,
                title=_title(members[0]),
                description=_description(members),
                unit=grafana_unit(members[0]),
                global_region=key[5],
                availability=any(a.availability for a in members),
                queries=_queries(members, ids, account_id),
            )
        )
    known = catalog.rows()  # each type's row title and order, from its catalog module
    return tuple(
        RowPlan(rtype, known[ResourceType(rtype)].title, tuple(panels_))
        for rtype, panels_ in sorted(
            rows.items(), key=lambda r: (known[ResourceType(r[0])].order, r[0])
        )
    )


def is_url_health(query: Query) -> bool:
    return query.namespace == "AWS/Route53" and query.metric == "HealthCheckStatus"


OK_COLOR = "green"
SEVERITY_COLORS: Mapping[str, str] = {"warning": "orange", "critical": "red"}


def threshold_steps(levels: Levels) -> tuple[tuple[float | None, str], ...]:
    """Grafana threshold steps: a base ``None`` step, then values ascending.

    A step's colour applies from its value upwards. Upper-bound alarms go green → orange → red;
    lower-bound alarms (free storage) go red → orange → green, the steps still ascending.
    """
    marks = sorted(
        (value, severity)
        for severity, value in (("warning", levels.warning), ("critical", levels.critical))
        if value is not None
    )
    if not levels.lower_bound:
        return ((None, OK_COLOR), *((v, SEVERITY_COLORS[s]) for v, s in marks))
    if not marks:
        return ((None, OK_COLOR),)
    colors = [SEVERITY_COLORS[s] for _, s in marks[1:]] + [OK_COLOR]
    return (
        (None, SEVERITY_COLORS[marks[0][1]]),
        *((v, c) for (v, _), c in zip(marks, colors, strict=True)),
    )
