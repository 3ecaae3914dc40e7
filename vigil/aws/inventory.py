"""The AWS rules applied to inventory values, for ``vigil validate``: each breach at its line.

The plan's ``aws-api-rules`` policy checks every aws:* input after the program ran; here the
*same* inputs (built by :mod:`vigil.aws.inputs`, the builders the components call) go through
the *same* :func:`vigil.aws.check_resource`, and each breach is traced back from the API
parameter it names to the inventory field that produced the value (:class:`Field`), so the
onboarding engineer sees ``sites/acme/shop.yaml:40:3: tags: …`` instead of a failed apply.

What is checked per site, and why that is enough:

- every Route 53 health check, in full; the site's topic with the longest name (topics differ
  only in the severity, and CreateTopic has no regional rule), and likewise its dead-letter
  queue; the alarm with the most tags, in
  full (every alarm carries the site's tags, vigil's own differ by one);
- per watched resource, the ``AlarmName`` and ``Dimensions`` of its alarm with the longest name
  (only when :func:`alarms_may_break`: upper bounds computed without building the alarms show
  some alarm of the site could break a length or count; typically none does)
  (the resource's id is in both; the limits an id can break are maximum lengths, the same in
  every alarm of the resource). While the model's shapes of both carry lengths only, a resource
  whose longest name and dimension values are within them is not probed further.

What only the catalog puts in (statistics, operators, metric names, the description, truncated
to the model's 1,024) is checked on every alarm by the plan's policy. Checking every alarm of
every site in full would cost about 4 ms per site; this costs a tenth of it (``bench/VALIDATE.md``).

The alarm timing of ``defaults.yaml`` (period × evaluation periods, datapoints, high-resolution
periods) is checked once per tier by :func:`alarm_timing_breaches`, with the same rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, cast

from botocore.model import ListShape, StringShape, StructureShape

from vigil import catalog, naming
from vigil import resource_types as rt
from vigil.aws import check_resource, inputs, rules, shapes
from vigil.aws.calls import Context, api_calls, metric_alarm
from vigil.aws.limits import route53_max_tags
from vigil.aws.shapes import Breach
from vigil.catalog.alarms import (
    GLOBAL_REGION,
    HEARTBEAT_KEY,
    AlarmSpec,
    alarm_tags,
    alarms_for_site,
    health_check_name,
    may_be_stopped,
)
from vigil.models import SEVERITIES, ResourceType, Site

Path = tuple[str | int, ...]

HEALTH_CHECK_ID_EXAMPLE = "0f3c6e1a-8b2d-4c5e-9f70-1a2b3c4d5e6f"
"""What Route 53 returns as a health check id (a UUID), in place of the id known after apply."""

ALARM_TIMING = ("period_seconds", "evaluation_periods", "datapoints_to_alarm")
"""The ``alarm`` keys of defaults.yaml (global and per tier), in the order of the parameters."""
_TIMING_PARAMETER = {
    "Period": "period_seconds",
    "EvaluationPeriods": "evaluation_periods",
    "DatapointsToAlarm": "datapoints_to_alarm",
}


@dataclass(frozen=True)
class Field:
    """Where an API parameter's value comes from in the inventory.

    ``file`` is ``site`` (the site file: ``path`` inside it) or ``defaults`` (``path`` is the
    ``alarm`` key; the tier's block or the global one, wherever it is set). ``note`` says what
    else went into the value (vigil's own tags next to the site's).
    """

    file: Literal["site", "defaults"]
    path: Path
    note: str = ""


@dataclass(frozen=True)
class Probe:
    """One generated resource: its wire inputs and where their values come from."""

    type: str
    name: str
    subject: str  # "Route 53 health check acme-shop-url-home-health-check"
    inputs: Mapping[str, Any]
    ctx: Context
    fields: tuple[tuple[str, Field], ...]  # API parameter path prefix → field
    members: tuple[str, ...] = ()
    """Only these parameters of the (single) API call are checked; empty: the whole resource."""


@dataclass(frozen=True)
class Located:
    """A breach and the inventory field to blame (``None``: no inventory value caused it)."""

    field: Field | None
    subject: str
    breach: Breach


def _prefix_matches(where: str, prefix: str) -> bool:
    return where == prefix or where.startswith((f"{prefix}.", f"{prefix}["))


def locate(probe: Probe, breach: Breach) -> Field | None:
    """The field of the longest parameter prefix of ``breach.where`` (``None``: vigil's own)."""
    best: tuple[int, Field] | None = None
    for prefix, field in probe.fields:
        if _prefix_matches(breach.where, prefix) and (best is None or len(prefix) > best[0]):
            best = (len(prefix), field)
    return best[1] if best else None


def _tag_fields(param: str, tags: Mapping[str, str], site: Site, own: Sequence[str],
                limit: str) -> list[tuple[str, Field]]:
    """``param`` (the tag list, sorted by key as the provider sends it) → the site's ``tags``;
    ``param[i]`` → ``tags.<key>`` when that tag is the site's."""
    note = (f"vigil adds {len(own)} tags of its own ({', '.join(sorted(own))}); {limit}"
            if own else "")
    fields = [(param, Field("site", ("tags",), note))]
    for index, key in enumerate(sorted(tags)):
        if key in site.tags and key not in own:
            fields.append((f"{param}[{index}]", Field("site", ("tags", key))))
    return fields


def entry_paths(doc: Mapping[str, Any]) -> dict[tuple[str, str], Path]:
    """``(resource type, id)`` → the path of the id in the site file, for every resource the
    catalog watches (nested target groups and RDS read replicas included; ids lower-cased for
    the types whose ids are case-insensitive, as their models store them)."""
    out: dict[tuple[str, str], Path] = {}
    resources = doc.get("resources") or {}
    for kind in catalog.LISTED:
        key = str(kind.inventory_key)
        for index, entry in enumerate(resources.get(key) or ()):
            base: Path = ("resources", key, index)
            _add(out, kind.type, entry.get(kind.id_field), (*base, kind.id_field),
                 kind.ids_case_insensitive)
            for list_key, items in entry.items():
                if not isinstance(items, list):
                    continue
                nested = kind.nested.get(list_key)
                for j, item in enumerate(items):
                    if nested is not None and isinstance(item, Mapping):
                        sub = catalog.kind(nested)
                        _add(out, nested, item.get(sub.id_field), (*base, list_key, j,
                             sub.id_field), sub.ids_case_insensitive)
                    elif isinstance(item, str):  # e.g. rds_instances[].replicas[]
                        _add(out, kind.type, item, (*base, list_key, j),
                             kind.ids_case_insensitive)
    for index, check in enumerate(doc.get("urls") or ()):
        _add(out, ResourceType.URL, check.get("name"), ("urls", index, "name"), False)
    return out


def _add(out: dict[tuple[str, str], Path], rtype: str, ident: Any, path: Path,
         fold: bool) -> None:
    if isinstance(ident, str):
        out.setdefault((str(rtype), ident.lower() if fold else ident), path)


def _resource_path(paths: Mapping[tuple[str, str], Path], spec: AlarmSpec) -> Path:
    for ident in (spec.resource_id, spec.resource_id.lower()):
        found = paths.get((str(spec.resource_type), ident))
        if found is not None:
            return found
    return ("id",)


def longest_names(specs: Iterable[AlarmSpec]) -> list[AlarmSpec]:
    """Per watched resource, its alarm with the longest name (its id is in the name and in the
    dimensions; the name's limit is a maximum length)."""
    longest: dict[tuple[str, str], AlarmSpec] = {}
    for spec in specs:
        key = (str(spec.resource_type), spec.resource_id)
        if key not in longest or len(spec.name) > len(longest[key].name):
            longest[key] = spec
    return sorted(longest.values(), key=lambda s: s.name)


RESOURCE_MEMBERS = ("AlarmName", "Dimensions")
"""What of an alarm a resource's own entry decides: checked for each resource's longest name."""


@cache
def _length_only_limits() -> tuple[int, int] | None:
    """``(AlarmName max, DimensionValue max)`` when those shapes constrain only the length (so a
    value within both cannot breach them), else ``None`` (then every resource is probed)."""
    members = shapes.input_shape("cloudwatch", "PutMetricAlarm").members
    name = cast(StringShape, members["AlarmName"])
    dimension = cast(StructureShape, cast(ListShape, members["Dimensions"]).member)
    value = cast(StringShape, dimension.members["Value"])
    if any("pattern" in s.metadata or s.enum for s in (name, value)):
        return None
    return int(name.metadata["max"]), int(value.metadata["max"])


def _may_break(spec: AlarmSpec) -> bool:
    """Whether the resource members of ``spec`` can break the model (cheap pre-filter)."""
    limits = _length_only_limits()
    if limits is None:
        return True
    name_max, value_max = limits
    return len(spec.name) > name_max or any(len(v) > value_max for v in spec.dimensions.values())


def alarms_may_break(site: Site) -> bool:
    """Upper bounds, without building the alarms: could an inventory value of ``site`` push one
    of its alarms over a limit (name or dimension length, tag count)? ``False`` proves not; the
    alarms are then left to the plan's policy. (The longest name a resource can get is its
    prefix plus the type's longest signal key and the longest severity.)"""
    limits = _length_only_limits()
    if limits is None:
        return True
    name_max, value_max = limits
    severity = max(len(s) for s in SEVERITIES)
    most_tags = 0
    for rtype, targets in catalog.TARGETS.items():
        found = targets(site)
        if not found:
            continue
        signals = catalog.signals(rtype)
        keys = [sig.key for sig in signals] + [HEARTBEAT_KEY] * any(s.heartbeat for s in signals)
        key = max((len(naming.slug(k)) for k in keys), default=0)
        for target in found:
            stoppable = may_be_stopped(target.model)  # one more tag: vigil:may-be-stopped
            most_tags = max(
                [most_tags, *(len(alarm_tags(site, sig, "critical", stoppable)) for sig in signals)]
            )
            prefix = naming.resource_name(site, f"{rtype}-{target.resource_id}")
            if len(prefix) + key + severity + 2 > name_max:
                return True
            if any(len(str(v)) > value_max for v in target.dimensions.values()):
                return True
    return most_tags > rules.MAX_TAGS  # alarm_tags: the site's tags and vigil's


def _alarm_probe(
    site: Site, spec: AlarmSpec, paths: Mapping[tuple[str, str], Path],
    members: tuple[str, ...] = (),
) -> Probe:
    dims = spec.resolved_dimensions({spec.resource_id: HEALTH_CHECK_ID_EXAMPLE})
    topic = inputs.topic_arn(site, spec.severity, spec.region)
    wired = inputs.wire(inputs.alarm_args(spec, dims, topic))
    resource = Field("site", _resource_path(paths, spec))
    fields: list[tuple[str, Field]] = [("AlarmName", resource), ("Dimensions", resource)]
    if not members:
        own = [k for k in spec.tags if k not in site.tags]  # site tags cannot use vigil's keys
        fields += [
            ("AlarmDescription", Field("site", ("runbook_url",))),
            *((param, Field("defaults", (key,))) for param, key in _TIMING_PARAMETER.items()),
            *_tag_fields("Tags", spec.tags, site, own, "at most 50 tags per alarm"),
        ]
    return Probe(rt.METRIC_ALARM, spec.name, f"CloudWatch alarm {spec.name}", wired,
                 Context(spec.region, site.aws_account_id), tuple(fields), members)


def _health_check_probes(site: Site) -> Iterator[Probe]:
    limit = route53_max_tags()
    for index, check in enumerate(site.urls):
        args = inputs.health_check_args(site, check)
        tags = args["tags"]
        own = list(inputs.health_check_own_tags(site, check))
        room = max(0, limit - len(own))
        url = Field("site", ("urls", index, "url"))
        fields = [
            # A TCP check (vigil.catalog.url.health_check_args) sends only host and port; the
            # path and required_text go to Zabbix, so Route 53's 255-character ResourcePath and
            # SearchString limits no longer apply to them.
            ("HealthCheckConfig.FullyQualifiedDomainName", url),
            ("HealthCheckConfig.Port", url),
            *_tag_fields("AddTags", tags, site, own,
                         f"Route 53 takes {limit} per health check, so at most {room} site "
                         "tags fit"),
        ]
        name = health_check_name(site, check.name)
        yield Probe(rt.HEALTH_CHECK, name, f"Route 53 health check {name}", inputs.wire(args),
                    Context(GLOBAL_REGION, site.aws_account_id), tuple(fields))


def _topic_probe(site: Site) -> Probe:
    severity = max(SEVERITIES, key=lambda sev: len(inputs.topic_name(site, sev)))
    args = inputs.topic_args(site, severity)
    tags = args["tags"]
    own = [k for k in tags if k not in site.tags]
    fields = [
        ("Name", Field("site", ("id",))),
        *_tag_fields("Tags", tags, site, own, "at most 50 tags per topic"),
    ]
    return Probe(rt.SNS_TOPIC, args["name"], f"SNS topic {args['name']}", inputs.wire(args),
                 Context(site.aws_region, site.aws_account_id), tuple(fields))


def _queue_probe(site: Site) -> Probe:
    """The dead-letter queue of the site's PagerDuty subscription (the longer-named severity):
    its name (``sqs-queue-name``: ≤ 80) and tags (``sqs-queue-tags``: ≤ 50) come from the site."""
    severity = max(SEVERITIES, key=lambda sev: len(inputs.dlq_name(site, sev)))
    args = inputs.dlq_args(site, severity)
    tags = args["tags"]
    own = [k for k in tags if k not in site.tags]
    fields = [
        ("QueueName", Field("site", ("id",))),
        *_tag_fields("tags", tags, site, own, "at most 50 tags per queue"),
    ]
    return Probe(rt.SQS_QUEUE, args["name"], f"SQS queue {args['name']}", inputs.wire(args),
                 Context(site.aws_region, site.aws_account_id), tuple(fields))


def site_probes(site: Site, doc: Mapping[str, Any]) -> list[Probe]:
    """The generated resources of ``site`` (``doc``: its site file) that the check covers."""
    probes = [*_health_check_probes(site), _topic_probe(site), _queue_probe(site)]
    if not alarms_may_break(site):
        return probes
    specs = alarms_for_site(site)
    paths = entry_paths(doc)
    if specs:  # the whole alarm once: the one with the most tags (tags are the site's)
        probes.append(_alarm_probe(site, max(specs, key=lambda s: len(s.tags)), paths))
    probes += [_alarm_probe(site, spec, paths, RESOURCE_MEMBERS)
               for spec in longest_names(specs) if _may_break(spec)]
    return probes


def site_breaches(site: Site, doc: Mapping[str, Any]) -> list[Located]:
    """Every AWS rule the site's generated inputs break, each with the field to blame; one per
    (field, rule, parameter) so one long tag list is one problem, not one per alarm."""
    out: list[Located] = []
    seen: set[tuple[Any, ...]] = set()
    for probe in site_probes(site, doc):
        for breach in _check(probe):
            field = locate(probe, breach)
            key = (field, breach.rule, _unindexed(breach.where))
            if key not in seen:
                seen.add(key)
                out.append(Located(field, probe.subject, breach))
    return out


def _check(probe: Probe) -> list[Breach]:
    if not probe.members:
        return check_resource(probe.type, probe.inputs, probe.ctx)
    (call,) = api_calls(probe.type, probe.inputs, probe.ctx)
    return shapes.check_members(call.service, call.operation, call.params, probe.members)


def _unindexed(where: str) -> str:
    head, _, _ = where.partition("[")
    return head


def alarm_timing_breaches(alarm: Mapping[str, int]) -> list[tuple[str, Breach]]:
    """The documented rules the alarm timing of one tier (``alarm``: merged global and tier
    settings) breaks for some catalog signal, as ``(alarm key, breach)``: each key once.

    Every catalog signal's period (the tier's, or the signal's own ``period_seconds``) and
    namespace is put through the CloudWatch mapper and :data:`vigil.aws.rules.RULES`, the same
    objects the plan's policy applies to every alarm.
    """
    period = alarm.get("period_seconds", 60)
    periods = alarm.get("evaluation_periods", 5)
    datapoints = alarm.get("datapoints_to_alarm", 3)
    seen: dict[tuple[str, str], Breach] = {}
    combos = {
        (signal.period_seconds or period, signal.namespace, signal.period_seconds is None)
        for rtype in catalog.resource_types()
        for signal in catalog.signals(rtype)
    }
    for signal_period, namespace, tier_period in sorted(combos):
        wired = {
            "name": "vigil-alarm-timing", "comparisonOperator": "GreaterThanThreshold",
            "evaluationPeriods": periods, "datapointsToAlarm": datapoints,
            "period": signal_period, "namespace": namespace, "metricName": "Probe",
            "statistic": "Maximum", "threshold": 0,
        }
        for call in metric_alarm(wired, Context(None)):
            for breach in rules.check_call(call.service, call.operation, call.params,
                                           Context(None)):
                key = _TIMING_PARAMETER.get(_unindexed(breach.where))
                if key is None or (key == "period_seconds" and not tier_period):
                    continue
                seen.setdefault((key, breach.rule), breach)
    return [(key, breach) for (key, _), breach in seen.items()]
