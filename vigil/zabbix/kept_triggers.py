"""Which triggers an export document gives each host: what survives the next import.

Why: an update (a URL removed, a service dropped from a server, a server renamed) deletes
triggers inside vigil's templates and hosts (import rules ``deleteMissing``), and deleting a
trigger with an open problem sends no recovery (Zabbix 6.0), so its PagerDuty incident would
stay open for ever. Knowing, from the new export alone, which triggers every host keeps lets the
provider close only the problems of the triggers that are about to go (``problems.py``).

Two kinds of trigger, told apart the way ``configuration.import`` tells them
(``CConfigurationImport::processTriggers``):

- template triggers are matched by ``uuid``; a host keeps an inherited trigger while it stays
  linked to a template whose export holds that uuid;
- host triggers have no uuid in a 6.0 export and are matched by name, expression and recovery
  expression (``CImportReferencer::findTriggeridByName``); a change to either expression is a
  new trigger.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

_HOST_REF = re.compile(r"/([^/()]+)/")
"""The host (or template) of each item reference ``/host/key`` in a 6.0 trigger expression."""


@dataclass(frozen=True)
class KeptTriggers:
    """Triggers the export keeps: ``(host, template trigger uuid)`` and
    ``(host, name, expression, recovery expression)`` of host triggers; and ``(host, name)`` of
    web scenarios."""

    templated: frozenset[tuple[str, str]]
    own: frozenset[tuple[str, str, str, str]]
    scenarios: frozenset[tuple[str, str]] = frozenset()

    def keeps(
        self,
        host: str,
        *,
        parent_uuid: str | None,
        name: str,
        expression: str,
        recovery_expression: str = "",
    ) -> bool:
        if parent_uuid:
            return (host, parent_uuid) in self.templated
        return (host, name, expression, recovery_expression) in self.own


def expression_hosts(expression: str) -> set[str]:
    return set(_HOST_REF.findall(expression))


def _all_triggers(export: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    """Item-level triggers of templates and hosts, then the document's top-level triggers."""
    for owner in (*export.get("templates", []), *export.get("hosts", [])):
        for item in owner.get("items", []):
            yield from item.get("triggers", [])
    yield from export.get("triggers", [])


def kept_triggers(export_yaml: str) -> KeptTriggers:
    export = yaml.safe_load(export_yaml)["zabbix_export"]
    templates = {t["template"] for t in export.get("templates", [])}
    by_template: dict[str, set[str]] = {t: set() for t in templates}
    own: set[tuple[str, str, str, str]] = set()
    hosts = {h["host"] for h in export.get("hosts", [])}
    for trigger in _all_triggers(export):
        refs = expression_hosts(trigger["expression"])
        for template in refs & templates:
            by_template[template].add(trigger["uuid"])
        for host in refs & hosts:
            recovery = trigger.get("recovery_expression", "")
            own.add((host, trigger["name"], trigger["expression"], recovery))
    templated = {
        (host["host"], uuid)
        for host in export.get("hosts", [])
        for link in host.get("templates", [])
        for uuid in by_template.get(link["name"], ())
    }
    tests = {
        t["template"]: {h["name"] for h in t.get("httptests", [])}
        for t in export.get("templates", [])
    }
    scenarios = {
        (host["host"], name)
        for host in export.get("hosts", [])
        for link in host.get("templates", [])
        for name in tests.get(link["name"], ())
    }
    return KeptTriggers(frozenset(templated), frozenset(own), frozenset(scenarios))
