"""schedules-cover-24x7: a 24×7 tier's first line is on call every minute of the coming year.

Verifies what will really be deployed, not the inventory: each PagerDuty ``Schedule``'s layers
(``start``, ``end``, restrictions in the schedule's ``timeZone``, as PagerDuty applies them)
are rebuilt into ``vigil.models.Schedule`` and run through the same calendar code as
``vigil validate`` (``vigil.oncall_calendar.uncovered``) over every minute from the plan date
(config ``planDate``, default today) through ``horizonMonths`` months, so every DST change of
every zone in use and every layer that starts later or ends are on their real dates.

Which schedules must cover the week: for every site with ``support24x7``, its PagerDuty
service → ``escalationPolicy`` → the schedules targeted by rule 1 (L1). PagerDuty notifies all
targets of a rule, so the union of those schedules must cover the week. When the service's
link cannot be resolved, the owner team's policy ``{team}-{tier}`` under its ``TeamOnCall`` is
used. Users targeted directly are always reachable and need no schedule. Links or layers that
are unknown during preview make the check advisory until apply, never a pass.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfoNotFoundError

from pulumi_policy import EnforcementLevel, PolicyResource, ReportViolation

from policies import define as d
from policies import graph as g
from vigil.models import DEFAULT_TIME_ZONE, WEEKDAYS, Layer, Restriction, Schedule
from vigil.oncall_calendar import DEFAULT_MONTHS, Horizon, summarize, uncovered

NAME = "schedules-cover-24x7"
DESCRIPTION = (
    "For 24×7 tiers the union of the L1 schedule's layers covers every minute of the week."
)
REMEDIATION = (
    "Add a layer or widen the restrictions of the schedule in inventory/teams.yaml "
    "(teams.<team>.schedules.<schedule>.layers) so the windows above are covered, or move "
    "the site to a business-hours tier."
)
DEFAULTS: dict[str, Any] = {
    "maxReportedWindows": 10,
    "horizonMonths": DEFAULT_MONTHS,
    "planDate": "",
}
CONFIG_SCHEMA = d.config_schema(
    DEFAULTS,
    maxReportedWindows={
        "type": "integer",
        "minimum": 1,
        "description": "How many uncovered windows a violation lists before summarising.",
    },
    horizonMonths={
        "type": "integer",
        "minimum": 1,
        "maximum": 60,
        "description": "How many months from the plan date coverage must hold.",
    },
    planDate={
        "pattern": "^(\\d{4}-\\d{2}-\\d{2})?$",
        "description": "First day of the proof, YYYY-MM-DD (empty: today, UTC).",
    },
)


def horizon(cfg: dict[str, Any]) -> Horizon:
    """The proof's horizon from the policy config."""
    day = date.fromisoformat(cfg["planDate"]) if cfg.get("planDate") else None
    return Horizon.coming_year(day, int(cfg["horizonMonths"]))


class _Unknown(Exception):
    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def _hhmm(value: Any, what: str) -> str:
    if g.is_unknown(value) or not isinstance(value, str):
        raise _Unknown(what)
    hours, minutes = value.split(":")[:2]
    return f"{int(hours):02d}:{int(minutes):02d}"


