"""Self-contained HTML report: coverage matrix, escalation timeline, on-call, alert paths.

One file, inline CSS, no scripts, fonts or images, so it can be attached to a pull request
or opened offline. On-call comes from the inventory through ``vigil.oncall_calendar`` (the
plan's first week hour by hour, every person paged; gaps over the whole horizon); the
escalation timeline from the plan document; alert paths from the recorded graph.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vigil.plan.alert_paths import AlertPath, site_alert_paths
from vigil.plan.coverage import TOOLS
from vigil.plan.interrupt import atomic_write
from vigil.plan.report_text import HEADERS

if TYPE_CHECKING:
    from vigil.plan.service import PlanResult

CSS = """
body{font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1d2330}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #dde}
h3{font-size:15px;margin:16px 0 6px}.muted{color:#667}
table{border-collapse:collapse}th,td{padding:4px 8px;border:1px solid #dde;text-align:left}
th{background:#f3f4f8}td.n{text-align:right;font-variant-numeric:tabular-nums}
td.zero{background:#fde2e2;color:#9b1c1c;font-weight:600}td.ok{background:#e3f6e8}
ul.gaps{margin:0;padding-left:18px;color:#9b1c1c}p.gaps{color:#9b1c1c;font-weight:600}
.violation.mandatory{color:#9b1c1c;font-weight:600}.violation.advisory{color:#8a6100}
table.tl{table-layout:fixed}table.tl td,table.tl th{padding:0;border:0;height:22px}
table.tl th.lvl{width:150px;text-align:left;padding-right:6px;font-weight:500;background:none}
table.tl td.h{width:7px;border-right:1px solid #fff}table.tl td.d{border-left:2px solid #1d2330}
table.tl td.gap{background:#e02424}table.tl td.off{background-color:#d9dbe1}
table.tl td.off[style]{opacity:.55}.legend i.off{background:#d9dbe1}
table.tl th.day{font-weight:500;background:none;font-size:12px}
.legend span{display:inline-block;margin:2px 10px 2px 0}.legend i{display:inline-block;width:12px;
height:12px;margin-right:4px;vertical-align:-2px}
.path{margin:4px 0}.step{display:inline-block;padding:2px 8px;margin:2px 0;border-radius:10px;
background:#e8eefc}.step.bad{background:#fde2e2;color:#9b1c1c;font-weight:600}
.arrow{margin:0 4px;color:#889}
"""
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#b07aa1",
    "#76b7b2",
    "#edc948",
    "#9c755f",
    "#ff9da7",
    "#bab0ac",
    "#86bcb6",
    "#d37295",
    "#8cd17d",
)
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def coverage_section(sites: list[dict[str, Any]]) -> str:
    """The matrix; a ``stack`` column when the sites carry one (a fleet plan)."""
    fleet = any("stack" in s for s in sites)
    columns = ("site", *(("stack",) if fleet else ()), "client", "tier")
    head = "".join(f"<th>{h}</th>" for h in (*columns, *(HEADERS[t] for t in TOOLS), "gaps"))
    rows = []
    for s in sites:
        cells = [
            f"<td>{_e(s['id'])}</td>",
            *((f"<td>{_e(s.get('stack') or '-')}</td>",) if fleet else ()),
            f"<td>{_e(s.get('client') or '-')}</td>",
            f"<td>{_e(s.get('tier') or '-')}</td>",
        ]
        for tool in TOOLS:
            n = s["coverage"].get(tool, 0)
            cells.append(f'<td class="n {"zero" if n == 0 else "ok"}">{n}</td>')
        gaps = "".join(f"<li>{_e(g)}</li>" for g in s["gaps"])
        cells.append(
            f'<td><ul class="gaps">{gaps}</ul></td>' if gaps else '<td class="ok">none</td>'
        )
        rows.append(f'<tr data-site="{_e(s["id"])}">{"".join(cells)}</tr>')
    return (
        f'<h2>Coverage</h2><table id="coverage-matrix"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def gate_section(doc: dict[str, Any]) -> str:
    """The coverage gate's verdict, the gaps waived as out of scope, skip reasons, to-dos."""
    gate = doc.get("gate") or {"passed": True, "sitesWithGaps": []}
    verdict = (
        '<p id="gate" class="ok">Coverage gate passed.</p>'
        if gate["passed"]
        else f'<p id="gate" class="gaps">Coverage gate failed: '
        f"{_e(', '.join(gate['sitesWithGaps']))}.</p>"
    )
    waived = sorted(
        {(w["tool"], w["reason"], s["id"]) for s in doc["sites"] for w in s.get("outOfScope", [])}
    )
    items = "".join(
        f"<li>{_e(HEADERS.get(tool, tool))} out of scope for {_e(site)}: {_e(reason)}</li>"
        for tool, reason, site in waived
    )
    items += "".join(
        f"<li>{'To do: ' if n['kind'] == 'manual' else ''}{_e(n['message'])}</li>"
        for n in doc.get("notes") or []
    )
    return f'<h2>Gate and notes</h2>{verdict}<ul id="notes">{items}</ul>'


def violations_section(violations: list[dict[str, Any]]) -> str:
    if not violations:
        return '<h2>Policy violations</h2><p id="violations" class="muted">No violations.</p>'
    rows = "".join(
        f"<tr><td>{_e(v.get('site') or '(team / stack)')}</td>"
        f'<td class="violation {_e(v["level"])}">{_e(v["level"])}</td><td>{_e(v["policy"])}</td>'
        f"<td>{_e(v['urn'].rsplit('::', 1)[-1] if v['urn'] else 'stack')}</td>"
        f"<td>{_e(v['message'])}</td></tr>"
        for v in violations
    )
    return (
        '<h2>Policy violations</h2><table id="violations"><thead><tr><th>site</th><th>level</th>'
        f"<th>policy</th><th>resource</th><th>message</th></tr></thead><tbody>{rows}</tbody></table>"
    )


# --------------------------------------------------------------------------- escalation


def escalation_section(timelines: list[dict[str, Any]]) -> str:
    """Per team × tier: the minute each level is first paged in each loop, and auto-resolve."""
    if not timelines:
        return ""
    rows = []
    for t in timelines:
        loops: dict[int, list[str]] = {}
        for p in t["pages"]:
            loops.setdefault(p["loop"], []).append(f"{_e(p['level'])} {p['minute']}′")
        passes = "".join(
            f"<div>loop {n}: {' → '.join(items)}</div>" for n, items in sorted(loops.items())
        )
        resolve = t["autoResolveMinutes"]
        resolve_text = "off" if resolve is None else f"{resolve}′"
        cls = ' class="zero"' if t["cutByAutoResolve"] else ""
        hours = "24×7" if t["support24x7"] else "business hours (outside: L1 only, low urgency)"
        rows.append(
            f'<tr data-policy="{_e(t["team"])}-{_e(t["tier"])}"><td>{_e(t["team"])}-'
            f'{_e(t["tier"])}</td><td class="n">{t["responseSlaMinutes"]}</td>'
            f"<td>{_e(hours)}</td><td>{passes}</td><td class=\"n\">{t['endsAtMinute']}′</td>"
            f"<td{cls}>{resolve_text}</td></tr>"
        )
    return (
        '<h2>Escalation timeline</h2><p class="muted">Minutes after an incident opens at which '
        "each level is first paged when nobody acknowledges (PagerDuty escalation rules and "
        "loops), and when auto-resolve would end it.</p>"
        '<table id="escalation"><thead><tr><th>policy</th><th>SLA (min)</th><th>hours</th>'
        "<th>pages</th><th>escalation ends</th><th>auto-resolve</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


# --------------------------------------------------------------------------- time to page


def detection_section(pages: list[dict[str, Any]]) -> str:
    """Per site: the worst case from a failure to ALARM and to each escalation level, and
    every alarm's worst case term by term."""
    if not pages:
        return ""
    rows, details = [], []
    for p in pages:
        first_loop = [e for e in p["escalation"] if e["loop"] == 1]
        levels = " → ".join(f"{_e(e['level'])} {e['minute']}′" for e in first_loop)
        cls = ' class="zero"' if p["withinTarget"] is False else ""
        target = "-" if p["detectionMinutes"] is None else p["detectionMinutes"]
        worst = "-" if p["worstCaseAlarmMinutes"] is None else p["worstCaseAlarmMinutes"]
        first = "-" if p["firstHumanMinutes"] is None else p["firstHumanMinutes"]
        rows.append(
            f'<tr data-site="{_e(p["site"])}"><td>{_e(p["site"])}</td><td>{_e(p["tier"])}</td>'
            f'<td class="n">{target}</td><td class="n"{cls}>{worst}</td>'
            f"<td>{_e(p['worstAlarm'] or '-')}</td><td class=\"n\">{p['snsDeliverySeconds']} s</td>"
            f'<td class="n">{first}</td><td>{levels}</td></tr>'
        )
        alarm_rows = "".join(
            f"<tr><td>{_e(a['name'])}</td><td>{_e(a['severity'])}</td>"
            f"<td>{'yes' if a['availability'] else ''}</td>"
            f'<td class="n">{a["routeHealthCheckSeconds"]}</td>'
            f'<td class="n">{a["alignSeconds"]}</td>'
            f'<td class="n">{a["datapointsToAlarm"]}×{a["effectivePeriod"]}</td>'
            f'<td class="n">{a["ingestionSeconds"]}</td>'
            f'<td class="n">{a["evaluationSeconds"]}</td>'
            f'<td class="n">{a["minutes"]}</td></tr>'
            for a in p["alarms"]
        )
        details.append(
            f'<details class="site-detection" id="detection-{_e(p["site"])}"><summary>'
            f"{_e(p['site'])}: {len(p['alarms'])} alarm(s)</summary><table><thead><tr>"
            "<th>alarm</th><th>severity</th><th>availability</th><th>Route 53 (s)</th>"
            "<th>align (s)</th><th>datapoints × period (s)</th><th>ingestion (s)</th>"
            "<th>evaluation (s)</th><th>worst case (min)</th></tr></thead>"
            f"<tbody>{alarm_rows}</tbody></table></details>"
        )
    return (
        '<h2>Time to page</h2><p class="muted">Worst case after a failure: the slowest critical '
        "availability alarm to reach ALARM (Route 53 checks, alignment to the period, "
        "datapoints × period, metric ingestion, alarm evaluation), SNS HTTPS retries, then "
        "the escalation levels when nobody acknowledges (CloudWatch path; minutes).</p>"
        '<table id="detection"><thead><tr><th>site</th><th>tier</th><th>target (min)</th>'
        "<th>ALARM (min)</th><th>slowest alarm</th><th>SNS</th><th>first human (min)</th>"
        f"<th>escalation</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        + "".join(details)
    )


# --------------------------------------------------------------------------- on-call


def _people(calendars: list[Any], users: tuple[str, ...], start: int) -> tuple[str, ...]:
    """Everyone one level pages during the hour from ``start`` (sampled every 15 minutes)."""
    from vigil.oncall_calendar import paged_at

    if not calendars:
        return users
    found: dict[str, None] = dict.fromkeys(users)
    for quarter in range(4):
        found.update(dict.fromkeys(paged_at(calendars, start + quarter * 900)))
    return tuple(found)


def _hour_state(gaps: list[Any], required: list[Any], start: int) -> str:
    """``gap`` if part of the hour is required and uncovered, ``off`` if none of it is required."""
    from vigil.oncall_calendar import clip

    hour = (start, start + 3600)
    if not clip(required, hour):
        return "off"
    return "gap" if clip(gaps, hour) and clip(required, hour) else "ok"


def _colours(people: tuple[str, ...], colours: dict[str, str]) -> str:
    shades = [colours.setdefault(p, PALETTE[len(colours) % len(PALETTE)]) for p in people]
    if len(shades) == 1:
        return f"background:{shades[0]}"
    step = 100 / len(shades)
    stops = ",".join(f"{c} {i * step:.0f}% {(i + 1) * step:.0f}%" for i, c in enumerate(shades))
    return f"background:linear-gradient(to bottom,{stops})"


Paged = dict[str, tuple[Any, dict[str, Any]]]
"""Team key → (`vigil.models.Team`, {tier name: `Tier`} of the sites it is paged for)."""


def paged_teams(inventory: Any) -> Paged:
    """The teams the inventory's sites page, each with the tiers it serves."""
    paged: Paged = {}
    for site in inventory.sites:
        paged.setdefault(site.owner_team, (inventory.teams[site.owner_team], {}))[1][
            site.tier.name
        ] = site.tier
    return paged


def oncall_section(inventory: Any, horizon: Any = None) -> str:
    """`oncall_html` of the teams the inventory's sites page (this stack's)."""
    return oncall_html(paged_teams(inventory), horizon)


def oncall_html(paged: Paged, horizon: Any = None) -> str:
    """Every person paged at each hour of the plan's first week, per escalation level, for the
    ``paged`` teams: red where the level leaves a required hour uncovered, grey where no tier
    the team serves needs anyone (a business-hours team's off-hours); and each tier's L1 gaps
    over the whole horizon (``vigil.oncall_calendar``)."""
    from vigil.oncall_calendar import (
        Calendar,
        Horizon,
        coverage_gaps,
        merge,
        schedule_spans,
        subtract,
        summarize,
        support_spans,
    )

    horizon = horizon or Horizon.coming_year()
    start = horizon.start
    first = datetime.fromtimestamp(start, UTC)
    days = [(first + timedelta(days=d)) for d in range(7)]
    parts = [
        '<h2>On-call (UTC)</h2><p class="muted">Everyone paged at each hour from '
        f"{first.date().isoformat()} for 7 days by escalation level (stacked colours: several "
        "people, as overlapping zones page one person each); red = nobody when someone must be "
        "on call; grey = outside support hours. Gaps below cover "
        f"{_e(horizon.describe())}.</p>"
    ]
    for key, (team, tiers) in sorted(paged.items()):
        names = {m.email: m.name for m in team.members}
        required = merge(
            span for tier in tiers.values() for span in support_spans(tier.support_hours, horizon)
        )
        colours: dict[str, str] = {}
        rows = []
        for level in team.escalation:
            schedules = (team.schedule(level.schedule),) if level.schedule else ()
            calendars = [Calendar.of(s, horizon) for s in schedules]
            covered = merge(x for s in schedules for x in schedule_spans(s, horizon))
            gaps = subtract([horizon.span], covered) if schedules else []
            cells = []
            for i in range(168):
                at = start + i * 3600
                edge = " d" if i % 24 == 0 else ""
                when = f"{DAYS[days[i // 24].weekday()]} {i % 24:02d}:00"
                state = _hour_state(gaps, required, at)
                people = _people(calendars, level.users, at)
                label = ", ".join(names.get(p, p) for p in people)
                if state == "gap":
                    cells.append(f'<td class="h gap{edge}" title="{when} nobody"></td>')
                elif not people:
                    cells.append(
                        f'<td class="h off{edge}" title="{when} outside support hours"></td>'
                    )
                else:
                    extra = " off" if state == "off" else ""
                    cells.append(
                        f'<td class="h{extra}{edge}" style="{_colours(people, colours)}" '
                        f'data-people="{len(people)}" title="{when} {_e(label)}"></td>'
                    )
            rows.append(
                f'<tr class="level"><th class="lvl">{_e(level.level)} '
                f'<span class="muted">{_e(level.description)}</span></th>{"".join(cells)}</tr>'
            )
        day_head = "".join(
            f'<th class="day" colspan="24">{DAYS[d.weekday()]} {d.date().isoformat()[5:]}</th>'
            for d in days
        )
        legend = "".join(
            f'<span><i style="background:{c}"></i>{_e(names.get(who, who))}</span>'
            for who, c in colours.items()
        ) + '<span><i class="off"></i>outside support hours</span>'
        notes = []
        for name, tier in sorted(tiers.items()):
            gaps = coverage_gaps(team, tier, horizon)
            hours = "24×7" if tier.is_24x7 else "support hours"
            if gaps:
                notes.append(f'<p class="gaps">L1 gaps, tier {_e(name)} ({hours}): '
                             f"{_e(summarize(gaps))}</p>")
            else:
                notes.append(f'<p class="muted">Tier {_e(name)}: L1 covers every minute of its '
                             f"{hours} from {_e(horizon.describe())}.</p>")
        parts.append(
            f'<section class="oncall" id="oncall-{_e(key)}"><h3>{_e(team.name)} ({_e(key)})</h3>'
            f'<table class="tl"><thead><tr><th class="lvl"></th>{day_head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table><div class="legend">{legend}</div>'
            f"{''.join(notes)}</section>"
        )
    return "".join(parts)


# --------------------------------------------------------------------------- alert paths


def _path_html(path: AlertPath) -> str:
    steps = '<span class="arrow">→</span>'.join(
        f'<span class="step{"" if s.ok else " bad"}">{_e(s.label)}</span>' for s in path.steps
    )
    return f'<div class="path"><b>{_e(path.source)}</b>: {steps}</div>'


def alert_paths_section(paths: dict[str, list[AlertPath]], heading: bool = True) -> str:
    """One section per site; ``heading=False``: without the title (a fleet joins stacks')."""
    parts = ["<h2>Alert paths</h2>"] if heading else []
    for site, site_paths in paths.items():
        body = "".join(_path_html(p) for p in site_paths) or '<p class="muted">no alert paths</p>'
        parts.append(
            f'<section class="site-paths" id="paths-{_e(site)}"><h3>{_e(site)}</h3>{body}</section>'
        )
    return "".join(parts)


def render(result: PlanResult) -> str:
    """The whole page for a run: its plan document, its graph (alert paths) and the inventory
    the program itself loaded (on-call timelines; absent for a program that is not vigil's)."""
    doc = result.document
    title = f"vigil plan — {doc['project']} / {doc['stack']}"
    oncall = (
        oncall_section(result.inventory)
        if result.inventory is not None
        else '<h2>On-call (UTC)</h2><p class="muted">no vigil inventory in this run</p>'
    )
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>'
        f"<style>{CSS}</style></head><body><h1>{_e(title)}</h1>"
        f'<p class="muted">{len(doc["sites"])} site(s), {len(doc["resources"])} resources, '
        f"inventory {_e(doc['inventory'])}, policy pack {_e(doc['policies']['pack'])}.</p>"
        f"{coverage_section(doc['sites'])}{gate_section(doc)}"
        f"{violations_section(doc['policies']['violations'])}"
        f"{escalation_section(doc.get('escalation') or [])}"
        f"{detection_section(doc.get('detection') or [])}{oncall}"
        f"{alert_paths_section(site_alert_paths(result.graph))}</body></html>\n"
    )


def write_report(path: str | Path, result: PlanResult) -> None:
    atomic_write(path, render(result))  # complete or absent, even under Ctrl-C
