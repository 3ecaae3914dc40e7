"""Checks JSON Schema cannot express: references, identifiers, thresholds and on-call coverage.

Every function takes schema-valid documents (with their node positions) and returns
``Problem``s, so one run reports every mistake. Work that does not depend on the site (a
team's on-call gaps, the set of time zones) is computed once and cached in ``Context``.
"""

from __future__ import annotations

import ipaddress
import math
import re
import zoneinfo
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from vigil import catalog
from vigil.catalog.spec import Signal
from vigil.inventory.build import build_team, build_tier
from vigil.inventory.problems import Path, Problem, did_you_mean, format_path
from vigil.inventory.yaml_source import Source
from vigil.models import Layer as OnCallLayer
from vigil.models import ResourceType, Restriction, Team, Tier
from vigil.oncall import (
    REFERENCE_WEEKS,
    WEEK_MINUTES,
    Window,
    format_window,
    gaps,
    layer_windows,
    merge_windows,
    schedule_windows,
)
from vigil.oncall import uncovered as oncall_uncovered

RESOURCE_LISTS: dict[str, ResourceType] = {
    "load_balancers": ResourceType.ALB,
    "ec2_instances": ResourceType.EC2,
    "auto_scaling_groups": ResourceType.ASG,
    "rds_instances": ResourceType.RDS,
    "aurora_clusters": ResourceType.AURORA,
    "elasticache_clusters": ResourceType.ELASTICACHE,
    "cloudfront_distributions": ResourceType.CLOUDFRONT,
    "opensearch_domains": ResourceType.OPENSEARCH,
}
"""Site ``resources`` key → resource type (target groups live under their load balancer)."""

RESERVED_TAGS = ("vigil:", "managed-by", "aws:")
HOSTNAME_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$", re.IGNORECASE)
ELB_ARN = re.compile(
    r"^arn:(?P<partition>[^:]+):elasticloadbalancing:(?P<region>[^:]+):(?P<account>\d{12}):"
    r"(?P<kind>loadbalancer/app|targetgroup)/(?P<name>[^/]+)/(?P<id>[0-9a-f]+)$"
)
LEVELS = ("L1", "L2", "L3", "L4")


# --------------------------------------------------------------------------- shared context


@dataclass
class Where:
    """A place in a file, for messages that point at the other end of a conflict."""

    src: Source
    path: Path

    def problem(self, message: str, at_key: bool = False) -> Problem:
        return self.src.problem(self.path, message, at_key)

    def ref(self) -> str:
        line, _ = self.src.locate(self.path)
        return f"{self.src.file}:{line}"


@dataclass
class Context:
    """What site checks need from defaults.yaml and teams.yaml, computed once per run."""

    defaults: Source | None = None  # schema-valid defaults, else None
    tier_names: set[str] | None = None  # None: unknown (defaults.yaml unreadable)
    team_names: set[str] | None = None
    tiers: dict[str, Tier] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)  # teams without problems only
    _gaps: dict[tuple[str, str], list[Window]] = field(default_factory=dict)
    _signals: dict[ResourceType, dict[str, Signal]] = field(default_factory=dict)

    def signals(self, rtype: ResourceType) -> dict[str, Signal]:
        """The catalog of ``rtype`` by key, looked up once per run."""
        if rtype not in self._signals:
            self._signals[rtype] = catalog_signals(rtype)
        return self._signals[rtype]

    def team_gaps(self, team: Team, tier: Tier) -> list[Window]:
        """Minutes of ``tier``'s support hours nobody in ``team``'s L1 covers (cached)."""
        key = (team.key, tier.name)
        if key not in self._gaps:
            self._gaps[key] = coverage_gaps(team, tier)
        return self._gaps[key]


# --------------------------------------------------------------------------- small validators


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def timezone_problem(name: str) -> str | None:
    """``None`` if ``name`` is an IANA time zone, else the message (with a suggestion)."""
    if name in _zones():
        return None
    try:
        zoneinfo.ZoneInfo(name)
        return None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return f"unknown time zone '{name}'{did_you_mean(name, _zones())}"


