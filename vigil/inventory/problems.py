"""Problems found in an inventory, reported all at once as ``FILE:LINE:COL: field.path: message``.

One shape for every check (YAML syntax, schema, semantics) so the CLI, CI annotations and
editors can point at the exact node an onboarding engineer has to fix.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

PathPart = str | int
Path = tuple[PathPart, ...]


def format_path(path: Sequence[PathPart]) -> str:
    """``("resources", "load_balancers", 0, "arn")`` → ``resources.load_balancers[0].arn``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'tier'?)`` for the closest candidate, or an empty string."""
    match = difflib.get_close_matches(str(word), [str(c) for c in candidates], n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake at one place; line and column are 1-based."""

    file: str
    line: int
    col: int
    path: str
    message: str

    def format(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}:"
        return f"{where} {self.path}: {self.message}" if self.path else f"{where} {self.message}"

    def to_dict(self) -> dict[str, str | int]:
        return asdict(self)


class InventoryError(Exception):
    """Raised by ``load_inventory`` with every problem found, sorted by file and line."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = sorted(set(problems))
        super().__init__(self.report())

    def report(self) -> str:
        return "\n".join(p.format() for p in self.problems)
