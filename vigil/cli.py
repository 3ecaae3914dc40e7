"""The ``vigil`` console script: a thin dispatcher over subcommands that live with their code.

Each subcommand is one row of ``COMMANDS``: ``(name, module, help)``. Only the chosen
command's module is imported (``vigil plan`` pulls in Pulumi; ``vigil validate`` must stay
fast), and a module that is not part of this build yields a clear message instead of a
traceback. A command module provides::

    def configure(parser: argparse.ArgumentParser, name: str) -> Handler

adding its arguments to ``parser`` and returning ``handler(args) -> exit code``. Exit codes
follow the CLI contract: 0 ok, 1 mandatory policy violation, 2 invalid input.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import sys
from collections.abc import Callable, Sequence
from typing import NamedTuple

Handler = Callable[[argparse.Namespace], int]
EXIT_INVALID = 2


class Command(NamedTuple):
    name: str
    module: str
    help: str


COMMANDS: tuple[Command, ...] = (
    Command("validate", "vigil.inventory.cli", "validate an inventory directory"),
    Command("plan", "vigil.plan.cli", "run the Pulumi program offline and report coverage"),
    Command("check", "vigil.plan.cli", "evaluate the policy pack on a saved plan"),
    Command(
        "preflight",
        "vigil.pagerduty.preflight_cli",
        "check PagerDuty has every user and vendor a stack looks up (needs a token)",
    ),
    Command("diff", "vigil.diff.cli", "compare two saved plans: added, removed, changed fields"),
)
"""Add a subcommand by adding a row here and a ``configure`` function in its module."""


def version() -> str:
    """The installed package's version (pyproject.toml), or ``unknown`` from a bare checkout."""
    try:
        return importlib.metadata.version("vigil")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    parser = argparse.ArgumentParser(
        prog="vigil", description="Provision and prove complete 24/7 monitoring for every site."
    )
    parser.add_argument("--version", action="version", version=f"vigil {version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    parsers = {c.name: sub.add_parser(c.name, help=c.help, description=c.help) for c in COMMANDS}
    return parser, parsers


def _configure(command: Command, parser: argparse.ArgumentParser) -> Handler | None:
    try:
        module = importlib.import_module(command.module)
    except ModuleNotFoundError as exc:
        if exc.name and command.module.startswith(exc.name):
            return None  # the module itself is missing, not one of its imports
        raise
    return module.configure(parser, command.name)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``vigil`` console script; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser, parsers = _parser()
    # Find the subcommand before parsing so only its module is imported and configured.
    chosen = next((c for c in COMMANDS if c.name in argv[:1]), None)
    handler = _configure(chosen, parsers[chosen.name]) if chosen else None
    if chosen and handler is None:
        print(f"vigil: command '{chosen.name}' is not available in this build", file=sys.stderr)
        return EXIT_INVALID
    args = parser.parse_args(argv)
    assert handler is not None  # argparse exits when no known command was given
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
