"""Resource-level comparison of two plan documents (the ``vigil plan --json`` contract)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from vigil import resource_types as rt
from vigil.diff.structure import Change, diff

DOCUMENT_INPUTS: Mapping[tuple[str, str], str] = {
    (rt.GRAFANA_DASHBOARD, "configJson"): "json",
    ("pulumi-python:dynamic/zabbix:Resource", "export"): "yaml",
}
"""(type token, input) → the format of the document the string input carries."""

IGNORED_INPUTS = frozenset({"__provider"})
"""Inputs that change without meaning anything for review (the serialized dynamic provider)."""


class PlanDocumentError(ValueError):
    """A plan file that is not a plan (exit code 2)."""


@dataclass(frozen=True)
class ResourceRef:
    urn: str
    type: str
    name: str
    site: str | None
    protected: bool = False
    retained: bool = False
    """``retainOnDelete``: removing it from the program leaves it (and its history) in place."""


@dataclass(frozen=True)
class ChangedResource:
    resource: ResourceRef
    changes: tuple[Change, ...]
    replaced_by_parent: bool = False


@dataclass
class PlanDiff:
    added: list[ResourceRef] = field(default_factory=list)
    removed: list[ResourceRef] = field(default_factory=list)
    changed: list[ChangedResource] = field(default_factory=list)

    @property
    def deletes(self) -> bool:
        """Anything the next ``pulumi up`` removes from the stack (retained ones included: they
        leave vigil's management, which a reviewer must see)."""
        return bool(self.removed)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _parse_document(fmt: str, text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text) if fmt == "json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError):
        return text  # compare as the string it is


def comparable_inputs(resource: Mapping[str, Any]) -> dict[str, Any]:
    """A resource's inputs with document strings parsed and noise removed."""
    typ = str(resource.get("type", ""))
    out: dict[str, Any] = {}
    for key, value in (resource.get("inputs") or {}).items():
        if key in IGNORED_INPUTS:
            continue
        fmt = DOCUMENT_INPUTS.get((typ, key))
        out[key] = _parse_document(fmt, value) if fmt else value
    return out


def _ref(resource: Mapping[str, Any]) -> ResourceRef:
    options = resource.get("options") or {}
    return ResourceRef(
        urn=str(resource["urn"]),
        type=str(resource.get("type", "")),
        name=str(resource.get("name", "")),
        site=resource.get("site"),
        protected=bool(options.get("protect")),
        retained=bool(options.get("retainOnDelete")),
    )


def _resources(doc: Any, label: str) -> dict[str, Mapping[str, Any]]:
    if not isinstance(doc, Mapping) or not isinstance(doc.get("resources"), list):
        raise PlanDocumentError(f"{label}: not a vigil plan (no 'resources' list)")
    found: dict[str, Mapping[str, Any]] = {}
    for index, item in enumerate(doc["resources"]):
        if not isinstance(item, Mapping) or not isinstance(item.get("urn"), str):
            raise PlanDocumentError(f"{label}: resources[{index}] has no urn")
        if item.get("type") == rt.STACK:
            continue
        found[item["urn"]] = item
    return found


def diff_plans(old: Any, new: Any, old_label: str = "old", new_label: str = "new") -> PlanDiff:
    """Added, removed and changed resources from plan ``old`` to plan ``new``."""
    before, after = _resources(old, old_label), _resources(new, new_label)
    result = PlanDiff()
    for urn in sorted(set(after) - set(before)):
        result.added.append(_ref(after[urn]))
    for urn in sorted(set(before) - set(after)):
        result.removed.append(_ref(before[urn]))
    for urn in sorted(set(before) & set(after)):
        changes = tuple(
            diff(comparable_inputs(before[urn]), comparable_inputs(after[urn]), "inputs")
        )
        if changes:
            result.changed.append(ChangedResource(_ref(after[urn]), changes))
    return result
