"""Plan every stack of the fleet in worker processes: the shared stack first, then the rest.

One process per stack (`vigil.fleet.worker`), at most ``jobs`` at a time. Processes are forked
from multiprocessing's *forkserver*, a clean process that has imported vigil, Pulumi and the
providers but never run a program, so a stack starts in milliseconds and shares no Pulumi
runtime state with any other (the SDK's settings, config and root stack are process globals:
pulumi/pulumi's Automation API docs ask for one process per stack for the same reason). Where
forkserver does not exist (Windows) workers are spawned.

Site stacks that reference the fleet's shared stack (``vigil:sharedStack``) wait for it: its
recording (exports and resources) is handed to each of them, so it is recorded once, and a
failed shared stack is reported as the reason its site stacks were not planned. Every stack
ends with a `StackOutcome`: a worker that dies (a signal, the OOM killer, an exception while
sending) becomes an outcome naming the stack and how it died, never a silently missing stack.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.util
import os
import shutil
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from typing import Any

from vigil.fleet.definition import Fleet, StackEntry
from vigil.fleet.worker import EXIT_INVALID, OUTPUTS, PLAN, StackOutcome, StackTask, run_worker

PRELOAD = "vigil.fleet.preload"
"""Imported once by the forkserver (imports only; see that module)."""
STOP_GRACE_SECONDS = 2.0

OnEvent = Callable[[str, str, StackOutcome | None], None]
"""``(event, stack, outcome)``: ``started`` (no outcome), ``outputs`` (the shared stack's first
pass, recorded for its site stacks) or ``done`` (the stack's plan, or why there is none)."""


def default_jobs() -> int:
    """As many workers as cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def worker_context() -> BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([PRELOAD])
        return ctx
    return multiprocessing.get_context("spawn")


def references_shared(fleet: Fleet, stack: StackEntry) -> bool:
    """Whether ``stack`` reads the fleet's shared stack (`vigil.fleet.check` uses the same
    name rule: the reference's last part is the stack name)."""
    return bool(
        fleet.shared
        and stack.name != fleet.shared
        and stack.shared_stack
        and stack.shared_stack.rsplit("/", 1)[-1] == fleet.shared
    )


def died(stack: str, exitcode: int | None) -> StackOutcome:
    """The outcome of a worker that ended without sending one."""
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        oom = " (out of memory? the kernel's OOM killer sends SIGKILL)"
        hint = oom if name == "SIGKILL" else ""
        how = f"was killed by {name}{hint}"
    else:
        how = f"exited with code {exitcode} without a result"
    return StackOutcome(stack, EXIT_INVALID, error=f"the worker process planning it {how}")


def _start_keeping_signal_mask(process: BaseProcess) -> None:
    """``process.start()``, then the caller's signal mask again: the first start launches
    multiprocessing's resource tracker, whose ``ensure_running`` unblocks SIGINT and SIGTERM
    in the calling thread when done (CPython 3.11 ``multiprocessing/resource_tracker.py``),
    which would undo `vigil.plan.interrupt.stop_on_interrupt`'s blocked SIGINT."""
    main = threading.current_thread() is threading.main_thread()
    if not main or not hasattr(signal, "pthread_sigmask"):
        process.start()
        return
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, set())  # the current mask, unchanged
    try:
        process.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


@dataclass
class _Running:
    task: StackTask
    process: BaseProcess
    conn: Connection


