"""reporting-signals-have-heartbeat: a resource whose metrics always report is watched for silence.

An alarm on a wrong or stale dimension (a recreated instance, a renamed cluster, a typo in the
inventory) never sees data. With ``treatMissingData`` missing it sits in INSUFFICIENT_DATA, with
notBreaching/ignore in OK — forever, and nobody is told (issue #12, "watch the watcher"). EC2,
RDS, Aurora and OpenSearch publish ``CPUUtilization`` and ElastiCache ``CurrConnections``
continuously while the resource exists (the pages cited in ``vigil.catalog.sources.HEARTBEAT``),
so each such resource of the stack must have a heartbeat alarm on that metric with exactly its
identity dimensions that goes to ALARM when no datapoint arrives:

- ``statistic`` ``SampleCount`` (how many datapoints a period has),
- ``treatMissingData`` ``breaching`` (CloudWatch user guide, "Configuring how CloudWatch alarms
  treat missing data": a period without datapoints then counts as breaching — without it the
  alarm itself goes silent exactly when the metric does),
- ``period × evaluationPeriods`` at most ``maxSilenceSeconds`` (one day: "noticed within a day,
  not never"; also CloudWatch's own limit, ``vigil.aws.rules``).

"A resource" is the value of the identity dimensions (``heartbeatMetrics``) in one region, found
from any alarm of the stack in that namespace whose dimensions include them. A resource the
inventory says may be stopped on purpose (its alarms carry ``vigil:may-be-stopped=true``, EC2
``may_be_stopped``) publishes nothing while stopped and is exempt.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_policy import EnforcementLevel, PolicyResource, ReportViolation

from policies import define as d
from policies import graph as g
from vigil.naming import TAG_MAY_BE_STOPPED

NAME = "reporting-signals-have-heartbeat"
DESCRIPTION = (
    "Every resource whose metrics are published continuously has a heartbeat alarm "
    "(SampleCount, treatMissingData breaching, silence noticed within a day)."
)
REMEDIATION = (
    "vigil creates '{site}-{type}-{id}-heartbeat-warning' for every EC2 instance, RDS instance, "
    "Aurora cluster, OpenSearch domain and ElastiCache node (docs/ALARMS.md, \"Heartbeat "
    "alarms\"): one was removed or overridden in the program. Set may_be_stopped: true on an "
    "EC2 instance that is stopped on purpose instead."
)
DEFAULTS: dict[str, Any] = {
    "heartbeatMetrics": [
        "AWS/EC2 CPUUtilization InstanceId",
        "AWS/RDS CPUUtilization DBInstanceIdentifier",
        "AWS/RDS CPUUtilization DBClusterIdentifier",
        "AWS/ES CPUUtilization ClientId,DomainName",
        "AWS/ElastiCache CurrConnections CacheClusterId",
    ],
    "maxSilenceSeconds": 86400,
}
CONFIG_SCHEMA = d.config_schema(
    DEFAULTS,
    heartbeatMetrics="'<namespace> <metric> <dimension>[,<dimension>…]': a metric published "
    "continuously while the resource exists, and the dimensions that name the resource "
    "(tests/policies pin these to what vigil's catalog generates).",
    maxSilenceSeconds={
        "type": "integer",
        "minimum": 60,
        "maximum": 86400,
        "description": "Longest period × evaluationPeriods of a heartbeat alarm (CloudWatch "
        "allows at most one day).",
    },
)

HEARTBEAT_STATISTIC = "SampleCount"


@dataclass(frozen=True)
class Heartbeat:
    """One ``heartbeatMetrics`` entry."""

    namespace: str
    metric: str
    dimensions: tuple[str, ...]

    @classmethod
    def parse(cls, entry: str) -> Heartbeat:
        namespace, metric, dims = entry.split()
        return cls(namespace, metric, tuple(sorted(dims.split(","))))

    def label(self) -> str:
        return f"{self.namespace} {self.metric}"


Key = tuple[Heartbeat, tuple[str, ...], str | None]
"""(entry, values of its identity dimensions, region of the alarms' provider)."""


def _region(res: PolicyResource) -> str | None:
    if res.provider is None:
        return None
    region = g.prop(res.provider.props, "region")
    return region if isinstance(region, str) and not g.is_unknown(region) else None


def _problems(props: Mapping[str, Any], max_seconds: int) -> list[str] | None:
    """Why a heartbeat candidate does not detect silence; ``None`` while a value is unknown."""
    stat, treat = props.get("statistic"), props.get("treatMissingData")
    period = g.number(props.get("period"))
    periods = g.number(props.get("evaluationPeriods"))
    if any(g.is_unknown(v) for v in (stat, treat, props.get("period"),
                                     props.get("evaluationPeriods"))):
        return None
    out = []
    if stat != HEARTBEAT_STATISTIC:
        out.append(f"statistic is {stat or props.get('extendedStatistic')!r}, not SampleCount")
    if treat != "breaching":
        out.append(f"treatMissingData is {treat or 'missing (default)'!r}, not breaching: it "
                   "goes silent with the metric")
    if period is None or periods is None:
        out.append("has no period or evaluationPeriods")
    elif period * periods > max_seconds:
        out.append(f"period × evaluationPeriods = {period * periods:g} s, above {max_seconds} s")
    return out


def check(
    graph: g.Graph, cfg: dict[str, Any], report: ReportViolation, unverified: g.Unverified
) -> None:
    entries = [Heartbeat.parse(e) for e in cfg["heartbeatMetrics"]]
    max_seconds = int(cfg["maxSilenceSeconds"])
    alarms: dict[Key, list[PolicyResource]] = defaultdict(list)
    beats: dict[Key, list[PolicyResource]] = defaultdict(list)
    exempt: set[Key] = set()
    undecided_namespaces: set[Any] = set()  # an alarm there may be the missing heartbeat
    for alarm in graph.of_type(g.METRIC_ALARM):
        props = graph.props(alarm)
        namespace, dims = props.get("namespace"), props.get("dimensions")
        if namespace is None and props.get("metricQueries"):
            continue  # metric math: no single resource
        if g.is_unknown(namespace) or g.contains_unknown(dims):
            unverified.add(f"namespace and dimensions of alarm {alarm.name}")
            undecided_namespaces.add(g.UNKNOWN if g.is_unknown(namespace) else namespace)
            continue
        if not isinstance(dims, Mapping):
            continue
        for entry in entries:
            if namespace != entry.namespace or not set(entry.dimensions) <= set(dims):
                continue
            key: Key = (entry, tuple(str(dims[k]) for k in entry.dimensions), _region(alarm))
            alarms[key].append(alarm)
            tags = g.tags_of(props)
            if isinstance(tags, Mapping) and g.as_bool(tags.get(TAG_MAY_BE_STOPPED)):
                exempt.add(key)
            if props.get("metricName") == entry.metric and set(dims) == set(entry.dimensions):
                beats[key].append(alarm)
    for key, found in sorted(alarms.items(), key=lambda kv: kv[1][0].urn):
        if key in exempt:
            continue
        entry, values, region = key
        resource = ", ".join(f"{k}={v}" for k, v in zip(entry.dimensions, values, strict=True))
        names = sorted(a.name for a in found)
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        site = graph.site_of(found[0])
        where = f"site {site.site_id}: " if site else ""
        reasons: list[str] = []
        undecided = False
        for beat in beats.get(key, ()):
            problems = _problems(graph.props(beat), max_seconds)
            if problems is None:
                undecided = True
            elif not problems:
                break
            else:
                reasons.append(f"{beat.name}: {'; '.join(problems)}")
        else:
            if undecided or {entry.namespace, g.UNKNOWN} & undecided_namespaces:
                unverified.add(f"heartbeat alarm of {resource}")
                continue
            detail = (" (" + " | ".join(reasons) + ")") if reasons else ""
            report(
                f"{where}{resource} ({region or 'provider region unknown'}; alarms "
                f"{shown}) has no heartbeat alarm on "
                f"{entry.label()}{detail}: a wrong or stale dimension would never be noticed. "
                f"{REMEDIATION}",
                found[0].urn,
            )


POLICY = d.stack_policy(
    NAME, DESCRIPTION, EnforcementLevel.MANDATORY, REMEDIATION, CONFIG_SCHEMA, check
)
