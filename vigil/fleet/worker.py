"""One stack of `vigil plan --fleet`, planned in a worker process of its own.

Each stack runs in a fresh process forked from a clean server process (`vigil.fleet.parallel`),
so Pulumi's runtime state (settings, config, the root stack, the mock monitor) is never
shared between stacks. The worker runs exactly what ``vigil plan -s STACK`` runs
(`vigil.plan.service.run_plan`, the same exit codes and error messages) and sends back a
`StackOutcome`: plain, picklable data the parent merges. Whatever goes wrong in the worker is
an outcome with exit 2 and the error, never a lost stack.
"""

from __future__ import annotations

import os
import resource
import signal
import sys
import time
import traceback
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from vigil import resource_types as rt
from vigil.pagerduty.timeline import Timeline
from vigil.plan.alert_paths import AlertPath
from vigil.plan.coverage import SiteCoverage
from vigil.plan.garbage import process_exits_after_plan
from vigil.plan.gate import Gate
from vigil.plan.policy_eval import Violation
from vigil.plan.record import STACK_TYPE, Recording

EXIT_INVALID = 2


OUTPUTS, PLAN = "outputs", "plan"
"""A task's phase: the shared stack's first recording, whose outputs the site stacks read
(``outputs``: recorded, not planned), or a stack's plan (``plan``)."""


@dataclass(frozen=True)
class StackTask:
    """What a worker needs to plan one stack."""

    project_dir: Path
    stack: str
    inventory: str | None = None  # --inventory: overrides every stack's vigil:inventory
    shared: Recording | None = None
    """The fleet's shared stack as first recorded (exports and resources): answers this site
    stack's ``StackReference`` offline, so the shared stack is recorded once for them all."""
    html: bool = False  # render this stack's part of the HTML report too
    phase: str = PLAN
    published: dict[str, dict[str, Any]] | None = None
    """The shared stack's plan: what its site stacks published (stack name → outputs)."""


@dataclass
class StackOutcome:
    """One stack's plan, or why there is none (``error``)."""

    stack: str
    exit_code: int
    error: str | None = None
    document: dict[str, Any] | None = None  # the stack's own plan JSON (vigil plan --json)
    sites: list[SiteCoverage] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    gate: Gate | None = None
    escalation: list[Timeline] = field(default_factory=list)
    resources: int = 0
    shared: Recording | None = None
    """The shared stack's ``outputs`` phase: what site stacks read through their reference."""
    published: dict[str, Any] = field(default_factory=dict)
    """A site stack: the outputs the shared stack reads back (`components.shared`)."""
    tree_routes: list[Any] | None = None
    """The stack's own notification policy tree's routes (``policies`` input), if it has one:
    the shared stack's answer its site stacks' `PendingRoute` steps."""
    paged: dict[str, Any] = field(default_factory=dict)
    """Teams this stack's sites page, with their tiers (`report_html.paged_teams`)."""
    alert_paths: dict[str, list[AlertPath]] = field(default_factory=dict)
    """This stack's sites' alert paths (HTML report), routes in the shared tree pending."""
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # the worker process's user + system time
    peak_rss_mb: float = 0.0  # the worker process's ru_maxrss


def _usage() -> tuple[float, float]:
    """CPU seconds and peak resident set (MB) of this process (``ru_maxrss``: KiB on Linux,
    bytes on macOS)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return usage.ru_utime + usage.ru_stime, peak


def _shared_part(recording: Recording) -> Recording:
    """The shared stack's recording without what site stacks never read (inventory, calls)."""
    return Recording(
        recording.project,
        recording.stack,
        [r for r in recording.resources if r.type != STACK_TYPE],
        exports=recording.exports,
    )


def plan_stack(task: StackTask) -> StackOutcome:
    """``vigil plan -s STACK`` as data: the same run, exit code and error text."""
    from components.shared import CONTACT_POINTS
    from vigil.plan.alert_paths import site_alert_paths
    from vigil.plan.cli import PLAN_ERRORS, exit_code, failure_message
    from vigil.plan.engine import load_stack_config, record_program
    from vigil.plan.report_html import paged_teams
    from vigil.plan.service import INVENTORY_KEY, run_plan

    try:
        if task.phase == OUTPUTS:  # the shared stack's first pass: recorded, not planned
            overrides = {INVENTORY_KEY: task.inventory} if task.inventory else {}
            config = load_stack_config(task.project_dir, task.stack, overrides)
            recording = record_program(config)
            return StackOutcome(
                task.stack, 0, resources=len(recording.resources), shared=_shared_part(recording)
            )
        result = run_plan(
            task.project_dir, task.stack, task.inventory, shared=task.shared,
            published=task.published,
        )  # fmt: skip
    except PLAN_ERRORS as exc:
        return StackOutcome(task.stack, EXIT_INVALID, error=failure_message(exc).rstrip())
    exports = result.recording.exports
    trees = result.recording.of_type(rt.GRAFANA_NOTIFICATION_POLICY)
    return StackOutcome(
        stack=task.stack,
        exit_code=exit_code(result),
        document=result.document,
        sites=result.sites,
        violations=result.violations,
        gate=result.gate,
        escalation=result.escalation,
        resources=len(result.recording.resources),
        published={CONTACT_POINTS: exports[CONTACT_POINTS]} if CONTACT_POINTS in exports else {},
        tree_routes=list(trees[0].inputs.get("policies") or []) if trees else None,
        paged=paged_teams(result.inventory) if result.inventory is not None else {},
        alert_paths=site_alert_paths(result.graph, defer_shared_routes=True) if task.html else {},
    )


def run_worker(conn: Connection, task: StackTask) -> None:
    """Process entry point: plan ``task`` and send the `StackOutcome` through ``conn``.

    Ctrl-C is the parent's to handle (it ends every worker and exits 130): a worker that took
    SIGINT itself would raise ``KeyboardInterrupt`` into the Pulumi SDK, which then waits for
    its pending RPCs (`vigil.plan.interrupt`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    process_exits_after_plan()  # one stack per process (`vigil.plan.garbage`)
    started = time.perf_counter()
    try:
        outcome = plan_stack(task)
    except Exception as exc:  # a bug, not bad input: still this stack's outcome, named
        if os.environ.get("VIGIL_DEBUG"):
            traceback.print_exc()
        outcome = StackOutcome(
            task.stack,
            EXIT_INVALID,
            error=f"{type(exc).__name__}: {exc} (set VIGIL_DEBUG=1 for the traceback)",
        )
    outcome.seconds = time.perf_counter() - started
    outcome.cpu_seconds, outcome.peak_rss_mb = _usage()
    try:
        conn.send(outcome)
    except Exception as exc:  # a result that cannot be pickled: say so, for this stack
        conn.send(
            StackOutcome(
                task.stack,
                EXIT_INVALID,
                error=f"its result could not be sent to the parent: {type(exc).__name__}: {exc}",
                seconds=outcome.seconds,
                cpu_seconds=outcome.cpu_seconds,
                peak_rss_mb=outcome.peak_rss_mb,
            )
        )
    conn.close()
