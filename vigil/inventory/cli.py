"""``vigil validate [DIR] [--json]``: check an inventory before anything is provisioned."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from vigil.cli import EXIT_INVALID, Handler
from vigil.inventory import InventoryError, Problem, load_inventory


def configure(parser: argparse.ArgumentParser, name: str) -> Handler:
    parser.add_argument(
        "directory",
        nargs="?",
        default="inventory",
        metavar="DIR",
        help="inventory directory (default: inventory)",
    )
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
    return run


def validate(directory: str) -> tuple[dict[str, Any], list[Problem]]:
    """Summary counts and problems of the inventory in ``directory``."""
    try:
        inventory = load_inventory(directory)
    except InventoryError as exc:
        files = {p.file for p in exc.problems}
        return {"problems": len(exc.problems), "files": len(files)}, exc.problems
    return {
        "sites": len(inventory.sites),
        "clients": len(inventory.clients),
        "teams": len(inventory.teams),
        "tiers": len(inventory.tiers),
    }, []


def run(args: argparse.Namespace) -> int:
    summary, problems = validate(args.directory)
    if args.json:
        json.dump(
            {"ok": not problems, "summary": summary, "problems": [p.to_dict() for p in problems]},
            sys.stdout,
            indent=2,
        )
        sys.stdout.write("\n")
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
            f"{args.directory}: OK — {summary['sites']} sites, {summary['clients']} clients, "
            f"{summary['teams']} teams, {summary['tiers']} tiers"
        )
    return EXIT_INVALID if problems else 0
