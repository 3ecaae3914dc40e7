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
from typing import TextIO

import pulumi

from policies.graph import Graph
from vigil.plan.engine import ProgramError
from vigil.plan.interrupt import stop_on_interrupt
from vigil.plan.policy_eval import evaluate, has_mandatory, load_policy_set, policy_resources
from vigil.plan.record import SITE_TYPE, Resource
from vigil.plan.report_json import PlanFileError, dumps, read_plan, write_plan
from vigil.plan.report_text import (
    Painter,
    Progress,
    coverage_matrix,
    escalation_section,
    gaps_by_site,
    gate_line,
    notes_section,
    out_of_scope_section,
    use_colour,
    violations_by_site,
)
from vigil.plan.service import find_project, run_plan
from vigil.stack_file import ConfigFileError

EXIT_OK, EXIT_VIOLATION, EXIT_INVALID = 0, 1, 2


def configure(parser: argparse.ArgumentParser, name: str) -> Callable[[argparse.Namespace], int]:
    """`vigil.cli` hook: add the arguments of ``plan`` or ``check`` and return the handler."""
    if name == "plan":
        parser.add_argument(
            "--stack",
            default=os.environ.get("VIGIL_STACK", "dev"),
            help="stack name: stacks/Pulumi.<stack>.yaml (default: dev)",
        )
        parser.add_argument(
            "--inventory", metavar="DIR", help="inventory directory (overrides vigil:inventory)"
        )
        parser.add_argument(
            "--project", metavar="DIR", help="project directory (default: nearest Pulumi.yaml)"
        )
        parser.add_argument(
            "--json", metavar="FILE", dest="json_file", help="write the plan JSON ('-' = stdout)"
        )
        parser.add_argument(
            "--html", metavar="FILE", dest="html_file", help="write the HTML coverage report"
        )
        return cmd_plan
    if name == "check":
        parser.add_argument("plan_file", metavar="PLAN.json")
        parser.add_argument("--project", metavar="DIR", help="project directory holding policies/")
        parser.add_argument(
            "--json",
            action="store_true",
            dest="as_json",
            help="print the re-evaluated violations as JSON",
        )
        return cmd_check
    raise ValueError(f"unknown command {name}")


def _error(message: str, stream: TextIO = sys.stderr) -> int:
    stream.write(message.rstrip() + "\n")
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


def _program_failure(exc: ProgramError) -> int:
    cause = _root_cause(exc)
    # pulumi.RunError: "shown to the user without a stack trace" (the program's InvalidInventory
    # and InvalidStackConfig)
    if type(cause).__name__ == "InventoryError" or isinstance(
        cause, ValueError | OSError | pulumi.RunError
    ):
        return _error(str(cause))
    if os.environ.get("VIGIL_DEBUG"):
        traceback.print_exception(cause)
    return _error(
        f"the Pulumi program failed: {type(cause).__name__}: {cause}\n"
        "(set VIGIL_DEBUG=1 for the traceback)"
    )


def cmd_plan(args: argparse.Namespace) -> int:
    with stop_on_interrupt("vigil plan"):
        return _plan(args)


def _plan(args: argparse.Namespace) -> int:
    out = sys.stdout
    paint = Painter(use_colour(out))
    progress = Progress(sys.stderr)
    counts = {"resources": 0, "sites": 0}

    def on_resource(res: Resource) -> None:
        if not counts["resources"]:
            progress.note(f"vigil plan: recording stack {args.stack} offline")
        counts["resources"] += 1
        if res.type == SITE_TYPE:
            counts["sites"] += 1
        progress.update(f"recording: {counts['sites']} site(s), {counts['resources']} resources")

    def on_policy(done: int, total: int) -> None:
        progress.update(f"evaluating policies: site {done}/{total}")

    try:
        project = Path(args.project) if args.project else find_project()
        result = run_plan(
            project,
            args.stack,
            args.inventory,
            on_resource=on_resource,
            on_policy_progress=on_policy,
        )
    except ProgramError as exc:
        progress.clear()
        return _program_failure(exc)
    except ConfigFileError as exc:
        progress.clear()
        return _error(str(exc))
    except (FileNotFoundError, LookupError) as exc:
        progress.clear()
        return _error(f"vigil plan: {exc}")
    progress.clear()

    if args.json_file == "-":
        out.write(dumps(result.document))
    else:
        print(
            f"stack {result.config.stack}: "
            f"{len(result.recording.resources)} resources recorded offline",
            file=out,
        )
        print(coverage_matrix(result.sites, paint), file=out)
        if result.escalation:
            print("\n" + escalation_section(result.escalation, paint), file=out)
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
    failed = has_mandatory(result.violations) or not result.gate.passed
    return EXIT_VIOLATION if failed else EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    out = sys.stdout
    paint = Painter(use_colour(out))
    try:
        saved, recording = read_plan(args.plan_file)
        project = Path(args.project) if args.project else find_project()
        policy_set = load_policy_set(project)
    except PlanFileError as exc:
        return _error(str(exc))
    except (FileNotFoundError, LookupError) as exc:
        return _error(f"vigil check: {exc}")
    resources = policy_resources(recording)
    violations = evaluate(recording, policy_set, resources=resources)
    if args.as_json:
        out.write(dumps({"pack": policy_set.pack, "violations": [v.as_json() for v in violations]}))
    else:
        sites = Graph(resources).sites
        print(
            f"plan {args.plan_file}: stack {recording.stack}, "
            f"{len(recording.resources)} resources, {len(sites)} site(s)",
            file=out,
        )
        print(violations_by_site(violations, paint), file=out)
    gate = saved.get("gate") if isinstance(saved, dict) else None
    gaps = gate.get("sitesWithGaps") if isinstance(gate, dict) else None
    if gaps and not args.as_json:
        print(f"coverage gate of the saved plan: failed ({', '.join(map(str, gaps))})", file=out)
    return EXIT_VIOLATION if has_mandatory(violations) or gaps else EXIT_OK
