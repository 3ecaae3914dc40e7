"""Helpers for inventory tests: edit a copied inventory, collect its problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from vigil.inventory import InventoryError, load_inventory


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace ``old`` (must occur) by ``new`` in a file of the copied inventory."""
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count))


def problems(root: Path) -> list[tuple[str, int, int, str, str]]:
    """Problems of ``root`` as ``(file relative to root, line, col, path, message)``."""
    with pytest.raises(InventoryError) as caught:
        load_inventory(root)
    out = []
    for p in caught.value.problems:
        rel = Path(p.file).relative_to(root).as_posix() if p.file.startswith(str(root)) else p.file
        out.append((rel, p.line, p.col, p.path, p.message))
    return out


def only(root: Path) -> tuple[str, int, int, str, str]:
    """The single problem of ``root``."""
    found = problems(root)
    assert len(found) == 1, found
    return found[0]
