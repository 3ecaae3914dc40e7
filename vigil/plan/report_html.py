"""Self-contained HTML report: coverage matrix, weekly on-call timelines, alert paths.

One file, inline CSS, no scripts, fonts or images, so it can be attached to a pull request
or opened offline. Timelines come from the inventory (``vigil.oncall`` week arithmetic, UTC,
northern-winter reference week); alert paths come from the recorded graph.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vigil.plan.alert_paths import AlertPath, site_alert_paths
from vigil.plan.coverage import TOOLS
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
table.tl td.gap{background:#e02424}table.tl th.day{font-weight:500;background:none;font-size:12px}
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
    head = "".join(
        f"<th>{h}</th>" for h in ("site", "client", "tier", *(HEADERS[t] for t in TOOLS), "gaps")
    )
    rows = []
    for s in sites:
        cells = [
            f"<td>{_e(s['id'])}</td>",
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


# --------------------------------------------------------------------------- on-call


def _level_hours(team: Any, level: Any, monday: Any) -> list[str | None]:
    """Who is on call at each hour of the reference week for one escalation level
    (``None`` = nobody for at least part of the hour)."""
    from vigil.oncall import gaps, on_call, schedule_windows

    if level.schedule is None:
        return [", ".join(level.users) or None] * 168
    schedule = team.schedule(level.schedule)
    holes = gaps(schedule_windows(schedule, monday))
    origin = datetime.combine(monday, time(0), tzinfo=UTC)
    hours: list[str | None] = []
    for hour in range(168):
        lo, hi = hour * 60, hour * 60 + 60
        uncovered = any(
            (s < hi and e > lo) or (s < hi + 10080 and e > lo + 10080) for s, e in holes
        )
        who = on_call(schedule, origin + timedelta(minutes=lo + 30))
        hours.append(None if uncovered or who is None else who)
    return hours


def oncall_section(inventory: Any) -> str:
    from vigil.oncall import REFERENCE_WEEKS, format_window, uncovered

    monday = REFERENCE_WEEKS[0]
    parts = [
        '<h2>On-call week (UTC)</h2><p class="muted">Who is on call each hour of the '
        f"week of {monday.isoformat()} by escalation level; red = nobody.</p>"
    ]
    for key in sorted({site.owner_team for site in inventory.sites}):  # the teams this stack pages
        team = inventory.teams[key]
        names = {m.email: m.name for m in team.members}
        colours: dict[str, str] = {}
        rows = []
        for level in team.escalation:
            hours = _level_hours(team, level, monday)
            cells = []
            for i, who in enumerate(hours):
                edge = " d" if i % 24 == 0 else ""
                if who is None:
                    cells.append(
                        f'<td class="h gap{edge}" title="{DAYS[i // 24]} {i % 24:02d}:00 nobody">'
                        "</td>"
                    )
                    continue
                colour = colours.setdefault(who, PALETTE[len(colours) % len(PALETTE)])
                label = ", ".join(names.get(p.strip(), p.strip()) for p in who.split(","))
                cells.append(
                    f'<td class="h{edge}" style="background:{colour}" '
                    f'title="{DAYS[i // 24]} {i % 24:02d}:00 {_e(label)}"></td>'
                )
            rows.append(
                f'<tr class="level"><th class="lvl">{_e(level.level)} '
                f'<span class="muted">{_e(level.description)}</span></th>{"".join(cells)}</tr>'
            )
        day_head = "".join(f'<th class="day" colspan="24">{d}</th>' for d in DAYS)
        legend = "".join(
            f'<span><i style="background:{c}"></i>'
            f"{_e(', '.join(names.get(p.strip(), p.strip()) for p in who.split(',')))}</span>"
            for who, c in colours.items()
        )
        l1_gaps = uncovered(team.first_line_schedules) if team.first_line_schedules else []
        gap_text = (
            '<p class="gaps">L1 gaps: ' + ", ".join(_e(format_window(w)) for w in l1_gaps) + "</p>"
            if l1_gaps
            else '<p class="muted">L1 covers every minute of both reference weeks.</p>'
        )
        parts.append(
            f'<section class="oncall" id="oncall-{_e(key)}"><h3>{_e(team.name)} ({_e(key)})</h3>'
            f'<table class="tl"><thead><tr><th class="lvl"></th>{day_head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table><div class="legend">{legend}</div>{gap_text}'
            "</section>"
        )
    return "".join(parts)


# --------------------------------------------------------------------------- alert paths


def _path_html(path: AlertPath) -> str:
    steps = '<span class="arrow">→</span>'.join(
        f'<span class="step{"" if s.ok else " bad"}">{_e(s.label)}</span>' for s in path.steps
    )
    return f'<div class="path"><b>{_e(path.source)}</b>: {steps}</div>'


def alert_paths_section(paths: dict[str, list[AlertPath]]) -> str:
    parts = ["<h2>Alert paths</h2>"]
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
        else '<h2>On-call week (UTC)</h2><p class="muted">no vigil inventory in this run</p>'
    )
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>'
        f"<style>{CSS}</style></head><body><h1>{_e(title)}</h1>"
        f'<p class="muted">{len(doc["sites"])} site(s), {len(doc["resources"])} resources, '
        f"inventory {_e(doc['inventory'])}, policy pack {_e(doc['policies']['pack'])}.</p>"
        f"{coverage_section(doc['sites'])}{violations_section(doc['policies']['violations'])}"
        f"{oncall}{alert_paths_section(site_alert_paths(result.graph))}</body></html>\n"
    )


def write_report(path: str | Path, result: PlanResult) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(render(result), encoding="utf-8")
