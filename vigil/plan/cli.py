"""`vigil plan` and `vigil check`: argparse wiring, exit codes, no tracebacks for bad input.

Exit codes (DESIGN.md): 0 clean, 1 a mandatory policy violation, 2 invalid input (bad
inventory, unknown stack, unreadable or malformed plan file, failing program).
`vigil.cli` calls ``configure(parser, name)`` (and keeps exit codes under a closed pipe).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import pulumi

from policies.graph import Graph
from vigil import cli_options as options
from vigil.plan.engine import ProgramError
from vigil.plan.interrupt import stop_on_interrupt
from vigil.plan.policy_eval import evaluate, has_mandatory, load_policy_set, policy_resources
from vigil.plan.record import SITE_TYPE, Resource
from vigil.plan.report_json import PlanFileError, dumps, read_plan, write_plan
from vigil.plan.report_text import (
    Painter,
    Progress,
    coverage_matrix,
    detection_section,
    escalation_section,
    gaps_by_site,
    gate_line,
    notes_section,
    out_of_scope_section,
    use_colour,
    violations_by_site,
)
from vigil.plan.service import PlanResult, run_plan
from vigil.stack_file import ConfigFileError

EXIT_OK, EXIT_VIOLATION, EXIT_INVALID = 0, 1, 2


def configure(parser: argparse.ArgumentParser, name: str) -> Callable[[argparse.Namespace], int]:
    """`vigil.cli` hook: add the arguments of ``plan`` or ``check`` and return the handler."""
    if name == "plan":
        options.add_stack(parser)
        parser.add_argument(
            "--inventory", metavar="DIR", help="inventory directory (overrides vigil:inventory)"
        )
        options.add_project(parser)
        options.add_json(parser, "the plan (on stdout: nothing else)")
        parser.add_argument(
            "--html", metavar="FILE", dest="html_file", help="write the HTML coverage report"
        )
        parser.add_argument(
            "--against",
            metavar="OLD.json",
            help="also show what changed since a saved plan (vigil diff OLD.json this-plan)",
        )
        from vigil.fleet.plan_cli import add_arguments

        add_arguments(parser)
        return cmd_plan
    if name == "check":
        parser.add_argument("plan_file", metavar="PLAN.json", nargs="?")
        options.add_project(parser)
        options.add_json(parser, "the re-evaluated violations")
        return cmd_check
    raise ValueError(f"unknown command {name}")


def _error(message: str, stream: TextIO | None = None) -> int:
    (stream or sys.stderr).write(message.rstrip() + "\n")  # sys.stderr of the call, not import
    return EXIT_INVALID


def _root_cause(exc: BaseException) -> BaseException:
    seen = set()
    while id(exc) not in seen:
        seen.add(id(exc))
        nxt = getattr(exc, "cause", None) or exc.__cause__
        if nxt is None:
            break
        exc = nxt
    return exc


PLAN_ERRORS = (ProgramError, ConfigFileError, FileNotFoundError, LookupError)
"""What makes a stack unplannable (exit 2): `failure_message` says why, without a traceback."""


def failure_message(exc: BaseException) -> str:
    """The line(s) `vigil plan` prints for one of `PLAN_ERRORS` (also per stack of a fleet)."""
    if isinstance(exc, ConfigFileError):
        return str(exc)
    if not isinstance(exc, ProgramError):
        return f"vigil plan: {exc}"
    cause = _root_cause(exc)
    # pulumi.RunError: "shown to the user without a stack trace" (the program's InvalidInventory
    # and InvalidStackConfig)
    if type(cause).__name__ == "InventoryError" or isinstance(
        cause, ValueError | OSError | pulumi.RunError
    ):
        return str(cause)
    if os.environ.get("VIGIL_DEBUG"):
        traceback.print_exception(cause)
    return (
        f"the Pulumi program failed: {type(cause).__name__}: {cause}\n"
        "(set VIGIL_DEBUG=1 for the traceback)"
    )


def exit_code(result: PlanResult) -> int:
    """1 for a mandatory violation or a site failing the coverage gate, else 0."""
    failed = has_mandatory(result.violations) or not result.gate.passed
    return EXIT_VIOLATION if failed else EXIT_OK


def cmd_plan(args: argparse.Namespace) -> int:
    if args.fleet:
        from vigil.fleet.plan_cli import cmd_plan_fleet

        return cmd_plan_fleet(args)
    with stop_on_interrupt("vigil plan"):
        return _plan(args)


def _expected_sites(project: Path, args: argparse.Namespace) -> int | None:
    """How many sites the run will record, for the progress total: the inventory's site files
    of the stack's clients (a directory scan, no validation). ``None`` when it cannot be told
    cheaply; the run itself then reports whatever is wrong."""
    from vigil.inventory.discovery import site_files
    from vigil.plan.engine import load_stack_config, offline_settings

    try:
        settings = offline_settings(load_stack_config(project, args.stack))
        root = Path(args.inventory) if args.inventory else settings.inventory_path(project)
        files, _ = site_files(root)
    except Exception:  # a progress total is never worth an error of its own
        return None
    clients = settings.clients
    return sum(1 for f in files if clients is None or f.client in clients)


def _read_against(path: str | None) -> Any:
    """The saved plan of ``--against``, read before the run so a bad file fails at once."""
    if path is None:
        return None
    from vigil.diff.cli import read_document

    return read_document(path)


def _plan(args: argparse.Namespace) -> int:
    from vigil.diff.plans import PlanDocumentError

    out = sys.stdout
    paint = Painter(use_colour(out))
    progress = Progress(sys.stderr, prefix="vigil plan")
    counts = {"resources": 0, "sites": 0}
    try:
        project = options.project_dir(args)
        against = _read_against(args.against)
    except FileNotFoundError as exc:
        return _error(f"vigil plan: {exc}")
    except PlanDocumentError as exc:
        return _error(f"vigil plan: --against {exc}")
    total = _expected_sites(project, args)
    of_total = f"/{total}" if total is not None else ""

    def on_resource(res: Resource) -> None:
        if not counts["resources"]:
            progress.note(f"vigil plan: recording stack {args.stack} offline")
        counts["resources"] += 1
        if res.type == SITE_TYPE:
            counts["sites"] += 1
        progress.update(
            f"recording: site {counts['sites']}{of_total}, {counts['resources']} resources"
        )

    def on_policy(done: int, total: int) -> None:
        progress.update(f"evaluating policies: site {done}/{total}")

    progress.start(f"starting the Pulumi program of stack {args.stack} ({total or '?'} sites)")
    try:
        result = run_plan(
            project,
            args.stack,
            args.inventory,
            on_resource=on_resource,
            on_policy_progress=on_policy,
        )
    except PLAN_ERRORS as exc:
        progress.stop()
        return _error(failure_message(exc))
    progress.stop()

    changes = None
    if against is not None:
        from vigil.diff.plans import diff_plans

        try:
            changes = diff_plans(against, result.document, args.against, "this plan")
        except PlanDocumentError as exc:
            return _error(f"vigil plan: --against {exc}")
    if args.json_file == "-":
        doc = result.document
        if changes is not None:
            from vigil.diff import render

            doc = {**doc, "against": {"plan": args.against, **render.as_json(changes)}}
        out.write(dumps(doc))
    else:
        print(
            f"stack {result.config.stack}: "
            f"{len(result.recording.resources)} resources recorded offline",
            file=out,
        )
        print(coverage_matrix(result.sites, paint), file=out)
        if result.escalation:
            print("\n" + escalation_section(result.escalation, paint), file=out)
        if result.pages:
            print("\n" + detection_section(result.pages, paint), file=out)
        gaps = gaps_by_site(result.sites, paint)
        if gaps:
            print("\n" + paint("gaps", "bold") + "\n" + gaps, file=out)
        for section in (
            out_of_scope_section(result.sites, paint),
            notes_section(result.gate.notes, paint),
        ):
            if section:
                print("\n" + section, file=out)
        print("\n" + violations_by_site(result.violations, paint), file=out)
        if changes is not None:
            from vigil.diff import render

            print("\n" + paint(f"changes against {args.against}", "bold"), file=out)
            print(render.text(changes), file=out)
        print(gate_line(result.gate, paint), file=out)
        if args.json_file:
            try:
                write_plan(args.json_file, result.document)
            except OSError as exc:
                return _error(f"vigil plan: cannot write {args.json_file}: {exc.strerror}")
            print(f"plan written to {args.json_file}", file=out)
    if args.html_file:
        from vigil.plan.report_html import write_report

        try:
            write_report(args.html_file, result)
        except OSError as exc:
            return _error(f"vigil plan: cannot write {args.html_file}: {exc.strerror}")
        print(
            f"HTML report written to {args.html_file}",
            file=sys.stderr if args.json_file == "-" else out,
        )
    return exit_code(result)


def cmd_check(args: argparse.Namespace) -> int:
    out = sys.stdout
    paint = Painter(use_colour(out))
    options.take_input_from_json(args, "plan_file")
    if args.plan_file is None:
        return _error("vigil check: give the saved plan: vigil check PLAN.json")
    try:
        saved, recording = read_plan(args.plan_file)
        project = options.project_dir(args)
        policy_set = load_policy_set(project)
    except PlanFileError as exc:
        return _error(str(exc))
    except (FileNotFoundError, LookupError) as exc:
        return _error(f"vigil check: {exc}")
    resources = policy_resources(recording)
    violations = evaluate(recording, policy_set, resources=resources)
    gate = saved.get("gate") if isinstance(saved, dict) else None
    gaps = gate.get("sitesWithGaps") if isinstance(gate, dict) else None
    if args.json_file:
        options.emit_json(
            args.json_file,
            {
                "plan": args.plan_file,
                "stack": recording.stack,
                "pack": policy_set.pack,
                "violations": [v.as_json() for v in violations],
                "sitesWithGaps": list(gaps or []),
            },
        )
    if args.json_file != "-":
        sites = Graph(resources).sites
        print(
            f"plan {args.plan_file}: stack {recording.stack}, "
            f"{len(recording.resources)} resources, {len(sites)} site(s)",
            file=out,
        )
        print(violations_by_site(violations, paint), file=out)
    if gaps and args.json_file != "-":
        print(f"coverage gate of the saved plan: failed ({', '.join(map(str, gaps))})", file=out)
    return EXIT_VIOLATION if has_mandatory(violations) or gaps else EXIT_OK
