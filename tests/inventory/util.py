"""Helpers for inventory tests: edit a copied inventory, collect its problems."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from vigil.inventory import InventoryError, load_inventory
from vigil.oncall_calendar import Horizon

PINNED = Horizon(date(2026, 1, 5))
"""A plan date for coverage tests: the Monday the example layers start, a year on."""


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace ``old`` (must occur) by ``new`` in a file of the copied inventory."""
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count))


def problems(root: Path, horizon: Horizon | None = None) -> list[tuple[str, int, int, str, str]]:
    """Problems of ``root`` as ``(file relative to root, line, col, path, message)``; on-call
    coverage over ``horizon`` (default: the coming year from today)."""
    with pytest.raises(InventoryError) as caught:
        load_inventory(root, horizon)
    out = []
    for p in caught.value.problems:
        rel = Path(p.file).relative_to(root).as_posix() if p.file.startswith(str(root)) else p.file
        out.append((rel, p.line, p.col, p.path, p.message))
    return out


def only(root: Path, horizon: Horizon | None = None) -> tuple[str, int, int, str, str]:
    """The single problem of ``root``."""
    found = problems(root, horizon)
    assert len(found) == 1, found
    return found[0]