class FleetRunner:
    """Runs `StackTask`s in worker processes; `stop` (safe from another thread, e.g. the
    Ctrl-C watcher) ends every worker and starts no new one."""

    def __init__(
        self,
        jobs: int,
        context: BaseContext | None = None,
        target: Callable[[Connection, StackTask], None] = run_worker,
    ) -> None:
        """``target(conn, task)``: the worker's entry point (tests give one that crashes)."""
        self.jobs = max(1, jobs)
        self.context = context or worker_context()
        self.target = target
        self._running: list[_Running] = []
        self._lock = threading.Lock()
        self._stopped = False

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            running = list(self._running)
        for r in running:
            if r.process.is_alive():
                r.process.terminate()
        for r in running:
            r.process.join(STOP_GRACE_SECONDS)
            if r.process.is_alive():
                r.process.kill()
                r.process.join(STOP_GRACE_SECONDS)

    def abort(self) -> None:
        """`stop`, then remove multiprocessing's temporary folder (``pymp-*``, where the
        forkserver's listening socket lives): its atexit finalizer would (CPython 3.11
        ``multiprocessing/util.py`` ``get_temp_dir``), but an interrupted plan ends with
        ``os._exit`` (`vigil.plan.interrupt`), which runs no finalizer."""
        self.stop()
        shutil.rmtree(multiprocessing.util.get_temp_dir(), ignore_errors=True)

    def _start(self, task: StackTask) -> StackOutcome | None:
        """Start a worker for ``task``; an outcome instead when it cannot be started."""
        receive, send = self.context.Pipe(duplex=False)
        process = self.context.Process(  # type: ignore[attr-defined]
            target=self.target, args=(send, task), name=f"vigil-plan-{task.stack}", daemon=True
        )
        with self._lock:
            if self._stopped:
                return StackOutcome(task.stack, EXIT_INVALID, error="interrupted before it started")
            try:
                _start_keeping_signal_mask(process)
            except Exception as exc:  # e.g. a task that cannot be pickled
                receive.close()
                return StackOutcome(
                    task.stack, EXIT_INVALID, error=f"its worker could not start: {exc}"
                )
            finally:
                send.close()  # the child's end: closed here, so its death reads as EOF
            self._running.append(_Running(task, process, receive))
        return None

    def _finished(self) -> list[tuple[StackTask, StackOutcome]]:
        """Wait until at least one running worker ends; the outcomes of those that did."""
        with self._lock:
            running = list(self._running)
        waitables: list[Any] = [r.conn for r in running] + [r.process.sentinel for r in running]
        ready = set(wait(waitables))
        done: list[tuple[_Running, StackOutcome]] = []
        for r in running:
            if r.conn not in ready and r.process.sentinel not in ready:
                continue
            outcome: StackOutcome | None = None
            try:
                if r.conn.poll():
                    outcome = r.conn.recv()
            except (EOFError, OSError):
                outcome = None
            if outcome is None and r.process.is_alive():
                continue  # readable without a message yet: wait again
            r.process.join()
            r.conn.close()
            done.append((r, outcome or died(r.task.stack, r.process.exitcode)))
        with self._lock:
            ended = {id(r) for r, _ in done}
            self._running = [r for r in self._running if id(r) not in ended]
        return [(r.task, outcome) for r, outcome in done]

    def run(
        self,
        first: Iterable[StackTask],
        then: Callable[[StackTask | None, StackOutcome], Iterable[StackTask | StackOutcome]],
        on_start: Callable[[StackTask], None] | None = None,
    ) -> None:
        """Run ``first``; each outcome goes to ``then(its task, outcome)``, which gives the
        tasks to run next (or outcomes of stacks that need no worker, handed to it too; their
        task ``None``). Returns when no task is left."""
        queue: deque[StackTask] = deque()

        def finish(task: StackTask | None, outcome: StackOutcome) -> None:
            for item in then(task, outcome):
                if isinstance(item, StackOutcome):
                    finish(None, item)
                else:
                    queue.append(item)

        queue.extend(first)
        while True:
            while queue and len(self._running) < self.jobs:
                task = queue.popleft()
                failed = self._start(task)
                if failed is not None:
                    finish(task, failed)
                elif on_start is not None:
                    on_start(task)
            if not self._running:
                return
            for task, outcome in self._finished():
                finish(task, outcome)


def plan_fleet(
    fleet: Fleet,
    runner: FleetRunner,
    inventory: str | None = None,
    html: bool = False,
    on_event: OnEvent | None = None,
) -> dict[str, StackOutcome]:
    """Every stack's `StackOutcome`, keyed by stack name (the fleet's order).

    Two passes, as the deploy workflow runs the fleet: the shared stack is first recorded
    alone (phase ``outputs``: no site stack has published anything yet), its outputs and
    resources answer each site stack's ``StackReference`` while the site stacks are planned,
    each once in its own worker; then the shared stack is planned against what they published
    (their contact points, which its notification policy tree routes), and the site stacks'
    routes in that tree are answered from it (`vigil.fleet.report`). Stacks that do not read
    the shared stack are planned at once, alongside."""
    waiting = [s for s in fleet.stacks if references_shared(fleet, s)]
    names = {s.name for s in waiting}
    shared = fleet.shared if any(s.name == fleet.shared for s in fleet.stacks) else None
    outcomes: dict[str, StackOutcome] = {}
    published: dict[str, dict[str, Any]] = {}
    left = len(waiting)

    def task(name: str, **kwargs: Any) -> StackTask:
        return StackTask(fleet.project_dir, name, inventory, html=html, **kwargs)

    def done(outcome: StackOutcome) -> None:
        outcomes[outcome.stack] = outcome
        if on_event is not None:
            on_event("done", outcome.stack, outcome)

    def then(ran: StackTask | None, outcome: StackOutcome) -> list[StackTask | StackOutcome]:
        nonlocal left
        if ran is not None and ran.phase == OUTPUTS:  # the shared stack's first pass
            if outcome.error is not None or outcome.shared is None:
                done(outcome)
                return [
                    StackOutcome(
                        s.name,
                        EXIT_INVALID,
                        error=f"not planned: it reads the shared stack {fleet.shared!r}, "
                        "which could not be planned (see that stack's error)",
                    )
                    for s in waiting
                ]
            if on_event is not None:
                on_event(OUTPUTS, outcome.stack, outcome)
            return [task(s.name, shared=outcome.shared) for s in waiting]
        done(outcome)
        if outcome.stack in names and shared is not None and shared not in outcomes:
            left -= 1
            if outcome.error is None:  # a stack that cannot be planned publishes nothing
                published[outcome.stack] = outcome.published
            if left == 0:  # every site stack published: the shared stack's plan
                return [task(shared, published=dict(sorted(published.items())))]
        return []

    first = [
        task(s.name, phase=OUTPUTS if waiting else PLAN, published=None if waiting else {})
        for s in fleet.stacks
        if s.name == shared
    ] + [task(s.name) for s in fleet.stacks if s.name != shared and s.name not in names]
    if shared is None:  # site stacks whose shared stack is not in the fleet: planned alone
        first += [task(s.name) for s in waiting]

    def started(t: StackTask) -> None:
        if on_event is not None:
            on_event("started", t.stack, None)

    runner.run(first, then, started)
    return {s.name: outcomes[s.name] for s in fleet.stacks}