def schedule_model(res: PolicyResource) -> Schedule:
    """The deployed PagerDuty schedule as a ``vigil.models.Schedule`` (raises ``_Unknown``)."""
    props = g.plain(res.props) or {}
    zone = props.get("timeZone") or DEFAULT_TIME_ZONE
    if g.is_unknown(zone):
        raise _Unknown(f"timeZone of schedule {res.name}")
    layers_raw = props.get("layers")
    if g.is_unknown(layers_raw):
        raise _Unknown(f"layers of schedule {res.name}")
    layers: list[Layer] = []
    for index, raw in enumerate(layers_raw or []):
        label = f"layer {raw.get('name') or index + 1} of schedule {res.name}"
        if g.contains_unknown(raw.get("users")) or g.contains_unknown(raw.get("restrictions")):
            raise _Unknown(label)
        for key in ("start", "end", "rotationVirtualStart"):
            if g.is_unknown(raw.get(key)):
                raise _Unknown(label)
        restrictions = []
        for item in raw.get("restrictions") or []:
            minutes = int((g.number(item.get("durationSeconds")) or 0) // 60)
            start = _hhmm(item.get("startTimeOfDay"), label)
            days: tuple = ()
            if item.get("type") == "weekly_restriction":
                day = int(g.number(item.get("startDayOfWeek")) or 1)
                days = (WEEKDAYS[(day - 1) % 7],)
            restrictions.append(Restriction(start=start, duration_minutes=minutes, days=days))
        turn = int(g.number(raw.get("rotationTurnLengthSeconds")) or 604_800)
        start = str(raw.get("start") or raw.get("rotationVirtualStart") or "")
        layers.append(
            Layer(
                name=str(raw.get("name") or index + 1),
                timezone=zone,
                rotation="daily" if turn == 86_400 else "weekly",
                members=tuple(str(u) for u in raw.get("users") or ()),
                start=start,
                restrictions=tuple(restrictions),
                end=str(raw["end"]) if raw.get("end") else None,
                rotation_virtual_start=str(raw.get("rotationVirtualStart") or start),
                turn_seconds=turn,
            )
        )
    return Schedule(
        key=res.name, name=str(props.get("name") or res.name), timezone=zone, layers=tuple(layers)
    )


def l1_schedules(graph: g.Graph, ep: PolicyResource) -> list[PolicyResource]:
    """Schedules targeted by the first rule of ``ep`` (raises ``_Unknown``)."""
    rules = g.prop(ep.props, "rules")
    if g.is_unknown(rules) or (rules and g.contains_unknown(rules[0].get("targets"))):
        raise _Unknown(f"first rule of escalation policy {ep.name}")
    if not rules:
        return []
    found = []
    for target in rules[0].get("targets") or []:
        if target.get("type") != "schedule_reference":
            continue
        matches = graph.lookup(g.PD_SCHEDULE, target.get("id"))
        if not matches:
            raise _Unknown(f"schedule {target.get('id')} of escalation policy {ep.name}")
        found.extend(matches)
    return found


def site_policies(graph: g.Graph, site: g.SiteInfo) -> list[PolicyResource] | None:
    """Escalation policies paging for ``site``; ``None`` when they cannot be resolved."""
    found: list[PolicyResource] = []
    for service in graph.descendants(site.resource, g.PD_SERVICE):
        ref = g.prop(service.props, "escalationPolicy")
        eps = graph.resolve(service, "escalationPolicy", ref, g.PD_ESCALATION_POLICY)
        if not eps:
            return _team_policy(graph, site)
        found.extend(eps)
    return found


def _team_policy(graph: g.Graph, site: g.SiteInfo) -> list[PolicyResource] | None:
    for team in graph.of_type(g.TEAM_ONCALL):
        if (g.prop(team.props, "team") or team.name) != site.owner_team:
            continue
        name = f"{site.owner_team}-{site.tier}"
        eps = [e for e in graph.descendants(team, g.PD_ESCALATION_POLICY) if e.name == name]
        if eps:
            return eps
    return None


def check(
    graph: g.Graph, cfg: dict[str, Any], report: ReportViolation, unverified: g.Unverified
) -> None:
    span = horizon(cfg)
    # frozenset of schedule URNs → (escalation policy names, site ids)
    groups: dict[frozenset[str], tuple[set[str], set[str]]] = {}
    for site in graph.sites:
        if g.report_site_props(site, ("support24x7",), report) or not site.support_24x7:
            continue
        eps = site_policies(graph, site)
        if eps is None:
            unverified.add(f"escalation policy of 24×7 site {site.site_id}")
            continue
        for ep in eps:
            try:
                schedules = l1_schedules(graph, ep)
            except _Unknown as exc:
                unverified.add(exc.what)
                continue
            if not schedules:
                continue
            key = frozenset(s.urn for s in schedules)
            names, sites = groups.setdefault(key, (set(), set()))
            names.add(ep.name)
            sites.add(site.site_id)

    for key in sorted(groups, key=sorted):
        ep_names, site_ids = groups[key]
        resources = [graph.by_urn[urn] for urn in sorted(key)]
        try:
            models = [schedule_model(r) for r in resources]
            windows = uncovered(models, span)
        except _Unknown as exc:
            unverified.add(exc.what)
            continue
        except (ZoneInfoNotFoundError, ValueError) as exc:
            report(
                f"schedule {', '.join(r.name for r in resources)} cannot be evaluated: {exc}",
                resources[0].urn,
            )
            continue
        if not windows:
            continue
        listed = summarize(windows, int(cfg["maxReportedWindows"]))
        report(
            f"L1 schedule {' + '.join(m.name for m in models)} of escalation policy "
            f"{', '.join(sorted(ep_names))} (24×7 sites {', '.join(sorted(site_ids))}) leaves "
            f"nobody on call ({span.describe()}): {listed}. {REMEDIATION}",
            resources[0].urn,
        )


POLICY = d.stack_policy(
    NAME, DESCRIPTION, EnforcementLevel.MANDATORY, REMEDIATION, CONFIG_SCHEMA, check
)
