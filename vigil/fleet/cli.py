"""`vigil fleet check|stacks|assign`.

- ``check``: exit 0 when the fleet is a partition without collisions, 1 when not (every
  problem printed, naming sites, files and stacks), 2 for unreadable input.
- ``stacks``: the fleet's stacks in deploy order (the shared stack first), optionally only the
  ones a list of changed files touches (`vigil.fleet.affected`): what the workflows' matrices
  are built from. Exit 0, 2 for unreadable input.
- ``assign``: the budget-based assignment of clients to site stacks (`vigil.fleet.assign`);
  exit 0 when the stack files already hold it (or ``--write`` wrote it), 1 when clients would
  move, 2 for unreadable input or a client over the budget on its own.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from vigil import cli_options
from vigil.fleet.definition import Fleet, StackEntry, read_fleet
from vigil.inventory import InventoryError
from vigil.plan.engine import ProgramError
from vigil.plan.record import Recording
from vigil.stack_file import ConfigFileError

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


def configure(parser: argparse.ArgumentParser, name: str) -> Callable[[argparse.Namespace], int]:
    """`vigil.cli` hook for ``fleet``."""
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = sub.add_parser("check", help="prove every site is in one stack and no two collide")
    cli_options.add_project(check)
    stacks = sub.add_parser("stacks", help="the fleet's stacks, shared first (for CI matrices)")
    cli_options.add_project(stacks)
    stacks.add_argument(
        "--changed",
        metavar="FILE",
        help="only stacks these changed paths touch: FILE lists one path per line, relative "
        "to the project ('-': stdin, e.g. from git diff --name-only)",
    )
    cli_options.add_json(stacks, "the stacks")
    assign = sub.add_parser(
        "assign", help="assign clients to site stacks under the resource budget, few moves"
    )
    cli_options.add_project(assign)
    assign.add_argument(
        "--write", action="store_true", help="write vigil:clients and new stack files"
    )
    cli_options.add_json(assign, "the assignment")
    return cmd_fleet


def cmd_fleet(args: argparse.Namespace) -> int:
    try:
        fleet = read_fleet(cli_options.project_dir(args))
        if args.action == "stacks":
            return cmd_stacks(args, fleet)
        if args.action == "assign":
            from vigil.fleet.assign_cmd import cmd_assign

            return cmd_assign(args, fleet)
        return cmd_check(fleet)
    except (ConfigFileError, FileNotFoundError) as exc:
        sys.stderr.write(f"vigil fleet {args.action}: {exc}\n")
        return EXIT_INVALID
    except InventoryError as exc:
        sys.stderr.write("\n".join(p.format() for p in exc.problems) + "\n")
        return EXIT_INVALID
    except ProgramError as exc:
        sys.stderr.write(f"vigil fleet {args.action}: a stack's program failed: {exc}\n")
        return EXIT_INVALID


def shared_first(fleet: Fleet) -> Callable[[StackEntry], Recording]:
    """``record(stack)``: the shared stack recorded once (as after a full deploy, its site
    stacks recorded against it on the way, `vigil.fleet.record.record_shared`), answering
    every site stack's reference."""
    from vigil.fleet.record import record_shared, record_stack
    from vigil.plan.engine import load_stack_config

    cache: dict[str, Recording] = {}

    def record(stack: StackEntry) -> Recording:
        if fleet.shared and fleet.shared not in cache:
            final, sites = record_shared(load_stack_config(fleet.project_dir, fleet.shared))
            cache[fleet.shared] = final
            cache.update(sites)
        if stack.name in cache:
            return cache[stack.name]
        return record_stack(fleet, stack.name, cache.get(fleet.shared or ""))

    return record


def cmd_check(fleet: Fleet) -> int:
    from vigil.fleet.check import check_fleet

    out = sys.stdout
    report = check_fleet(fleet, shared_first(fleet))
    for stack in fleet.stacks:
        role = " (shared)" if stack.name == fleet.shared else ""
        print(
            f"stack {stack.name}{role}: {len(report.sites[stack.name])} site(s), "
            f"{report.resources[stack.name]} resources (budget {fleet.budget})",
            file=out,
        )
    for problem in report.problems:
        print(problem, file=out)
    verdict = "passed" if report.passed else f"failed ({len(report.problems)} problem(s))"
    print(f"fleet check {verdict}", file=out)
    return EXIT_OK if report.passed else EXIT_FAILED


def deploy_order(fleet: Fleet) -> list[StackEntry]:
    """The shared stack first (site stacks read its outputs), then the others in fleet order."""
    return sorted(fleet.stacks, key=lambda s: s.name != fleet.shared)


def cmd_stacks(args: argparse.Namespace, fleet: Fleet) -> int:
    from vigil.fleet.affected import affected_stacks

    order = deploy_order(fleet)
    names = [s.name for s in order]
    if args.changed is not None:
        text = sys.stdin.read() if args.changed == "-" else Path(args.changed).read_text()
        names = affected_stacks(fleet, text.splitlines())
        names = [s.name for s in order if s.name in names]
    chosen = [s for s in order if s.name in names]
    if args.json_file:
        cli_options.emit_json(
            args.json_file,
            {
                "shared": fleet.shared,
                "stacks": [
                    {
                        "name": s.name,
                        "role": "shared" if s.name == fleet.shared else s.role,
                        "file": s.file.as_posix(),
                        "clients": None if s.clients is None else list(s.clients),
                    }
                    for s in chosen
                ],
                "shared_stacks": [s.name for s in chosen if s.name == fleet.shared],
                "site_stacks": [s.name for s in chosen if s.name != fleet.shared],
            },
        )
        if args.json_file == "-":
            return EXIT_OK
    for stack in chosen:
        role = "shared" if stack.name == fleet.shared else stack.role
        print(f"{stack.name}\t{role}\t{stack.file.as_posix()}")
    return EXIT_OK
