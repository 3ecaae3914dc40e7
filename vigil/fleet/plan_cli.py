"""`vigil plan --fleet [-j N]`: every stack of the fleet planned in parallel, one report.

Exit code: the worst of the stacks' `vigil plan` exit codes (0 clean, 1 violation or gap,
2 invalid input or a stack that could not be planned, e.g. a worker that died); 130 on Ctrl-C,
after every worker has been ended and no partial file written.
"""

from __future__ import annotations

import argparse
import sys

from vigil import cli_options as options
from vigil.fleet.definition import read_fleet
from vigil.fleet.merge import FleetPlan
from vigil.fleet.parallel import FleetRunner, default_jobs, plan_fleet
from vigil.fleet.report import render_html, text
from vigil.fleet.worker import OUTPUTS, StackOutcome
from vigil.plan.interrupt import (
    EXIT_INTERRUPTED,
    atomic_write,
    halt_if_interrupted,
    stop_on_interrupt,
)
from vigil.plan.report_json import dumps
from vigil.plan.report_text import Painter, Progress, use_colour
from vigil.stack_file import ConfigFileError

EXIT_INVALID = 2
WHAT = "vigil plan --fleet"


def jobs_count(value: str) -> int:
    """``-j N``: a positive number of worker processes."""
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"a positive number of worker processes, not {value!r}")
    return jobs


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--fleet",
        action="store_true",
        help="plan every stack of the fleet (fleet.yaml, else every stack file) in parallel "
        "worker processes, the shared stack first, and merge the reports (-s is ignored)",
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=jobs_count,
        default=None,
        metavar="N",
        help=f"with --fleet: worker processes at most (default: the cores, here {default_jobs()})",
    )


def _error(message: str) -> int:
    sys.stderr.write(f"{WHAT}: {message.rstrip()}\n")
    return EXIT_INVALID


def cmd_plan_fleet(args: argparse.Namespace) -> int:
    if args.against:
        return _error(
            "--against compares one stack's plan; compare saved fleet plans with "
            "vigil diff OLD.json NEW.json"
        )
    try:
        fleet = read_fleet(options.project_dir(args))
    except (ConfigFileError, FileNotFoundError) as exc:
        return _error(str(exc))
    if not fleet.stacks:
        return _error(f"{fleet.project_dir}: the fleet has no stacks")
    jobs = args.jobs or default_jobs()
    runner = FleetRunner(jobs)
    progress = Progress(sys.stderr, prefix=WHAT)
    done: list[str] = []

    def on_event(event: str, stack: str, outcome: StackOutcome | None) -> None:
        if event == "started" or outcome is None:
            progress.update(f"{len(done)}/{len(fleet.stacks)} stacks done, planning {stack}")
            return
        if event == OUTPUTS:  # the shared stack's first pass (planned after its site stacks)
            progress.note(
                f"{WHAT}: stack {stack} (outputs for its site stacks): recorded "
                f"{outcome.resources} resources ({outcome.seconds:.1f} s, "
                f"{outcome.cpu_seconds:.1f} s CPU, peak {outcome.peak_rss_mb:.0f} MB)"
            )
            return
        done.append(stack)
        how = (
            f"failed: {(outcome.error or '').splitlines()[0]}"
            if outcome.error
            else f"{len(outcome.sites)} site(s), {outcome.resources} resources"
        )
        progress.note(
            f"{WHAT}: [{len(done)}/{len(fleet.stacks)}] stack {stack}: exit {outcome.exit_code}, "
            f"{how} ({outcome.seconds:.1f} s, {outcome.cpu_seconds:.1f} s CPU, "
            f"peak {outcome.peak_rss_mb:.0f} MB)"
        )

    with stop_on_interrupt(WHAT, on_stop=runner.abort):
        try:
            progress.start(f"planning {len(fleet.stacks)} stack(s) with {jobs} worker(s)")
            outcomes = plan_fleet(fleet, runner, args.inventory, bool(args.html_file), on_event)
            halt_if_interrupted()  # Ctrl-C ended the workers: these outcomes are not a plan
            progress.stop()
            return _report(args, FleetPlan(fleet, outcomes))
        except KeyboardInterrupt:  # where SIGINT cannot be blocked (stop_on_interrupt)
            runner.abort()
            sys.stderr.write(f"\n{WHAT}: interrupted (Ctrl-C); stopped, no partial file written\n")
            return EXIT_INTERRUPTED


def _report(args: argparse.Namespace, plan: FleetPlan) -> int:
    out = sys.stdout
    doc = plan.document() if args.json_file or args.html_file else None
    if args.json_file == "-":
        assert doc is not None
        out.write(dumps(doc))
    else:
        print(text(plan, Painter(use_colour(out))), file=out)
    if args.json_file and args.json_file != "-":
        assert doc is not None
        try:
            atomic_write(args.json_file, dumps(doc))
        except OSError as exc:
            return _error(f"cannot write {args.json_file}: {exc.strerror}")
        print(f"fleet plan written to {args.json_file}", file=out)
    if args.html_file:
        assert doc is not None
        try:
            atomic_write(args.html_file, render_html(plan, doc))
        except OSError as exc:
            return _error(f"cannot write {args.html_file}: {exc.strerror}")
        print(
            f"HTML report written to {args.html_file}",
            file=sys.stderr if args.json_file == "-" else out,
        )
    return plan.exit_code