def hostname_problem(host: str) -> str | None:
    if len(host) > 253 or "." not in host:
        return f"'{host}' is not a fully qualified host name"
    if not all(HOSTNAME_LABEL.match(label) for label in host.rstrip(".").split(".")):
        return f"'{host}' is not a valid host name"
    return None


def url_problem(url: str) -> str | None:
    """An https URL with a valid host and port, or why not."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return f"invalid URL: {exc}"
    if parts.scheme != "https":
        return "URL must use https://"
    if parts.username or parts.password:
        return "URL must not carry credentials"
    if not parts.hostname:
        return "URL has no host"
    if port == 0:
        return "URL port must be 1-65535"
    try:
        ipaddress.ip_address(parts.hostname)
        return None
    except ValueError:
        pass
    problem = hostname_problem(parts.hostname)
    return f"URL host {problem}" if problem else None


def address_problem(address: str) -> str | None:
    try:
        ipaddress.ip_address(address)
        return None
    except ValueError:
        return hostname_problem(address) and f"'{address}' is neither an IP address nor a host name"


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


# --------------------------------------------------------------------------- thresholds


def _direction(comparison: str) -> int:
    """+1 if the alarm fires above the level (warning must be lower), -1 below, 0 unknown."""
    if "Lower" in comparison and "Upper" in comparison:  # anomaly band: no ordering
        return 0
    if comparison.startswith("GreaterThan"):
        return 1
    if comparison.startswith("LessThan"):
        return -1
    return 0


def signal_problems(
    where: Where, rtype: ResourceType, signals: Mapping[str, Any]
) -> Iterator[Problem]:
    """Unknown signal keys and non-finite levels in one ``{signal: threshold}`` layer."""
    known = catalog.signal_keys(rtype)
    for key, threshold in signals.items():
        # Every type has signals (tests/alertpath/test_catalog.py); the guard only lets tests
        # install a partial fake catalog without every other type's keys becoming unknown.
        if known and key not in known:
            yield Where(where.src, (*where.path, key)).problem(
                f"unknown signal '{key}' for {rtype.value}{did_you_mean(key, known)}", at_key=True
            )
        for severity, value in threshold.items():
            if isinstance(value, float) and not math.isfinite(value):
                yield Where(where.src, (*where.path, key, severity)).problem(
                    "must be a finite number"
                )


def catalog_signals(rtype: ResourceType) -> dict[str, Signal]:
    return {signal.key: signal for signal in catalog.signals(rtype)}


def cascade_problems(
    layers: list[tuple[Where, Mapping[str, Any]]],
    rtype: ResourceType,
    signals: Mapping[str, Signal] | None = None,
) -> Iterator[Problem]:
    """Warning on the safe side of critical after folding ``layers`` (lowest first).

    Each layer is ``(where its {signal: threshold} mapping is, that mapping)``; ``signals`` is
    the catalog of ``rtype`` (looked up when not given). Only signals some layer touches are
    checked: the catalog's own defaults are the catalog's business. A conflict is reported
    where the later of the two values was written, naming where the other one is.
    """
    signals = catalog_signals(rtype) if signals is None else signals
    if not signals:
        return
    # signal → severity → (value, layer where it was set, layer rank)
    touched: dict[str, dict[str, tuple[Any, Where, int]]] = {}
    for rank, (where, layer) in enumerate(layers):
        for key, threshold in layer.items():
            entry = touched.setdefault(key, {})
            for severity in ("warning", "critical"):
                if severity in threshold:
                    entry[severity] = (threshold[severity], where, rank)
    for key, entry in touched.items():
        signal = signals.get(key)
        direction = _direction(signal.comparison) if signal else 0
        if not direction or signal is None:
            continue
        warning, w_layer, w_rank = entry.get("warning", (signal.default.warning, None, -1))
        critical, c_layer, c_rank = entry.get("critical", (signal.default.critical, None, -1))
        if warning is None or critical is None or (critical - warning) * direction > 0:
            continue
        w_at = w_layer and Where(w_layer.src, (*w_layer.path, key, "warning"))
        c_at = c_layer and Where(c_layer.src, (*c_layer.path, key, "critical"))
        at, other, other_name = (
            (w_at, c_at, "critical") if w_rank >= c_rank else (c_at, w_at, "warning")
        )
        assert at is not None
        if other is None:
            origin = f" ({other_name} is the catalog default)"
        elif other.src is not at.src or other.path[:-1] != at.path[:-1]:
            origin = f" ({other_name} set at {other.ref()})"
        else:
            origin = ""
        side = "above" if direction > 0 else "below"
        yield at.problem(
            f"warning {warning:g} must be {'below' if direction > 0 else 'above'} critical "
            f"{critical:g}{origin}: {rtype.value}.{key} alarms when the value is {side} the level"
        )


# --------------------------------------------------------------------------- defaults.yaml


def check_defaults(src: Source) -> list[Problem]:
    """Tier time zones and hours, alarm timing and threshold layers of defaults.yaml."""
    doc = src.data
    problems: list[Problem] = []
    global_layer = doc.get("thresholds") or {}
    problems += _layer_problems(src, ("thresholds",), global_layer)
    problems += _alarm_problems(src, ("alarm",), doc.get("alarm") or {})
    for name, tier in doc["tiers"].items():
        base = ("tiers", name)
        hours = tier.get("support_hours")
        if isinstance(hours, dict):
            tz_problem = timezone_problem(hours["timezone"])
            if tz_problem:
                problems.append(src.problem((*base, "support_hours", "timezone"), tz_problem))
            start, end = hours.get("start", "09:00"), hours.get("end", "17:00")
            if _minutes(end) <= _minutes(start):
                problems.append(
                    src.problem(
                        (*base, "support_hours", "end"), f"end {end} must be after start {start}"
                    )
                )
        alarm = {**(doc.get("alarm") or {}), **(tier.get("alarm") or {})}
        problems += _alarm_problems(src, (*base, "alarm"), alarm)
        tier_layer = tier.get("thresholds") or {}
        problems += _layer_problems(src, (*base, "thresholds"), tier_layer)
        for rtype in ResourceType:
            layers = [
                (Where(src, ("thresholds", rtype.value)), global_layer.get(rtype.value) or {}),
                (Where(src, (*base, "thresholds", rtype.value)), tier_layer.get(rtype.value) or {}),
            ]
            problems += cascade_problems(layers, rtype)
    return problems


def _alarm_problems(src: Source, path: Path, alarm: Mapping[str, Any]) -> list[Problem]:
    datapoints, periods = alarm.get("datapoints_to_alarm", 3), alarm.get("evaluation_periods", 5)
    if datapoints > periods:
        return [
            src.problem(
                (*path, "datapoints_to_alarm"),
                f"datapoints_to_alarm {datapoints} exceeds evaluation_periods {periods}",
            )
        ]
    return []


def _layer_problems(src: Source, path: Path, layer: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    for rtype_key, signals in layer.items():
        problems += signal_problems(
            Where(src, (*path, rtype_key)), ResourceType(rtype_key), signals
        )
    return problems


# --------------------------------------------------------------------------- teams.yaml


def check_teams(src: Source) -> tuple[list[Problem], set[str]]:
    """Problems of teams.yaml and the keys of the teams that have none."""
    problems: list[Problem] = []
    clean: set[str] = set()
    for key, team in src.data["teams"].items():
        found = list(_team_problems(src, ("teams", key), team))
        problems += found
        if not found:
            clean.add(key)
    return problems, clean


def _team_problems(src: Source, base: Path, team: Mapping[str, Any]) -> Iterator[Problem]:
    emails: dict[str, int] = {}
    for index, member in enumerate(team["members"]):
        path = (*base, "members", index)
        email = member["email"].lower()
        if email in emails:
            yield src.problem((*path, "email"), f"member '{member['email']}' is listed twice")
        emails.setdefault(email, index)
        if "timezone" in member and (tz := timezone_problem(member["timezone"])):
            yield src.problem((*path, "timezone"), tz)

    def member_ref(path: Path, email: str) -> Iterator[Problem]:
        if email.lower() not in emails:
            yield src.problem(
                path, f"'{email}' is not a member of this team{did_you_mean(email, emails)}"
            )

    schedules = team.get("schedules") or {}
    for skey, schedule in schedules.items():
        spath = (*base, "schedules", skey)
        if "timezone" in schedule and (tz := timezone_problem(schedule["timezone"])):
            yield src.problem((*spath, "timezone"), tz)
        for index, layer in enumerate(schedule["layers"]):
            lpath = (*spath, "layers", index)
            if "timezone" in layer and (tz := timezone_problem(layer["timezone"])):
                yield src.problem((*lpath, "timezone"), tz)
            try:
                datetime.fromisoformat(layer["start"])
            except ValueError:
                yield src.problem((*lpath, "start"), f"'{layer['start']}' is not a valid date-time")
            for m_index, email in enumerate(layer["members"]):
                yield from member_ref((*lpath, "members", m_index), email)

    seen: list[str] = []
    for index, level in enumerate(team["escalation"]):
        path = (*base, "escalation", index)
        name = level["level"]
        if name in seen:
            yield src.problem((*path, "level"), f"level {name} appears twice")
        elif seen and LEVELS.index(name) < LEVELS.index(seen[-1]):
            yield src.problem(
                (*path, "level"), f"level {name} comes after {seen[-1]}; order L1 → L4"
            )
        elif not seen and name != "L1":
            yield src.problem((*path, "level"), f"escalation must start with L1, not {name}")
        seen.append(name)
        if "schedule" not in level and "users" not in level:
            yield src.problem(path, "level needs a 'schedule' or 'users' to page")
        if "schedule" in level and level["schedule"] not in schedules:
            yield src.problem(
                (*path, "schedule"),
                f"unknown schedule '{level['schedule']}'"
                + did_you_mean(level["schedule"], schedules),
            )
        for u_index, email in enumerate(level.get("users", ())):
            yield from member_ref((*path, "users", u_index), email)


# --------------------------------------------------------------------------- on-call coverage


def coverage_gaps(team: Team, tier: Tier) -> list[Window]:
    """UTC windows inside ``tier``'s support hours with nobody on ``team``'s L1.

    Users paged directly by L1 are notified at any hour, so such a level has no gaps. Each
    reference week is checked on its own: DST moves support hours and layers differently.
    """
    l1 = next((lvl for lvl in team.escalation if lvl.level == "L1"), None)
    if l1 is None:
        return [(0, WEEK_MINUTES)]
    if l1.users:
        return []
    if tier.is_24x7:
        return oncall_uncovered(team.first_line_schedules)
    hours = tier.support_hours
    support = OnCallLayer(
        name="support hours",
        timezone=hours.timezone,
        rotation="weekly",
        members=("support",),
        start="2026-01-05T00:00:00",
        restrictions=(
            Restriction(
                start=hours.start,
                duration_minutes=_minutes(hours.end) - _minutes(hours.start),
                days=hours.days,
            ),
        ),
    )
    found: list[Window] = []
    for monday in REFERENCE_WEEKS:
        covered = [w for s in team.first_line_schedules for w in schedule_windows(s, monday)]
        found += _intersect(layer_windows(support, monday), gaps(covered))
    return merge_windows(found)


def _intersect(a: list[Window], b: list[Window]) -> list[Window]:
    """Intersection of two window lists; ``b`` may run past the week end (wrap to Monday)."""
    unwrapped: list[Window] = []
    for start, end in b:
        unwrapped.append((start, min(end, WEEK_MINUTES)))
        if end > WEEK_MINUTES:
            unwrapped.append((0, end - WEEK_MINUTES))
    return merge_windows(
        (max(s1, s2), min(e1, e2))
        for s1, e1 in a
        for s2, e2 in unwrapped
        if max(s1, s2) < min(e1, e2)
    )


# --------------------------------------------------------------------------- sites


def check_site(src: Source, folder: str, ctx: Context) -> list[Problem]:
    """Everything about one schema-valid site file that does not involve other sites."""
    doc = src.data
    problems: list[Problem] = []
    if doc["client"] != folder:
        problems.append(
            src.problem(
                ("client",),
                f"client '{doc['client']}' does not match the folder sites/{folder}/; "
                f"move the file to sites/{doc['client']}/ or set client: {folder}",
            )
        )
    problems += _reference_problems(src, ctx)
    problems += _aws_problems(src)
    problems += _rds_replica_problems(src)
    problems += _url_and_server_problems(src)
    problems += _tag_problems(src)
    problems += _site_threshold_problems(src, ctx)
    resources = doc.get("resources") or {}
    if not doc.get("urls") and not resources.get("load_balancers"):
        problems.append(
            src.problem(
                (),
                "no availability signal: add a urls entry or a load balancer, "
                "otherwise nobody is paged when the site is down",
            )
        )
    problems += _coverage_problems(src, ctx)
    return problems


def _reference_problems(src: Source, ctx: Context) -> Iterator[Problem]:
    doc = src.data
    if ctx.tier_names is not None and doc["tier"] not in ctx.tier_names:
        yield src.problem(
            ("tier",),
            f"unknown tier '{doc['tier']}' (defaults.yaml defines: "
            f"{', '.join(sorted(ctx.tier_names))}){did_you_mean(doc['tier'], ctx.tier_names)}",
        )
    if ctx.team_names is not None and doc["owner_team"] not in ctx.team_names:
        yield src.problem(
            ("owner_team",),
            f"unknown team '{doc['owner_team']}' (teams.yaml defines: "
            f"{', '.join(sorted(ctx.team_names))})"
            + did_you_mean(doc["owner_team"], ctx.team_names),
        )


def _aws_problems(src: Source) -> Iterator[Problem]:
    doc = src.data
    region, account = doc["aws"]["region"], doc["aws"]["account_id"]
    resources = doc.get("resources") or {}
    for list_key, items in resources.items():
        ids: dict[str, int] = {}
        for index, item in enumerate(items):
            ident = item.get("id") or item.get("name")
            # RDS identifiers are case-insensitive (stored in lower case).
            key = ident.lower() if list_key == "rds_instances" else ident
            if key in ids:
                yield src.problem(
                    (*_item_path(list_key, index), "id" if "id" in item else "name"),
                    f"'{ident}' is listed twice (also {list_key}[{ids[key]}])",
                )
            ids.setdefault(key, index)
    for index, lb in enumerate(resources.get("load_balancers", ())):
        path = _item_path("load_balancers", index)
        yield from _arn_problems(src, (*path, "arn"), lb, region, account)
        for t_index, tg in enumerate(lb.get("target_groups", ())):
            yield from _arn_problems(
                src, (*path, "target_groups", t_index, "arn"), tg, region, account
            )


def _rds_replica_problems(src: Source) -> Iterator[Problem]:
    """Read replicas are listed by identifier, each once per site and never as a primary.

    RDS identifiers are case-insensitive, so ``Shop-DB`` and ``shop-db`` are one instance.
    """
    instances = (src.data.get("resources") or {}).get("rds_instances", ())
    primaries: dict[str, int] = {}
    for index, db in enumerate(instances):
        primaries.setdefault(db["id"].lower(), index)
    seen: dict[str, Path] = {}
    for index, db in enumerate(instances):
        path = _item_path("rds_instances", index)
        if "has_replicas" in db:
            yield src.problem(
                (*path, "has_replicas"),
                "has_replicas is no longer read: list the read replicas' DB instance "
                "identifiers under replicas (RDS reports ReplicaLag under each replica's own "
                "identifier, not the primary's), or remove the key if there are none",
                at_key=True,
            )
        for r_index, replica in enumerate(db.get("replicas", ())):
            r_path = (*path, "replicas", r_index)
            key = replica.lower()
            if key == db["id"].lower():
                yield src.problem(
                    r_path,
                    f"'{replica}' is this instance's own identifier; "
                    "list only its read replicas here",
                )
            elif key in primaries:
                yield src.problem(
                    r_path,
                    f"'{replica}' is also listed as a DB instance "
                    f"(rds_instances[{primaries[key]}]); list each instance once, as a primary "
                    "or as a replica",
                )
            elif key in seen:
                yield src.problem(
                    r_path,
                    f"replica '{replica}' is listed twice (also {format_path(seen[key][1:])})",
                )
            seen.setdefault(key, r_path)


def _item_path(list_key: str, index: int) -> Path:
    return ("resources", list_key, index)


def _arn_problems(
    src: Source, path: Path, item: Mapping[str, Any], region: str, account: str
) -> Iterator[Problem]:
    match = ELB_ARN.match(item["arn"])
    if match is None:  # the schema pattern already reported it
        return
    if match["region"] != region:
        yield src.problem(
            path, f"ARN region '{match['region']}' does not match aws.region '{region}'"
        )
    if match["account"] != account:
        yield src.problem(
            path, f"ARN account '{match['account']}' does not match aws.account_id '{account}'"
        )
    if match["name"] != item["name"]:
        yield src.problem(
            (*path[:-1], "name"),
            f"name '{item['name']}' differs from the name in the ARN, '{match['name']}'",
        )


def _url_and_server_problems(src: Source) -> Iterator[Problem]:
    doc = src.data
    if problem := url_problem(doc["runbook_url"]):
        yield src.problem(("runbook_url",), problem)
    names: dict[str, int] = {}
    for index, check in enumerate(doc.get("urls") or ()):
        if problem := url_problem(check["url"]):
            yield src.problem(("urls", index, "url"), problem)
        if check["name"] in names:
            yield src.problem(
                ("urls", index, "name"),
                f"URL name '{check['name']}' is used twice (also urls[{names[check['name']]}]); "
                "it names the health check and alarms",
            )
        names.setdefault(check["name"], index)
    servers: dict[str, int] = {}
    for index, server in enumerate(doc.get("servers") or ()):
        if problem := address_problem(server["address"]):
            yield src.problem(("servers", index, "address"), problem)
        if server["name"] in servers:
            yield src.problem(
                ("servers", index, "name"),
                f"server '{server['name']}' is listed twice "
                f"(also servers[{servers[server['name']]}])",
            )
        servers.setdefault(server["name"], index)


def _tag_problems(src: Source) -> Iterator[Problem]:
    for key in src.data.get("tags") or {}:
        if key.startswith(RESERVED_TAGS):
            yield src.problem(
                ("tags", key), f"tag '{key}' is reserved (vigil and AWS set it)", at_key=True
            )


def _site_threshold_problems(src: Source, ctx: Context) -> list[Problem]:
    doc = src.data
    problems: list[Problem] = []
    site_layer = doc.get("thresholds") or {}
    problems += _layer_problems(src, ("thresholds",), site_layer)
    resources = doc.get("resources") or {}
    own: list[tuple[ResourceType, Path, Mapping[str, Any]]] = []
    for list_key, rtype in RESOURCE_LISTS.items():
        for index, item in enumerate(resources.get(list_key, ())):
            own.append(
                (rtype, (*_item_path(list_key, index), "thresholds"), item.get("thresholds") or {})
            )
            for t_index, tg in enumerate(
                item.get("target_groups", ()) if list_key == "load_balancers" else ()
            ):
                path = (*_item_path(list_key, index), "target_groups", t_index, "thresholds")
                own.append((ResourceType.TARGET_GROUP, path, tg.get("thresholds") or {}))
    for index, check in enumerate(doc.get("urls") or ()):
        own.append((ResourceType.URL, ("urls", index, "thresholds"), check.get("thresholds") or {}))
    for rtype, path, layer in own:
        if layer:
            problems += signal_problems(Where(src, path), rtype, layer)

    above = _layers_above(ctx, doc["tier"])
    if above is None:  # defaults.yaml or the tier is broken: reported there
        return problems
    # Resources without their own thresholds resolve alike: check each type once for them
    # (which also covers site overrides of types the site has no resource of).
    types = {rtype for rtype, _, _ in own} | {ResourceType(key) for key in site_layer}
    checks = [(rtype, path, layer) for rtype, path, layer in own if layer]
    checks += [(rtype, (), {}) for rtype in sorted(types)]
    for rtype, path, layer in checks:
        signals = ctx.signals(rtype)
        if not signals:
            continue
        layers = [
            *above(rtype),
            (Where(src, ("thresholds", rtype.value)), site_layer.get(rtype.value) or {}),
        ]
        if layer:
            layers.append((Where(src, path), layer))
        problems += cascade_problems(layers, rtype, signals)
    return problems


LayerList = list[tuple[Where, Mapping[str, Any]]]


def _layers_above(ctx: Context, tier: str) -> Callable[[ResourceType], LayerList] | None:
    """The defaults and tier layers above a site of ``tier``, per resource type."""
    defaults = ctx.defaults
    if defaults is None or tier not in defaults.data["tiers"]:
        return None
    global_layer = defaults.data.get("thresholds") or {}
    tier_layer = defaults.data["tiers"][tier].get("thresholds") or {}

    def above(rtype: ResourceType) -> LayerList:
        return [
            (Where(defaults, ("thresholds", rtype.value)), global_layer.get(rtype.value) or {}),
            (
                Where(defaults, ("tiers", tier, "thresholds", rtype.value)),
                tier_layer.get(rtype.value) or {},
            ),
        ]

    return above


def _coverage_problems(src: Source, ctx: Context) -> Iterator[Problem]:
    doc = src.data
    team = ctx.teams.get(doc["owner_team"])
    tier = ctx.tiers.get(doc["tier"])
    if team is None or tier is None:
        return
    gaps = ctx.team_gaps(team, tier)
    if gaps:
        hours = "24x7" if tier.is_24x7 else "support hours"
        yield src.problem(
            ("owner_team",),
            f"team '{team.key}' has nobody on call at L1 during tier '{tier.name}' {hours}: "
            + ", ".join(format_window(w) for w in gaps),
        )


def build_context(
    defaults: Source | None, defaults_clean: bool, teams: Source | None, clean_teams: set[str]
) -> Context:
    """Collect what sites refer to from whatever parts of defaults/teams are usable."""
    ctx = Context()
    if (
        defaults is not None
        and isinstance(defaults.data, dict)
        and isinstance(defaults.data.get("tiers"), dict)
    ):
        ctx.tier_names = set(defaults.data["tiers"])
    if defaults is not None and defaults_clean:
        ctx.defaults = defaults
        alarm = defaults.data.get("alarm") or {}
        ctx.tiers = {
            name: build_tier(name, doc, alarm) for name, doc in defaults.data["tiers"].items()
        }
    if (
        teams is not None
        and isinstance(teams.data, dict)
        and isinstance(teams.data.get("teams"), dict)
    ):
        ctx.team_names = set(teams.data["teams"])
        ctx.teams = {key: build_team(key, teams.data["teams"][key]) for key in clean_teams}
    return ctx
