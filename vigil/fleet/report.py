"""The fleet plan's terminal and HTML reports, built from the stack reports' own sections.

Same sections as `vigil plan` (coverage matrix with a stack column, escalation, gaps, out of
scope, notes, violations, gate), preceded by one line per stack (role, sites, resources
against the budget, exit code) and followed by every stack that could not be planned, with
its error.
"""

from __future__ import annotations

from html import escape
from typing import Any

from vigil.fleet.merge import FleetPlan, role_of
from vigil.plan import report_html as html
from vigil.plan.gate import Gate
from vigil.plan.report_text import (
    Painter,
    coverage_matrix,
    escalation_section,
    gaps_by_site,
    gate_line,
    out_of_scope_section,
    violations_by_site,
)


def _table(rows: list[list[str]], numeric_from: int) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.rjust(widths[i]) if i >= numeric_from else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ).rstrip()
        for row in rows
    ]


def stacks_table(plan: FleetPlan, paint: Painter) -> str:
    rows = [["stack", "role", "sites", "resources", "budget", "exit"]]
    for stack in plan.fleet.stacks:
        o = plan.outcomes[stack.name]
        over = o.resources > plan.fleet.budget
        rows.append(
            [
                stack.name,
                role_of(plan.fleet, stack),
                str(len(o.sites)) if o.error is None else "-",
                str(o.resources) if o.error is None else "-",
                f"{'OVER ' if over else ''}{plan.fleet.budget}",
                str(o.exit_code),
            ]
        )
    lines = _table(rows, numeric_from=2)
    return "\n".join([paint(lines[0], "bold"), *lines[1:]])


def failures_section(plan: FleetPlan, paint: Painter) -> str:
    lines = []
    for o in plan.failed:
        first, *rest = (o.error or "").splitlines() or [""]
        lines.append(paint(f"stack {o.stack} failed (exit {o.exit_code}): ", "red") + first)
        lines.extend(f"    {line}" for line in rest)
    return "\n".join(lines)


def notes_section(plan: FleetPlan, paint: Painter) -> str:
    lines = [
        f"  - {name}: {'to do: ' if n.kind == 'manual' else ''}{n.message}"
        for name, o in plan.outcomes.items()
        if o.gate is not None
        for n in sorted(o.gate.notes)
    ]
    return paint("notes", "bold") + "\n" + "\n".join(lines) if lines else ""


def violations_section(plan: FleetPlan, paint: Painter) -> str:
    parts = [
        paint(f"stack {name}", "bold") + "\n" + violations_by_site(o.violations, paint)
        for name, o in plan.outcomes.items()
        if o.violations
    ]
    return "\n".join(parts) if parts else violations_by_site([], paint)


def text(plan: FleetPlan, paint: Painter) -> str:
    """The whole terminal report of a fleet plan."""
    pairs = plan.sites()
    where = f" ({plan.fleet.file.name})" if plan.fleet.file else ""
    resources = sum(o.resources for o in plan.outcomes.values())
    parts = [
        f"fleet{where}: {len(plan.outcomes)} stack(s), {len(pairs)} site(s), "
        f"{resources} resources recorded offline",
        stacks_table(plan, paint),
        "",
        coverage_matrix([s for _, s in pairs], paint, {s.id: stack for stack, s in pairs}),
    ]
    escalation = escalation_section(plan.escalation(), paint)
    if escalation:
        parts += ["", escalation]
    gaps = gaps_by_site([s for _, s in pairs], paint)
    if gaps:
        parts += ["", paint("gaps", "bold") + "\n" + gaps]
    for section in (
        out_of_scope_section([s for _, s in pairs], paint),
        notes_section(plan, paint),
    ):
        if section:
            parts += ["", section]
    parts += ["", violations_section(plan, paint)]
    failures = failures_section(plan, paint)
    if failures:
        parts += ["", failures]
    parts.append(gate_line(Gate((), tuple(plan.sites_with_gaps())), paint))
    if plan.failed:
        names = ", ".join(o.stack for o in plan.failed)
        parts.append(paint(f"not planned: {len(plan.failed)} stack(s) ({names})", "red"))
    colour = "green" if plan.exit_code == 0 else "red"
    parts.append(paint(f"fleet exit code {plan.exit_code} (the worst of its stacks)", colour))
    return "\n".join(parts)


# --------------------------------------------------------------------------- HTML


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def stacks_html(doc: dict[str, Any]) -> str:
    rows = []
    for s in doc["fleet"]["stacks"]:
        bad = ' class="zero"' if s["exitCode"] else ' class="ok"'
        error = f'<p class="gaps">{_e(s["error"])}</p>' if s["error"] else ""
        over = ' class="zero"' if s["overBudget"] else ""
        rows.append(
            f'<tr data-stack="{_e(s["stack"])}"><td>{_e(s["stack"])}</td><td>{_e(s["role"])}'
            f'</td><td class="n">{len(s["sites"])}</td><td class="n"{over}>{s["resources"]}'
            f"</td><td{bad}>{s['exitCode']}{error}</td></tr>"
        )
    return (
        f'<h2>Stacks</h2><p class="muted">Budget {doc["fleet"]["budget"]} resources per stack; '
        f"fleet exit code {doc['fleet']['exitCode']} (the worst of its stacks).</p>"
        '<table id="fleet-stacks"><thead><tr><th>stack</th><th>role</th><th>sites</th>'
        f"<th>resources</th><th>exit</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def render_html(plan: FleetPlan, doc: dict[str, Any]) -> str:
    """One self-contained page for the fleet (`vigil.plan.report_html`'s sections)."""
    title = f"vigil plan --fleet — {doc['project']}"
    noted = {
        **doc,
        "notes": [{**n, "message": f"{n['stack']}: {n['message']}"} for n in doc["notes"]],
    }
    paths = "".join(
        html.alert_paths_section(paths, heading=False) for paths in plan.alert_paths().values()
    )
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>'
        f"<style>{html.CSS}</style></head><body><h1>{_e(title)}</h1>"
        f'<p class="muted">{len(doc["fleet"]["stacks"])} stack(s), {len(doc["sites"])} site(s), '
        f"{len(doc['resources'])} resources, inventory {_e(doc['inventory'])}, policy pack "
        f"{_e(doc['policies']['pack'])}.</p>{stacks_html(doc)}"
        f"{html.coverage_section(doc['sites'])}{html.gate_section(noted)}"
        f"{html.violations_section(doc['policies']['violations'])}"
        f"{html.escalation_section(doc['escalation'])}{html.oncall_html(plan.paged())}"
        f"<h2>Alert paths</h2>{paths}</body></html>\n"
    )
