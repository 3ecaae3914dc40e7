"""`vigil diff OLD.json NEW.json`: exit 0 when nothing would be deleted, 1 when something would,
2 for a file that is not a plan."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vigil.cli_options import add_json, emit_json
from vigil.diff import render
from vigil.diff.plans import PlanDocumentError, diff_plans

EXIT_NO_DELETIONS, EXIT_DELETIONS, EXIT_INVALID = 0, 1, 2


def read_document(path: str) -> Any:
    """A saved plan as JSON (its shape is checked by `diff_plans`)."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise PlanDocumentError(f"{path}: {exc.strerror or exc}") from exc
    except json.JSONDecodeError as exc:
        where = f"{path}:{exc.lineno}:{exc.colno}"
        raise PlanDocumentError(f"{where}: invalid JSON: {exc.msg}") from exc


def configure(parser: argparse.ArgumentParser, name: str) -> Callable[[argparse.Namespace], int]:
    parser.add_argument("old", metavar="OLD.json", help="plan before the change")
    parser.add_argument("new", metavar="NEW.json", help="plan after the change")
    parser.add_argument(
        "--markdown", metavar="FILE", help="also write the markdown form ('-': stdout)"
    )
    add_json(parser, "the diff")
    parser.add_argument("--max-changes", type=int, default=20, metavar="N",
                        help="changed fields listed per resource (default 20)")
    return run


def run(args: argparse.Namespace) -> int:
    try:
        result = diff_plans(read_document(args.old), read_document(args.new), args.old, args.new)
    except PlanDocumentError as exc:
        print(f"vigil diff: {exc}", file=sys.stderr)
        return EXIT_INVALID
    if args.json_file:
        emit_json(args.json_file, render.as_json(result))
    if args.json_file != "-" and args.markdown != "-":
        print(render.text(result, args.max_changes))
    if args.markdown:
        _write(args.markdown, render.markdown(result, args.max_changes))
    return EXIT_DELETIONS if result.deletes else EXIT_NO_DELETIONS


def _write(target: str, text: str) -> None:
    if target == "-":
        sys.stdout.write(text)
    else:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        Path(target).write_text(text, encoding="utf-8")
