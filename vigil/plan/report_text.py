"""Terminal report: coverage matrix, gaps and violations grouped by site, a progress line.

Colour only when the stream is a TTY (and ``NO_COLOR`` is unset), so CI logs and files stay
plain text.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import TextIO

from vigil.detection.site import SitePage
from vigil.pagerduty.timeline import Timeline
from vigil.plan.coverage import TOOLS, SiteCoverage
from vigil.plan.gate import Gate, Note
from vigil.plan.policy_eval import Violation

HEADERS = {
    "cloudwatch": "CloudWatch",
    "zabbix": "Zabbix",
    "grafana": "Grafana",
    "pagerduty": "PagerDuty",
}
_CODES = {"red": "31", "green": "32", "yellow": "33", "bold": "1", "dim": "2"}


def use_colour(stream: TextIO) -> bool:
    return hasattr(stream, "isatty") and stream.isatty() and not os.environ.get("NO_COLOR")


class Painter:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, style: str) -> str:
        return f"\033[{_CODES[style]}m{text}\033[0m" if self.enabled else text


def _pad(cell: str, plain: str, width: int, right: bool = False) -> str:
    fill = " " * (width - len(plain))
    return fill + cell if right else cell + fill


def coverage_matrix(
    sites: list[SiteCoverage], paint: Painter, stacks: Mapping[str, str] | None = None
) -> str:
    """One row per site; ``stacks`` (site id → stack, a fleet plan) adds a stack column."""
    extra = ["stack"] if stacks is not None else []
    cols = ["site", *extra, "client", "tier", *(HEADERS[t] for t in TOOLS), "gaps"]
    first = 1 + len(extra)  # index of the first cell after site (and stack)
    rows = [
        [
            s.id,
            *([stacks.get(s.id, "-")] if stacks is not None else []),
            s.client or "-",
            s.tier or "-",
            *(str(s.coverage[t]) for t in TOOLS),
            str(len(s.gaps)),
        ]
        for s in sites
    ]
    widths = [
        max(len(c), *(len(r[i]) for r in rows)) if rows else len(c) for i, c in enumerate(cols)
    ]
    numeric = set(range(first + 2, len(cols)))
    lines = [
        "  ".join(_pad(paint(c, "bold"), c, widths[i], i in numeric) for i, c in enumerate(cols))
    ]
    for s, row in zip(sites, rows, strict=True):
        cells = []
        for i, value in enumerate(row):
            cell = value
            if first + 2 <= i < first + 2 + len(TOOLS):
                cell = paint(value, "red" if value == "0" else "green")
            elif i == len(cols) - 1:
                cell = paint(value, "yellow" if s.gaps else "green")
            cells.append(_pad(cell, value, widths[i], i in numeric))
        lines.append("  ".join(cells))
    totals = {t: sum(s.coverage[t] for s in sites) for t in TOOLS}
    lines.append(
        f"{len(sites)} site(s): "
        + ", ".join(f"{totals[t]} {HEADERS[t]}" for t in TOOLS)
        + f"; {sum(1 for s in sites if s.gaps)} site(s) with gaps"
    )
    return "\n".join(lines)


def escalation_section(timelines: list[Timeline], paint: Painter) -> str:
    """Per team × tier: the minute each level is first paged for an unacknowledged incident."""
    if not timelines:
        return ""
    lines = [paint("escalation", "bold") + " (minutes after an incident opens, nobody acks)"]
    for t in timelines:
        lines.append(f"  {t.team}-{t.tier} (SLA {t.sla_minutes} min): "
                     + paint(t.summary(), "yellow" if t.cut else "green"))
    return "\n".join(lines)


def detection_section(pages: list[SitePage], paint: Painter) -> str:
    """Per site: worst-case minutes from a failure to ALARM, to the first human, and on."""
    if not pages:
        return ""
    lines = [
        paint("time to page", "bold")
        + " (worst case after a failure, CloudWatch → SNS → PagerDuty, nobody acks)"
    ]
    for page in pages:
        colour = "red" if page.within_target is False else "green"
        lines.append(f"  {page.site} ({page.tier or '-'}): " + paint(page.summary(), colour))
    return "\n".join(lines)


def gaps_by_site(sites: list[SiteCoverage], paint: Painter) -> str:
    lines = []
    for s in sites:
        if s.gaps:
            lines.append(paint(s.id, "bold"))
            lines.extend(f"  - {g}" for g in s.gaps)
    return "\n".join(lines)


def out_of_scope_section(sites: list[SiteCoverage], paint: Painter) -> str:
    """Waived gaps, one line per tool and reason: which sites the stack leaves out, and why."""
    waived: dict[tuple[str, str], list[str]] = defaultdict(list)
    for s in sites:
        for tool, reason in sorted({(tool, reason) for tool, _, reason in s.waived}):
            waived[(tool, reason)].append(s.id)
    lines = []
    for (tool, reason), ids in sorted(waived.items()):
        which = "every site" if len(ids) == len(sites) else ", ".join(ids)
        lines.append(f"  - {HEADERS[tool]} for {which} (vigil:outOfScope.{tool}): {reason}")
    return paint("out of scope", "bold") + "\n" + "\n".join(lines) if lines else ""


def notes_section(notes: Iterable[Note], paint: Painter) -> str:
    """Tools the stack skips and steps it leaves to a human (the program logs them too)."""
    lines = [f"  - {'to do: ' if n.kind == 'manual' else ''}{n.message}" for n in notes]
    return paint("notes", "bold") + "\n" + "\n".join(lines) if lines else ""


def gate_line(gate: Gate, paint: Painter) -> str:
    if gate.passed:
        return paint("coverage gate: passed (every site covered or declared out of scope)", "green")
    return paint(
        f"coverage gate: failed: {len(gate.failing)} site(s) with gaps "
        f"({', '.join(gate.failing)}); fix them or declare the tool in vigil:outOfScope",
        "red",
    )


def violations_by_site(violations: list[Violation], paint: Painter) -> str:
    if not violations:
        return paint("policies: no violations", "green")
    groups: dict[str, list[Violation]] = defaultdict(list)
    for v in violations:
        groups[v.site or "(team / stack)"].append(v)
    lines = []
    for site in sorted(groups):
        lines.append(paint(site, "bold"))
        for v in groups[site]:
            colour = "red" if v.level == "mandatory" else "yellow"
            where = v.urn.rsplit("::", 1)[-1] if v.urn else "stack"
            first, *rest = v.message.splitlines() or [""]
            lines.append(f"  {paint(v.level, colour)} {v.policy} [{where}]: {first}")
            lines.extend(f"      {line}" for line in rest)
    mandatory = sum(1 for v in violations if v.level == "mandatory")
    lines.append(f"{len(violations)} violation(s), {mandatory} mandatory")
    return "\n".join(lines)


PLAIN_INTERVAL_ENV = "VIGIL_PROGRESS_SECONDS"
PLAIN_INTERVAL = 5.0
"""Seconds between progress lines when stderr is not a terminal (CI logs): steady, so a log
never goes quiet long enough to look hung, and sparse, so a 150-site plan logs a few lines."""


class Progress:
    """One self-overwriting status line on a TTY; on anything else (CI) one plain line every
    `PLAIN_INTERVAL` seconds from a heartbeat thread, with the elapsed time and the latest
    status (which carries its totals), whether or not the program reported anything since."""

    def __init__(
        self, stream: TextIO = sys.stderr, interval: float = 0.1, prefix: str = "vigil"
    ) -> None:
        self.stream = stream
        self.tty = use_colour(stream) or (hasattr(stream, "isatty") and stream.isatty())
        self.interval = interval
        self.prefix = prefix
        self.plain_interval = float(os.environ.get(PLAIN_INTERVAL_ENV) or PLAIN_INTERVAL)
        self._last = 0.0
        self._shown = False
        self._status = "starting"
        self._started = time.monotonic()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._beat: threading.Thread | None = None

    def start(self, status: str = "starting") -> None:
        """Begin the heartbeat (plain mode only); `stop` ends it."""
        self._status, self._started = status, time.monotonic()
        if self.tty or self._beat is not None:
            return
        self._beat = threading.Thread(target=self._heartbeat, name="vigil-progress", daemon=True)
        self._beat.start()

    def stop(self) -> None:
        self._stop.set()
        if self._beat is not None:
            self._beat.join(timeout=1)
            self._beat = None
        self.clear()

    def _heartbeat(self) -> None:
        while not self._stop.wait(self.plain_interval):
            elapsed = time.monotonic() - self._started
            with self._lock:
                line = f"{self.prefix}: [{elapsed:5.0f} s] {self._status}\n"
            try:
                self.stream.write(line)
                self.stream.flush()
            except (OSError, ValueError):
                return

    def update(self, text: str, force: bool = False) -> None:
        with self._lock:
            self._status = text
        now = time.monotonic()
        if not self.tty or (not force and now - self._last < self.interval):
            return
        self._last = now
        self.stream.write("\r\033[K" + text)
        self.stream.flush()
        self._shown = True

    def note(self, text: str) -> None:
        """A milestone: printed on its own line in both modes."""
        self.clear()
        with self._lock:
            self.stream.write(text + "\n")
            self.stream.flush()

    def clear(self) -> None:
        if self._shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._shown = False
