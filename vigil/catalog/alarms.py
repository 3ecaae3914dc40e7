"""Concrete alarm specs for one site: catalog signals × resources × severities.

Pure and deterministic (sorted by name): the CloudWatch component creates one MetricAlarm per
spec, Grafana draws one panel per (resource, signal) from the same specs, and policies/plan
count them, so every tool agrees on what is watched and at which level.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeVar

from vigil import catalog, naming
from vigil.catalog import ec2, url
from vigil.catalog import sources as src
from vigil.catalog.spec import MetricQuery, Signal, Target
from vigil.models import (
    CATALOG_DEFAULT,
    SEVERITIES,
    Origin,
    ResourceType,
    Severity,
    Site,
    Threshold,
)

_Id = TypeVar("_Id")

GLOBAL_REGION = "us-east-1"
"""Region of CloudFront and Route 53 metrics (an alarm cannot watch another region's metric)."""


@dataclass(frozen=True)
class AlarmSpec:
    """Everything needed to create one CloudWatch alarm and draw its dashboard panel."""

    name: str  # {site}-{type}-{resource}-{signal}-{severity}; also the CloudWatch alarm name
    site_id: str
    resource_type: ResourceType
    resource_id: str
    signal: Signal  # the catalog entry the alarm comes from (``signal.key``: cpu_utilization)
    severity: Severity
    namespace: str
    metric: str
    dimensions: Mapping[str, str]
    statistic: str | None  # exactly one of statistic / extended_statistic is set
    extended_statistic: str | None
    period: int
    evaluation_periods: int
    datapoints_to_alarm: int
    comparison: str
    threshold: float  # in the metric's unit (inventory value × signal scale)
    treat_missing_data: str
    availability: bool
    global_region: bool
    region: str  # where the alarm (and its metric) lives
    description: str
    title: str = ""
    unit: str = "count"  # unit of ``display_threshold`` (inventory unit)
    display_threshold: float = 0.0  # threshold as written in the inventory
    origin: Origin = CATALOG_DEFAULT  # the cascade layer (file:line) that set the level
    extra_alarm_actions: tuple[str, ...] = ()  # e.g. EC2 recover
    runbook_url: str = ""
    dashboard_url: str = ""
    tags: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    evaluate_low_sample_count_percentiles: str | None = None
    """``ignore`` on percentile alarms: a minute with a handful of requests keeps the alarm's
    state instead of paging on one slow request (CloudWatch user guide, "Percentile-based
    alarms and low data samples"); ``None`` for other statistics (the API allows it only for
    percentiles)."""
    metric_queries: tuple[MetricQuery, ...] = ()
    """Metric math (``signal.queries``): the alarm sends these rows (each metric row with
    ``dimensions`` and ``period``) and no top-level metric, statistic, period or dimensions."""

    @property
    def is_math(self) -> bool:
        return bool(self.metric_queries)

    @property
    def needs_health_check(self) -> bool:
        """Its ``HealthCheckId`` dimension is filled with the URL's Route 53 health check id."""
        return self.resource_type is ResourceType.URL

    @property
    def signal_key(self) -> str:
        return self.signal.key

    @property
    def stat(self) -> str:
        return self.extended_statistic or self.statistic or ""

    def resolved_dimensions(self, health_check_ids: Mapping[str, _Id]) -> dict[str, str | _Id]:
        """``dimensions`` with the health-check placeholder replaced by the real id.

        The one convention every tool uses: ``health_check_ids`` maps the URL check's name
        (= ``resource_id`` of its specs) to the id of its Route 53 health check — a plain
        string (dashboards, tests) or a Pulumi Output (``CloudWatchAlarms.health_check_ids``).
        """
        if not self.needs_health_check:
            return dict(self.dimensions)
        if self.resource_id not in health_check_ids:
            raise KeyError(f"{self.name}: no Route 53 health check id for URL {self.resource_id!r}")
        hc_id = health_check_ids[self.resource_id]
        return {k: hc_id if v == url.HEALTH_CHECK_ID else v for k, v in self.dimensions.items()}


def _description(site: Site, signal: Signal, severity: str, resource_id: str, dash: str) -> str:
    lines = [
        f"[{severity.upper()}] {site.id}: {signal.title or signal.key} on {resource_id}.",
        signal.description,
        f"site={site.id} client={site.client} tier={site.tier.name} severity={severity}",
        f"Runbook: {site.runbook_url}",
    ]
    if dash:
        lines.append(f"Dashboard: {dash}")
    return "\n".join(line for line in lines if line)[:1024]


HEARTBEAT_KEY = "heartbeat"
"""Signal key of the heartbeat alarm: ``{site}-{type}-{id}-heartbeat-warning``."""
HEARTBEAT_PERIOD = 3600
HEARTBEAT_EVALUATION_PERIODS = 3
"""Three hourly periods without a single datapoint: a wrong or stale dimension is noticed within
3 hours (issue #12: "within a day, not never"), and ``Period × EvaluationPeriods`` = 10 800 s
stays inside CloudWatch's one-day limit (``vigil.aws.rules``). Hourly periods are standard
resolution: priced as any other alarm (``vigil.aws.prices``)."""
HEARTBEAT_SOURCE = (
    "CloudWatch user guide, \"Configuring how CloudWatch alarms treat missing data\" "
    "(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/"
    "AlarmThatSendsEmail.html#alarms-and-missing-data): with treatMissingData=breaching a "
    "period without datapoints counts as breaching, so the alarm goes to ALARM instead of "
    "INSUFFICIENT_DATA"
)


def heartbeat_signal(signal: Signal) -> Signal:
    """The heartbeat alarm's signal for ``signal`` (a ``heartbeat`` one): ALARM once the metric
    has not been published for three whole hours.

    ``SampleCount`` counts the datapoints of a period; a period without any has no value at all
    (not 0), which ``treat_missing_data=breaching`` turns into a breaching period — that is the
    alarm. ``< 1`` also breaches on a reported zero count. The alarm is in INSUFFICIENT_DATA
    only between its creation and its first evaluation; afterwards missing data is ALARM, never
    INSUFFICIENT_DATA (CloudWatch user guide, "Configuring how CloudWatch alarms treat missing
    data"). A warning: it routes like every warning (low urgency), it is no availability signal.
    """
    label = signal.title or signal.metric
    return Signal(
        key=HEARTBEAT_KEY,
        namespace=signal.namespace,
        metric=signal.metric,
        statistic="SampleCount",
        comparison="LessThanThreshold",
        default=Threshold(warning=1),
        treat_missing_data="breaching",
        title=f"{label} reporting",
        description=(
            f"{signal.namespace} {signal.metric} has not been published for "
            f"{HEARTBEAT_PERIOD * HEARTBEAT_EVALUATION_PERIODS // 3600} hours although the "
            "service publishes it continuously while the resource exists: the resource is gone "
            "or was recreated under another id, or the inventory's id is wrong, and every other "
            "alarm of it watches nothing."
        ),
        unit="count",
        period_seconds=HEARTBEAT_PERIOD,
        evaluation_periods=HEARTBEAT_EVALUATION_PERIODS,
        datapoints_to_alarm=HEARTBEAT_EVALUATION_PERIODS,
        extra_dimensions=signal.extra_dimensions,
        source=src.join(signal.heartbeat_source, HEARTBEAT_SOURCE),
    )


def may_be_stopped(model: object) -> bool:
    """The inventory says the resource may be stopped on purpose (EC2 ``may_be_stopped``)."""
    return bool(getattr(model, "may_be_stopped", False))


def heartbeat_for(rtype: ResourceType, model: object) -> Signal | None:
    """The heartbeat alarm's signal of one resource: from its type's first ``heartbeat`` signal
    that applies to it; ``None`` when it has none or may be stopped on purpose."""
    if may_be_stopped(model):
        return None
    for signal in catalog.signals(rtype):
        if signal.heartbeat and (signal.applies is None or signal.applies(model)):
            return heartbeat_signal(signal)
    return None


def _signals_for(rtype: ResourceType, target: Target) -> list[Signal]:
    """The catalog signals that apply to ``target``, then its heartbeat signal (if any)."""
    found = [
        signal
        for signal in catalog.signals(rtype)
        if signal.applies is None or signal.applies(target.model)
    ]
    heartbeat = heartbeat_for(rtype, target.model)
    return found if heartbeat is None else [*found, heartbeat]


def _treat_missing_data(signal: Signal, model: object) -> str:
    """The signal's treatment, or its ``when_stopped`` one for a resource that may be stopped."""
    if signal.when_stopped and may_be_stopped(model):
        return signal.when_stopped
    return signal.treat_missing_data


def _specs_for(site: Site, rtype: ResourceType, target: Target, dash: str) -> list[AlarmSpec]:
    specs: list[AlarmSpec] = []
    tier_alarm = site.tier.alarm
    stoppable = may_be_stopped(target.model)
    for signal in _signals_for(rtype, target):
        capacity = _capacity(signal, target)
        if signal.relative_to is not None and capacity is None:
            continue  # unsized: the absolute stand-in signal watches it (see ``unsized``)
        evaluation_periods = signal.evaluation_periods or tier_alarm.evaluation_periods
        datapoints = min(
            signal.datapoints_to_alarm or tier_alarm.datapoints_to_alarm, evaluation_periods
        )
        threshold = target.thresholds.get(signal.key, signal.default)
        for severity in SEVERITIES:
            level = getattr(threshold, severity)
            if level is None:
                continue
            value = float(level) * signal.scale
            if capacity is not None:
                value = round(float(level) * capacity * signal.scale, 6)  # 70% x 1000 = 700
                if value <= 0:
                    continue  # a group allowed to scale to zero has no minimum to defend
            extra: tuple[str, ...] = ()
            if (
                rtype is ResourceType.EC2
                and signal.key == ec2.RECOVER_SIGNAL
                and ec2.recoverable(target.model.instance_type)
            ):
                extra = (ec2.recover_action_arn(site.aws_region),)
            resource = f"{rtype.value}-{target.resource_id}"
            name = naming.resource_name(site, resource, signal.key, severity)
            specs.append(
                AlarmSpec(
                    name=name,
                    site_id=site.id,
                    resource_type=rtype,
                    resource_id=target.resource_id,
                    signal=signal,
                    severity=severity,
                    namespace=signal.namespace,
                    metric=signal.metric,
                    dimensions=MappingProxyType(
                        dict(sorted({**target.dimensions, **signal.extra_dimensions}.items()))
                    ),
                    statistic=None if signal.is_percentile else signal.statistic,
                    extended_statistic=signal.statistic if signal.is_percentile else None,
                    period=_period(signal, target, tier_alarm.period_seconds),
                    evaluation_periods=evaluation_periods,
                    datapoints_to_alarm=datapoints,
                    comparison=signal.comparison,
                    threshold=value,
                    treat_missing_data=_treat_missing_data(signal, target.model),
                    availability=signal.availability,
                    global_region=signal.global_region,
                    region=GLOBAL_REGION if signal.global_region else site.aws_region,
                    description=_description(site, signal, severity, target.resource_id, dash),
                    title=signal.title or signal.key,
                    unit=signal.unit,
                    display_threshold=float(level),
                    origin=threshold.origin(severity),
                    extra_alarm_actions=extra,
                    runbook_url=site.runbook_url,
                    dashboard_url=dash,
                    tags=MappingProxyType(alarm_tags(site, signal, severity, stoppable)),
                    evaluate_low_sample_count_percentiles=(
                        "ignore" if signal.is_percentile and not signal.is_math else None
                    ),
                    metric_queries=signal.queries,
                )
            )
    return specs


def _capacity(signal: Signal, target: Target) -> float | None:
    """The model attribute a relative threshold multiplies (``None``: unknown capacity)."""
    if signal.relative_to is None:
        return None
    raw = getattr(target.model, signal.relative_to)
    return None if raw is None else float(raw)


@dataclass(frozen=True)
class Unsized:
    """An alarm whose level is absolute because the resource's capacity is unknown."""

    site_id: str
    resource_type: ResourceType
    resource_id: str
    signal_key: str
    reason: str

    @property
    def message(self) -> str:
        return (
            f"{self.site_id}: {self.resource_type}.{self.signal_key} on {self.resource_id} is "
            f"unsized ({self.reason})"
        )


@dataclass(frozen=True)
class Unwatched:
    """A resource of the inventory that gets no alarm, and why (its model's
    ``unwatched_reason``): the plan says so rather than leave a silent hole."""

    site_id: str
    resource_type: ResourceType
    resource_id: str
    reason: str

    @property
    def message(self) -> str:
        where = f"{self.site_id}: {self.resource_type} {self.resource_id}"
        return f"{where} has no alarm: {self.reason}"


def unwatched(site: Site) -> tuple[Unwatched, ...]:
    """Every resource of ``site`` whose catalog module says it is not watched (e.g. an Auto
    Scaling group without group metrics collection)."""
    return tuple(
        Unwatched(site.id, rtype, target.resource_id, reason)
        for rtype, targets in catalog.TARGETS.items()
        for target in targets(site)
        if (reason := getattr(target.model, "unwatched_reason", ""))
    )


def unsized(site: Site) -> tuple[Unsized, ...]:
    """Every alarm of ``site`` that uses an absolute stand-in for a sized threshold.

    A catalog module says why through its model's ``unsized_reason`` (e.g. "no instance_class:
    absolute connection and memory levels"); the plan prints these as notes.
    """
    out: list[Unsized] = []
    for rtype, targets in catalog.TARGETS.items():
        for target in targets(site):
            reason = getattr(target.model, "unsized_reason", None)
            if not reason:
                continue
            for signal in catalog.signals(rtype):
                if not signal.unsized:
                    continue
                if signal.applies is not None and not signal.applies(target.model):
                    continue
                out.append(Unsized(site.id, rtype, target.resource_id, signal.key, reason))
    return tuple(out)
def _period(signal: Signal, target: Target, tier_period: int) -> int:
    """The signal's own period, else the tier's; never shorter than the metric is published."""
    period = signal.period_seconds or tier_period
    if signal.resolution is not None:
        period = max(period, signal.resolution(target.model))
    return period


def alarm_tags(
    site: Site, signal: Signal, severity: str, may_be_stopped: bool = False
) -> dict[str, str]:
    """Standard tags plus severity, signal, (for availability signals) the availability flag
    and (for a resource that may be stopped on purpose) ``vigil:may-be-stopped``."""
    tags = {
        **naming.standard_tags(site),
        naming.TAG_SEVERITY: severity,
        naming.TAG_SIGNAL: signal.key,
    }
    if signal.availability:
        tags[naming.TAG_AVAILABILITY] = "true"
    if may_be_stopped:
        tags[naming.TAG_MAY_BE_STOPPED] = "true"
    return tags


def alarms_for_site(site: Site, grafana_url: str | None = None) -> tuple[AlarmSpec, ...]:
    """Every default alarm of ``site`` (resolved thresholds), sorted by name.

    ``grafana_url`` (``StackSettings.dashboard_url``) adds the site's dashboard link to each alarm's
    description; the dashboard uid is stable, so the link is valid before Grafana exists.
    """
    dash = naming.dashboard_url(grafana_url, site) if grafana_url else ""
    specs = [
        spec
        for rtype, targets in catalog.TARGETS.items()
        for target in targets(site)
        for spec in _specs_for(site, rtype, target, dash)
    ]
    names = [s.name for s in specs]
    if len(names) != len(set(names)):
        dupes = sorted({n for n in names if names.count(n) > 1})
        raise ValueError(f"{site.id}: duplicate alarm names {dupes}")
    return tuple(sorted(specs, key=lambda s: s.name))


def health_check_name(site: Site, check_name: str) -> str:
    return naming.resource_name(site, f"url-{check_name}", "health-check")


__all__ = [
    "GLOBAL_REGION",
    "HEARTBEAT_KEY",
    "AlarmSpec",
    "Unsized",
    "Unwatched",
    "alarm_tags",
    "alarms_for_site",
    "health_check_name",
    "heartbeat_for",
    "heartbeat_signal",
    "may_be_stopped",
    "unsized",
    "unwatched",
    "url",
]
