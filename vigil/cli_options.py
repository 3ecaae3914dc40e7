"""The options every ``vigil`` command spells the same way (docs/CLI.md), written once.

- ``-s/--stack NAME``: default ``$VIGIL_STACK``, else ``dev``; an unknown stack lists the known
  ones (`unknown_stack`).
- ``--project DIR``: default the nearest directory at or above the working directory holding
  ``Pulumi.yaml``, so a command works from any directory inside the project.
- ``--json [FILE]``: the command's JSON document on stdout (no FILE, or ``-``) or in FILE. Every
  document carries ``schema_version`` (`SCHEMA_VERSION`); its JSON Schema is
  ``vigil/schemas/output/<command>.schema.json``. ``--json`` never overwrites the command's own
  input: a FILE that exists and is what the command reads (``vigil validate --json inventory``,
  ``vigil check --json plan.json``) is taken as that input (`take_input_from_json`).

No Pulumi import here: ``vigil validate`` must stay fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from vigil.plan.interrupt import atomic_write

SCHEMA_VERSION = 1
"""Bumped when a key of any ``--json`` document is removed or changes meaning (adding a key
does not bump it). Consumers check it before reading."""

SCHEMA_DIR = Path(__file__).parent / "schemas" / "output"
DEFAULT_STACK = "dev"
STACK_ENV = "VIGIL_STACK"


def add_stack(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    """``required``: no ``dev`` fallback (a command that talks to a real service)."""
    default = os.environ.get(STACK_ENV) or (None if required else DEFAULT_STACK)
    parser.add_argument(
        "-s",
        "--stack",
        default=default,
        required=default is None,
        metavar="NAME",
        help=f"stack: stacks/Pulumi.<NAME>.yaml (default: ${STACK_ENV}"
        + ("" if required else f", else {DEFAULT_STACK}")
        + ")",
    )


def add_project(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--project",
        metavar="DIR",
        help="project directory (default: the nearest Pulumi.yaml at or above the working one)",
    )


def add_json(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--json",
        nargs="?",
        const="-",
        default=None,
        metavar="FILE",
        dest="json_file",
        help=f"{what}: JSON on stdout (no FILE, or '-') or in FILE (schema: docs/CLI.md)",
    )


def find_project(start: str | Path = ".") -> Path:
    """The nearest directory at or above ``start`` holding ``Pulumi.yaml``."""
    here = Path(start).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "Pulumi.yaml").is_file():
            return candidate
    raise FileNotFoundError(f"no Pulumi.yaml in {here} or its parents")


def project_dir(args: argparse.Namespace) -> Path:
    given = getattr(args, "project", None)
    return Path(given).resolve() if given else find_project()


def known_stacks(stack_dir: Path) -> list[str]:
    """Stack names with a ``Pulumi.<name>.yaml`` in ``stack_dir``, sorted."""
    if not stack_dir.is_dir():
        return []
    return sorted(
        p.name[len("Pulumi.") : -len(".yaml")]
        for p in stack_dir.glob("Pulumi.*.yaml")
        if p.is_file()
    )


def unknown_stack(stack_file: Path, stack: str) -> str:
    """The error for a missing stack file, naming the stacks that do exist."""
    known = known_stacks(stack_file.parent)
    listed = ", ".join(known) if known else "none"
    return f"{stack_file}: no such stack configuration: unknown stack '{stack}' (known: {listed})"


def take_input_from_json(args: argparse.Namespace, positional: str) -> None:
    """``cmd --json INPUT``: argparse gave INPUT to ``--json``; give it back to ``positional``
    when that was not given and INPUT exists (writing over one's input is never meant)."""
    target = args.json_file
    if getattr(args, positional) is None and target not in (None, "-") and Path(target).exists():
        setattr(args, positional, target)
        args.json_file = "-"


def versioned(doc: dict[str, Any]) -> dict[str, Any]:
    return {"schema_version": SCHEMA_VERSION, **doc}


def dumps(doc: dict[str, Any]) -> str:
    """Sorted keys, two-space indent, trailing newline: outputs diff cleanly in review."""
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"


def emit_json(target: str, doc: dict[str, Any]) -> None:
    """Write ``doc`` (with ``schema_version``) to stdout (``-``) or atomically to a file."""
    text = dumps(versioned(doc))
    if target == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    atomic_write(target, text)
