"""Shapes shared by the catalog modules."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from vigil.models import ResourceType, Site, Threshold, Thresholds


@dataclass(frozen=True)
class MetricQuery:
    """One row of a metric-math alarm (CloudWatch ``MetricDataQuery``): a metric or an expression.

    A metric row names a metric of the signal's namespace and its statistic; the alarm builder
    gives it the resource's dimensions and the alarm's period. An expression row combines rows
    by their ``id`` (CloudWatch user guide, "Using metric math"). Exactly one row of a signal
    has ``return_data``: the value the alarm compares with its threshold (botocore cloudwatch
    model, MetricDataQuery.ReturnData; checked by ``vigil.aws.rules``).
    """

    id: str  # ^[a-z][a-zA-Z0-9_]*$ (MetricDataQuery.Id)
    metric: str = ""
    statistic: str = ""
    expression: str = ""
    label: str = ""
    return_data: bool = False

    @property
    def is_expression(self) -> bool:
        return bool(self.expression)


@dataclass(frozen=True)
class Signal:
    """One default alarm of a resource type; thresholds come from the cascade.

    ``default`` is the bottom of the cascade; a severity whose resolved level is ``None`` gets
    no alarm. Thresholds are written in the inventory's unit (``unit``); ``scale`` converts them
    to the metric's unit (e.g. seconds → milliseconds for ``AuroraReplicaLag``).
    """

    key: str
    namespace: str
    metric: str
    statistic: str  # Average, Sum, Minimum, Maximum, SampleCount, or a percentile like p99
    comparison: str  # CloudWatch ComparisonOperator
    default: Threshold
    treat_missing_data: str = "missing"
    availability: bool = False
    description: str = ""
    title: str = ""
    """Short human label (dashboard panel title, alarm description headline)."""
    unit: str = "count"
    """Unit of the thresholds as written in the inventory (Grafana panel unit hint)."""
    scale: float = 1.0
    period_seconds: int | None = None
    """Overrides the tier's alarm period when the metric is published less often (or when the
    signal's source recommends a longer window, e.g. OpenSearch CPU over 15 minutes)."""
    evaluation_periods: int | None = None
    """Overrides the tier's evaluation periods (``period_seconds`` × this ≤ one day)."""
    datapoints_to_alarm: int | None = None
    """Overrides the tier's datapoints to alarm (at most the evaluation periods)."""
    resolution: Callable[[Any], int] | None = None
    """Seconds between the datapoints the service publishes for this resource (EC2 CPU: 300
    without detailed monitoring); the alarm period is at least this."""
    extra_dimensions: Mapping[str, str] = field(default_factory=dict)
    applies: Callable[[Any], bool] | None = None
    """Predicate on the resource model: ``None`` means every resource of the type."""
    relative_to: str | None = None
    """Attribute of the resource model the threshold multiplies (e.g. ``min_in_service``; with
    ``scale`` 0.01 a percentage of ``max_connections``). An attribute that is ``None`` (the
    capacity is unknown: no ``instance_class``) gives no alarm."""
    metric_unit: str = ""
    """Unit of the metric when ``relative_to`` makes it differ from ``unit`` (a percentage of
    memory alarms on bytes); empty: a count."""
    unsized: bool = False
    """An absolute level that stands in for a sized one while the resource's capacity is
    unknown; the plan lists every alarm that uses one (``vigil.catalog.alarms.unsized``)."""
    source: str = ""
    """Where the alarm comes from: the AWS recommended alarm (section of the CloudWatch user
    guide's "Recommended alarms" page), cdk-monitoring-constructs, or the AWS metric page that
    justifies it. Shown in the severity matrix (docs/ALARMS.md)."""
    global_region: bool = False
    """The metric lives only in us-east-1 (CloudFront, Route 53)."""
    missing_data_reason: str = ""
    """Why ``treat_missing_data`` is ``notBreaching``, ``ignore`` or ``missing`` for this signal
    (e.g. "ALB 5xx counts are not published in a minute without 5xx responses"); required for
    every signal that does not treat missing data as breaching (tests/alertpath). CloudWatch
    user guide, "Configuring how CloudWatch alarms treat missing data"."""
    heartbeat: bool = False
    """The service publishes this metric continuously while the resource exists (EC2, RDS,
    Aurora and OpenSearch CPU; ElastiCache ``CurrConnections``), so no data at all means the
    alarm's dimensions are wrong or stale (a renamed cluster, a replaced instance). A target
    with a heartbeat signal gets one extra ``heartbeat-warning`` alarm on its ``SampleCount``
    (``vigil.catalog.alarms.heartbeat_signal``) that goes to ALARM when the metric stops
    reporting. A resource whose model says ``may_be_stopped`` gets none (stopped on purpose,
    it publishes nothing)."""
    heartbeat_source: str = ""
    """The AWS page saying the metric is published continuously (required with
    ``heartbeat``; shown in the severity matrix for the heartbeat alarm)."""
    when_stopped: str = ""
    """``treat_missing_data`` instead of the signal's own for a resource whose model says
    ``may_be_stopped`` (an EC2 instance stopped on purpose publishes no status checks: with
    ``breaching`` they would page); empty: the same as for any resource. The alarms of such a
    resource carry the ``vigil:may-be-stopped`` tag so the policies can tell."""

    # -- metric math (issue 12.3: rates instead of counts) ----------------------------------
    queries: tuple[MetricQuery, ...] = ()
    """Metric-math rows: when set, the alarm watches the row with ``return_data`` instead of
    ``metric``/``statistic`` (which then name the signal's headline metric for the matrix,
    detection and dashboards). Every metric row is charged as one alarm metric (CloudWatch
    pricing, "Alarms")."""

    @property
    def is_math(self) -> bool:
        return bool(self.queries)

    @property
    def query_metrics(self) -> tuple[MetricQuery, ...]:
        """The rows that fetch a metric (not expressions)."""
        return tuple(q for q in self.queries if not q.is_expression)

    @property
    def is_percentile(self) -> bool:
        return self.statistic.startswith("p")


