"""Text and markdown forms of a `PlanDiff` (the markdown one is the pull-request comment)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from vigil.diff.plans import ChangedResource, PlanDiff, ResourceRef
from vigil.diff.structure import MISSING, Change

MAX_VALUE = 80
"""Longer values are shortened: the path says what changed, the value is a reminder."""


def show(value: Any) -> str:
    if value is MISSING:
        return "∅"
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


CONTEXT = 24
"""Characters shown before the first difference of two long strings."""


def show_pair(before: Any, after: Any) -> tuple[str, str]:
    """Both sides of a change; long strings are cut around their first difference."""
    if not (isinstance(before, str) and isinstance(after, str)):
        return show(before), show(after)
    if len(before) <= MAX_VALUE and len(after) <= MAX_VALUE:
        return before, after
    first = next(
        (i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b),
        min(len(before), len(after)),
    )
    start = max(0, first - CONTEXT)
    prefix = "…" if start else ""
    return show(prefix + before[start:]), show(prefix + after[start:])


def _change_line(change: Change) -> str:
    if change.kind == "added":
        return f"+ {change.path} = {show(change.after)}"
    if change.kind == "removed":
        return f"- {change.path} (was {show(change.before)})"
    old, new = show_pair(change.before, change.after)
    return f"~ {change.path}: {old} → {new}"


KEEPING: tuple[tuple[str, str, str], ...] = (
    ("protected", "protected", "protected: the update fails until `protect` is lifted"),
    ("retained", "retained", "retained: kept in the provider with its history, no longer managed"),
)
"""(ResourceRef flag, text note, markdown note) for removals that do not delete the object."""


def _keeping(ref: ResourceRef, form: int) -> str:
    notes = [row[form] for row in KEEPING if getattr(ref, row[0])]
    return ", ".join(notes)


def _label(ref: ResourceRef) -> str:
    site = f" [{ref.site}]" if ref.site else ""
    return f"{ref.type} {ref.name}{site}"


def summary(d: PlanDiff) -> str:
    return (
        f"{len(d.added)} to add, {len(d.changed)} to change, {len(d.removed)} to delete"
        + (" — DELETIONS" if d.deletes else "")
    )


def text(d: PlanDiff, max_changes: int = 20) -> str:
    lines = [summary(d)]
    for ref in d.removed:
        note = _keeping(ref, 1)
        lines.append(f"- delete {_label(ref)}" + (f" ({note})" if note else ""))
    for ref in d.added:
        lines.append(f"+ create {_label(ref)}")
    for item in d.changed:
        lines.append(f"~ update {_label(item.resource)}")
        lines.extend(f"    {_change_line(c)}" for c in _first(item, max_changes))
    return "\n".join(lines)


def _first(item: ChangedResource, limit: int) -> Iterable[Change]:
    changes = list(item.changes)
    yield from changes[:limit]
    if len(changes) > limit:
        yield Change(f"… and {len(changes) - limit} more field(s)", MISSING, MISSING)


def markdown(d: PlanDiff, max_changes: int = 20) -> str:
    """GitHub-flavoured markdown: deletions first and loud, details folded."""
    out = [f"### vigil diff: {summary(d)}", ""]
    if d.empty:
        return "\n".join([*out, "No resource changes."]) + "\n"
    if d.removed:
        out += ["**Deleted by the next `pulumi up`** (with their history, unless retained "
                "or protected):", ""]
        for site, refs in _by_site(d.removed):
            out += [f"- {f'site `{site}`' if site else 'stack level'}: {len(refs)} resource(s)"]
            out += [
                f"  - `{ref.type}` `{ref.name}`"
                + (f" — {_keeping(ref, 2)}" if _keeping(ref, 2) else "")
                for ref in refs
            ]
        out.append("")
    if d.added:
        out += [f"<details><summary>Created ({len(d.added)})</summary>", ""]
        out += [f"- `{ref.type}` `{ref.name}`" for ref in d.added]
        out += ["", "</details>", ""]
    for item in d.changed:
        ref = item.resource
        out += [f"<details><summary>Changed: <code>{ref.name}</code> ({ref.type}, "
                f"{len(item.changes)} field(s))</summary>", "", "```diff"]
        out += [_change_line(c) for c in _first(item, max_changes)]
        out += ["```", "", "</details>", ""]
    return "\n".join(out)


def _by_site(refs: Iterable[ResourceRef]) -> list[tuple[str, list[ResourceRef]]]:
    groups: dict[str, list[ResourceRef]] = {}
    for ref in refs:
        groups.setdefault(ref.site or "", []).append(ref)
    return sorted(groups.items())


def as_json(d: PlanDiff) -> dict[str, Any]:
    def ref(r: ResourceRef) -> dict[str, Any]:
        return {"urn": r.urn, "type": r.type, "name": r.name, "site": r.site,
                "protected": r.protected, "retained": r.retained}

    def value(v: Any) -> Any:
        return None if v is MISSING else v

    return {
        "added": [ref(r) for r in d.added],
        "removed": [ref(r) for r in d.removed],
        "changed": [
            {**ref(c.resource),
             "changes": [{"path": ch.path, "kind": ch.kind, "before": value(ch.before),
                          "after": value(ch.after)} for ch in c.changes]}
            for c in d.changed
        ],
        "deletes": d.deletes,
    }
