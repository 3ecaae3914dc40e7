"""The ``vigil`` console script: a thin dispatcher over subcommands that live with their code.

Each subcommand is one row of ``COMMANDS``: ``(name, module, help)``. Only the chosen
command's module is imported (``vigil plan`` pulls in Pulumi; ``vigil validate`` must stay
fast). A command module provides::

    def configure(parser: argparse.ArgumentParser, name: str) -> Handler

adding its arguments to ``parser`` and returning ``handler(args) -> exit code``. Exit codes
follow the CLI contract: 0 ok, 1 mandatory policy violation, 2 invalid input; they survive a
reader that goes away (``vigil plan | head``, ``| true``): see `StdoutGuard`.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.metadata
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, TextIO

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
    Command(
        "add-site",
        "vigil.inventory.add_site",
        "write a new site file like an existing one (its own ids left to fill)",
    ),
    Command("fleet", "vigil.fleet.cli", "check the fleet: every site in one stack, no overlaps"),
    Command("cost", "vigil.cost.cli", "estimate the monthly AWS cost of the stack's monitoring"),
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


def _configure(command: Command, parser: argparse.ArgumentParser) -> Handler:
    handler: Handler = importlib.import_module(command.module).configure(parser, command.name)
    return handler


class StdoutGuard:
    """Stands in for ``sys.stdout`` while a command runs: when the reader goes away (a closed
    pipe), the rest of the output is dropped and the command runs to its end, so its exit code
    is the real one (a mandatory violation still exits 1 under ``vigil plan | true``)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.closed_by_reader = False

    def write(self, text: str) -> int:
        if not self.closed_by_reader:
            try:
                return self.stream.write(text)
            except BrokenPipeError:
                self._reader_gone()
        return len(text)

    def flush(self) -> None:
        if not self.closed_by_reader:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self._reader_gone()

    def _reader_gone(self) -> None:
        self.closed_by_reader = True
        # The stream still holds the unwritten buffer, flushed again at exit: point its file
        # descriptor at /dev/null so that flush succeeds quietly (Python's documented remedy).
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self.stream.fileno())
            os.close(devnull)

    def __getattr__(self, name: str) -> Any:  # isatty, encoding, fileno …
        return getattr(self.stream, name)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``vigil`` console script; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser, parsers = _parser()
    # Find the subcommand before parsing so only its module is imported and configured.
    chosen = next((c for c in COMMANDS if c.name in argv[:1]), None)
    handler = _configure(chosen, parsers[chosen.name]) if chosen else None
    args = parser.parse_args(argv)
    assert handler is not None  # argparse exits when no known command was given
    real_stdout = sys.stdout
    sys.stdout = StdoutGuard(real_stdout)
    try:
        return handler(args)
    finally:
        sys.stdout = real_stdout


def run() -> int:
    """The ``vigil`` process (console script, ``python -m vigil.cli``): `main`, in a process
    that ends after its command, so recordings leave their garbage to the exit
    (`vigil.plan.garbage`). Tests call `main` in-process and keep the collection."""
    from vigil.plan.garbage import process_exits_after_plan

    process_exits_after_plan()
    return main()


if __name__ == "__main__":
    sys.exit(run())