@dataclass(frozen=True)
class ZabbixThreshold:
    """A threshold key of a resource type that only Zabbix applies: no CloudWatch metric
    carries what it measures, so it gets no CloudWatch alarm, no Grafana panel and no
    detection time. It is a threshold like a ``Signal``'s for everything else (schema,
    cascade, semantic checks, severity matrix): the same fields under the same names.

    Example: a URL's response time. Route 53's TCP checks measure no page load, so the level
    is Zabbix's web scenario trigger on ``web.test.time`` (``vigil.zabbix.render``).
    """

    key: str
    comparison: str  # as a CloudWatch ComparisonOperator: the direction of the Zabbix trigger
    default: Threshold
    unit: str
    title: str
    description: str
    applied_by: str
    """The Zabbix item and trigger that apply the level (shown in the severity matrix)."""
    source: str


ThresholdKey = Signal | ZabbixThreshold
"""Whatever a threshold key of the inventory names: a CloudWatch signal or a Zabbix level."""


@dataclass(frozen=True)
class Target:
    """One concrete resource a catalog module watches: its id, dimensions and thresholds."""

    resource_id: str
    dimensions: Mapping[str, str]
    thresholds: Thresholds
    model: Any


Doc = Mapping[str, Any]
"""One schema-valid YAML mapping (a resource entry of a site file)."""

ResolveThresholds = Callable[[ResourceType, "Doc | None"], Thresholds]
"""The cascade for one resource: ``(type, the entry's own thresholds) → resolved thresholds``."""


@dataclass(frozen=True)
class Row:
    """The type's row on the site dashboard: its title and where it sits (lower = higher up).

    Rows follow a request's path: edge → load balancer → compute → data stores.
    """

    title: str
    order: int


@dataclass(frozen=True)
class ResourceKind:
    """Everything vigil knows about one AWS resource type, declared once in its catalog module.

    The loader, the schema generator (``python -m vigil.catalog.schema_gen``), the semantic
    checks, the alarm builder and the dashboard read only this: a new type is one module.

    ``schema`` is the JSON Schema of one entry without its ``thresholds`` property (the
    generator adds it, listing ``signals`` so editors complete the keys); ``#/$defs/<name>``
    references point into ``schema_defs`` or at another kind's entry (by its type key).
    ``build`` turns a schema-valid entry into the model (normalisation lives here) given the
    cascade for its thresholds. Types listed inside another type's entries (target groups
    inside a load balancer) have no ``inventory_key``; their parent names them in ``nested``.
    """

    type: ResourceType
    title: str  # "RDS DB instances": schema descriptions
    signals: tuple[Signal, ...]
    targets: Callable[[Site], tuple[Target, ...]]
    row: Row
    inventory_key: str | None = None  # key under a site's ``resources``
    build: Callable[[Doc, ResolveThresholds], Any] | None = None
    schema: Mapping[str, Any] | None = None
    schema_defs: Mapping[str, Any] = field(default_factory=dict)
    id_field: str = "id"  # the entry key that must be unique within the site
    ids_case_insensitive: bool = False
    nested: Mapping[str, ResourceType] = field(default_factory=dict)
    """Entry key → type of the entries listed under it (``target_groups`` → target_group)."""
    zabbix_thresholds: tuple[ZabbixThreshold, ...] = ()
    """Threshold keys only Zabbix applies (no CloudWatch alarm); ``signals`` are the alarms."""
