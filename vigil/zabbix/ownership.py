"""Which existing Zabbix objects vigil may write: the one check every create and update runs.

Why one function: ``configuration.import`` (and ``user.update``/``action.update``) silently
rewrites any existing object of the same name, so a write that skips the check takes over a
host someone made by hand, and a later destroy deletes it (Zabbix 6.0 API,
``configuration.import``: ``updateExisting`` "updates existing elements"). An object is
vigil's when

- its id is recorded in this resource's state (vigil created it; survives hand edits of its
  tags, which are drift to repair, not a change of owner), or
- it carries vigil's marker: ``managed-by: vigil`` plus ``vigil:site: <site>`` on site
  templates and hosts, ``managed-by: vigil`` plus ``vigil:service`` on the shared service
  templates, vigil's name fields on routing users.

Anything else with the same name is refused with a message that says how to resolve it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from vigil.zabbix.api import ZabbixError
from vigil.zabbix.render import MANAGED_BY

Marker = Callable[[Mapping[str, Any]], bool]


def _tags(obj: Mapping[str, Any]) -> set[tuple[str, str]]:
    return {(t["tag"], t["value"]) for t in obj.get("tags", [])}


def site_marker(site: str) -> Marker:
    """Site templates and hosts: ``managed-by: vigil`` and ``vigil:site: <site>``."""
    return lambda obj: {MANAGED_BY, ("vigil:site", site)} <= _tags(obj)


def service_marker(obj: Mapping[str, Any]) -> bool:
    """Shared service templates: ``managed-by: vigil`` and a ``vigil:service`` tag."""
    tags = _tags(obj)
    return MANAGED_BY in tags and any(t == "vigil:service" for t, _ in tags)


def split_owned(
    found: Iterable[Mapping[str, Any]],
    *,
    id_key: str,
    name_key: str,
    recorded: Mapping[str, str],
    marker: Callable[[Mapping[str, Any]], bool],
) -> tuple[dict[str, str], list[str]]:
    """({name: id} of vigil's objects, [names of foreign ones]) among ``found``."""
    owned: dict[str, str] = {}
    foreign: list[str] = []
    for obj in found:
        name, oid = str(obj[name_key]), str(obj[id_key])
        if recorded.get(name) == oid or marker(obj):
            owned[name] = oid
        else:
            foreign.append(name)
    return owned, sorted(foreign)


def refuse_foreign(owner: str, foreign: list[str], marker_text: str) -> None:
    """Raise when a write would touch an object vigil does not own."""
    if foreign:
        raise ZabbixError(
            f"{owner}: Zabbix already has {', '.join(foreign)} not created by vigil (no "
            f"{marker_text}, and not in this stack's state); vigil will not take it over. "
            "Rename or remove it in Zabbix, or add those tags to adopt it, and re-run"
        )


def check_owned(
    owner: str,
    found: Iterable[Mapping[str, Any]],
    *,
    id_key: str,
    name_key: str,
    recorded: Mapping[str, str],
    marker: Callable[[Mapping[str, Any]], bool],
    marker_text: str,
) -> dict[str, str]:
    """{name: id} of the existing objects a write will touch; raises if any is foreign."""
    owned, foreign = split_owned(
        found, id_key=id_key, name_key=name_key, recorded=recorded, marker=marker
    )
    refuse_foreign(owner, foreign, marker_text)
    return owned
