"""Structural differences between two JSON-like values, as readable paths.

Lists of objects are aligned by an identifying key when every item has a distinct one
(``uid``, ``id``, ``name``, ...), so inserting one panel into a dashboard reports one added
panel instead of every later panel as changed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

IDENTITY_KEYS: tuple[str, ...] = (
    "uid", "uuid", "id", "refId", "key", "name", "title", "host", "contactPoint", "expression",
)
"""Keys that identify an item of a list of objects, tried in this order."""

MISSING = object()
"""Marks the side of a change where the value does not exist."""


@dataclass(frozen=True)
class Change:
    path: str
    before: Any
    after: Any

    @property
    def kind(self) -> str:
        if self.before is MISSING:
            return "added"
        if self.after is MISSING:
            return "removed"
        return "changed"


def _key_path(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _identity(items: Sequence[Any]) -> str | None:
    """The key that names every item of ``items`` uniquely, if there is one."""
    if not items or not all(isinstance(i, Mapping) for i in items):
        return None
    for key in IDENTITY_KEYS:
        values = [i.get(key) for i in items]
        if all(isinstance(v, str | int) for v in values) and len(set(values)) == len(values):
            return key
    return None


def diff(before: Any, after: Any, path: str = "") -> Iterator[Change]:
    """Every leaf that differs between ``before`` and ``after`` (in a stable order)."""
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        for key in sorted(set(before) | set(after), key=str):
            yield from diff(
                before.get(key, MISSING), after.get(key, MISSING), _key_path(path, str(key))
            )
        return
    if isinstance(before, list) and isinstance(after, list):
        yield from _diff_lists(before, after, path)
        return
    if before is MISSING and after is MISSING:
        return
    if before != after or type(before) is not type(after):
        yield Change(path, before, after)


def _diff_lists(before: list[Any], after: list[Any], path: str) -> Iterator[Change]:
    key = _identity(before) if _identity(before) == _identity(after) else None
    if key is not None and before and after:
        old = {item[key]: item for item in before}
        new = {item[key]: item for item in after}
        for ident in [*old, *(i for i in new if i not in old)]:
            yield from diff(
                old.get(ident, MISSING), new.get(ident, MISSING), f"{path}[{key}={ident}]"
            )
        return
    for index in range(max(len(before), len(after))):
        yield from diff(
            before[index] if index < len(before) else MISSING,
            after[index] if index < len(after) else MISSING,
            f"{path}[{index}]",
        )
