"""``vigil validate [DIR] [--json]``: check an inventory before anything is provisioned."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

from vigil.cli import EXIT_INVALID, Handler
from vigil.inventory import InventoryError, Problem, load_inventory
from vigil.oncall_calendar import DEFAULT_MONTHS, Horizon


def configure(parser: argparse.ArgumentParser, name: str) -> Handler:
    parser.add_argument(
        "directory",
        nargs="?",
        default="inventory",
        metavar="DIR",
        help="inventory directory (default: inventory)",
    )
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
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


def run(args: argparse.Namespace) -> int:
    horizon = Horizon.coming_year(args.plan_date, args.horizon_months)
    summary, problems = validate(args.directory, horizon)
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
