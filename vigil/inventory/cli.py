"""``vigil validate [DIR] [-s STACK] [--json [FILE]]``: check an inventory before anything is
provisioned.

Without DIR the inventory is the stack's ``vigil:inventory`` (``-s``; else the project
default), relative to the project (the nearest ``Pulumi.yaml`` above the working directory), so
the command works from any directory inside the project, as ``vigil plan`` does.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from vigil import cli_options as options
from vigil.cli import EXIT_INVALID, Handler
from vigil.inventory import InventoryError, Problem, load_inventory
from vigil.oncall_calendar import DEFAULT_MONTHS, Horizon


def configure(parser: argparse.ArgumentParser, name: str) -> Handler:
    parser.add_argument(
        "directory",
        nargs="?",
        default=None,
        metavar="DIR",
        help="inventory directory (default: the stack's vigil:inventory in the project)",
    )
    options.add_stack(parser)
    options.add_project(parser)
    options.add_json(parser, "the summary and every problem")
    parser.add_argument(
        "--plan-date",
        type=date.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help="first day of the on-call proof (default: today, UTC)",
    )
    parser.add_argument(
        "--horizon-months",
        type=int,
        default=DEFAULT_MONTHS,
        metavar="N",
        help=f"months of on-call coverage to prove (default {DEFAULT_MONTHS})",
    )
    return run


def validate(
    directory: str, horizon: Horizon | None = None
) -> tuple[dict[str, Any], list[Problem]]:
    """Summary counts and problems of the inventory in ``directory``."""
    try:
        inventory = load_inventory(directory, horizon)
    except InventoryError as exc:
        files = {p.file for p in exc.problems}
        return {"problems": len(exc.problems), "files": len(files)}, exc.problems
    return {
        "sites": len(inventory.sites),
        "clients": len(inventory.clients),
        "teams": len(inventory.teams),
        "tiers": len(inventory.tiers),
    }, []


def stack_inventory(project: Path, stack: str) -> str:
    """The stack's ``vigil:inventory`` (else the project's default), read without Pulumi."""
    from vigil.stack_file import read_config_document

    project_doc = read_config_document(project / "Pulumi.yaml")
    declared = (project_doc.get("config") or {}).get("inventory")
    default = declared.get("default") if isinstance(declared, dict) else declared
    stack_file = project / str(project_doc.get("stackConfigDir") or ".") / f"Pulumi.{stack}.yaml"
    if not stack_file.is_file():
        raise FileNotFoundError(options.unknown_stack(stack_file, stack))
    value = (read_config_document(stack_file).get("config") or {}).get("vigil:inventory")
    return str(value or default or "inventory")


def inventory_dir(args: argparse.Namespace) -> str:
    """DIR as given, else the stack's inventory under the project; a file is an error."""
    if args.directory is not None:
        path = Path(args.directory)
    else:
        project = options.project_dir(args)
        path = Path(stack_inventory(project, args.stack))
        path = path if path.is_absolute() else project / path
    if path.exists() and not path.is_dir():
        raise NotADirectoryError(
            f"{path}: is a file; give the inventory directory (the one holding defaults.yaml, "
            "teams.yaml and sites/)"
        )
    return str(path)


def run(args: argparse.Namespace) -> int:
    from vigil.stack_file import ConfigFileError

    options.take_input_from_json(args, "directory")
    try:
        directory = inventory_dir(args)
    except (OSError, ConfigFileError) as exc:
        print(f"vigil validate: {exc}", file=sys.stderr)
        return EXIT_INVALID
    horizon = Horizon.coming_year(args.plan_date, args.horizon_months)
    summary, problems = validate(directory, horizon)
    if args.json_file:
        options.emit_json(
            args.json_file,
            {
                "inventory": directory,
                "ok": not problems,
                "summary": summary,
                "problems": [p.to_dict() for p in problems],
            },
        )
    if args.json_file == "-":
        pass
    elif problems:
        for problem in problems:
            print(problem.format(), file=sys.stderr)
        print(
            f"{summary['problems']} problem(s) in {summary['files']} file(s); nothing is valid "
            "until all are fixed",
            file=sys.stderr,
        )
    else:
        print(
            f"{directory}: OK — {summary['sites']} sites, {summary['clients']} clients, "
            f"{summary['teams']} teams, {summary['tiers']} tiers"
        )
    return EXIT_INVALID if problems else 0
