"""`vigil fleet check`: exit 0 when the fleet is a partition without collisions, 1 when not
(every problem printed, naming sites, files and stacks), 2 for unreadable input."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from vigil.fleet.check import check_fleet
from vigil.fleet.definition import StackEntry, read_fleet
from vigil.inventory import InventoryError
from vigil.plan.engine import ProgramError
from vigil.plan.record import Recording
from vigil.stack_file import ConfigFileError

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


def configure(parser: argparse.ArgumentParser, name: str) -> Callable[[argparse.Namespace], int]:
    """`vigil.cli` hook for ``fleet``."""
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = sub.add_parser("check", help="prove every site is in one stack and no two collide")
    check.add_argument(
        "--project", metavar="DIR", help="project directory (default: nearest Pulumi.yaml)"
    )
    return cmd_fleet


def cmd_fleet(args: argparse.Namespace) -> int:
    from vigil.fleet.record import record_stack
    from vigil.plan.service import find_project

    out = sys.stdout
    try:
        project = Path(args.project) if args.project else find_project()
        fleet = read_fleet(project)

        shared: list[Recording] = []  # recorded once, answers every site stack's reference

        def record(stack: StackEntry) -> Recording:
            if stack.name == fleet.shared:
                shared.append(record_stack(fleet, stack.name))
                return shared[0]
            return record_stack(fleet, stack.name, shared[0] if shared else None)

        report = check_fleet(fleet, record)
    except (ConfigFileError, FileNotFoundError) as exc:
        sys.stderr.write(f"vigil fleet check: {exc}\n")
        return EXIT_INVALID
    except InventoryError as exc:
        sys.stderr.write("\n".join(p.format() for p in exc.problems) + "\n")
        return EXIT_INVALID
    except ProgramError as exc:
        sys.stderr.write(f"vigil fleet check: a stack's program failed: {exc}\n")
        return EXIT_INVALID
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
