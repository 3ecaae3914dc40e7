"""The fleet plan: every stack's outcome merged into one plan document, one exit code.

The merged document is the plan JSON contract (docs/CLI.md; `vigil plan --json` of one stack)
over the whole fleet, so `vigil diff` and `vigil check` read it like a stack's plan:

- ``resources``: every stack's resources (URNs carry the stack, so none collide), sorted by
  URN; the shared stack's resources once (site stacks' ``referenced`` copies are dropped);
- ``sites``, ``notes`` and ``policies.violations`` of every stack, each entry with ``stack``;
- ``escalation``: one timeline per team × tier; ``gate``: passed only when every stack was
  planned and passed its gate;
- ``stack`` is ``"fleet"``, and ``fleet`` holds the per-stack sections (role, file, exit code,
  error, sites, resources, gate) and the fleet's exit code: the worst of its stacks'.

Everything is sorted and nothing depends on timing or on how many workers ran, so ``-j 1``
and ``-j 2`` give the same document.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vigil.cli_options import SCHEMA_VERSION
from vigil.fleet.definition import Fleet, StackEntry
from vigil.fleet.worker import StackOutcome
from vigil.pagerduty.timeline import Timeline
from vigil.plan.alert_paths import AlertPath, resolve_routes
from vigil.plan.coverage import SiteCoverage
from vigil.plan.report_html import Paged

FLEET_STACK = "fleet"


def role_of(fleet: Fleet, stack: StackEntry) -> str:
    return "shared" if stack.name == fleet.shared else stack.role


@dataclass
class FleetPlan:
    fleet: Fleet
    outcomes: dict[str, StackOutcome]  # in the fleet's order

    @property
    def exit_code(self) -> int:
        """The worst exit code of all stacks (0 clean < 1 violation or gap < 2 invalid)."""
        return max((o.exit_code for o in self.outcomes.values()), default=0)

    @property
    def failed(self) -> list[StackOutcome]:
        return [o for o in self.outcomes.values() if o.error is not None]

    def sites(self) -> list[tuple[str, SiteCoverage]]:
        """(stack, site) of every planned site, sorted by site id."""
        found = [(o.stack, s) for o in self.outcomes.values() for s in o.sites]
        return sorted(found, key=lambda pair: (pair[1].id, pair[0]))

    def escalation(self) -> list[Timeline]:
        """One timeline per team × tier any stack pages, sorted."""
        seen: dict[tuple[str, str], Timeline] = {}
        for outcome in self.outcomes.values():
            for t in outcome.escalation:
                seen.setdefault((t.team, t.tier), t)
        return [seen[key] for key in sorted(seen)]

    def paged(self) -> Paged:
        """Teams any stack pages, each with every tier it serves in any stack."""
        merged: Paged = {}
        for outcome in self.outcomes.values():
            for key, (team, tiers) in outcome.paged.items():
                merged.setdefault(key, (team, {}))[1].update(tiers)
        return merged

    def alert_paths(self) -> dict[str, dict[str, list[AlertPath]]]:
        """Per stack, its sites' alert paths; a site stack's route in the shared stack's tree
        answered from that tree as the shared stack's plan recorded it (the second pass)."""
        shared = self.outcomes.get(self.fleet.shared or "")
        routes = shared.tree_routes if shared is not None else None
        missing = None
        if routes is None:
            missing = (
                f"the shared stack {self.fleet.shared!r} could not be planned"
                if shared is not None and shared.error is not None
                else f"the shared stack {self.fleet.shared!r} has no notification policy tree"
            )
        return {
            name: resolve_routes(o.alert_paths, routes, missing)
            for name, o in self.outcomes.items()
        }

    @property
    def gate_passed(self) -> bool:
        return not self.failed and all(
            o.gate is not None and o.gate.passed for o in self.outcomes.values()
        )

    def sites_with_gaps(self) -> list[str]:
        return sorted(
            site for o in self.outcomes.values() if o.gate is not None for site in o.gate.failing
        )

    def stack_section(self, stack: StackEntry) -> dict[str, Any]:
        outcome = self.outcomes[stack.name]
        levels = [v.level for v in outcome.violations]
        return {
            "stack": stack.name,
            "role": role_of(self.fleet, stack),
            "file": str(stack.file),
            "exitCode": outcome.exit_code,
            "error": outcome.error,
            "sites": sorted(s.id for s in outcome.sites),
            "resources": outcome.resources,
            "overBudget": outcome.resources > self.fleet.budget,
            "gate": outcome.gate.as_json() if outcome.gate is not None else None,
            "violations": {
                "mandatory": levels.count("mandatory"),
                "advisory": levels.count("advisory"),
            },
        }

    def document(self) -> dict[str, Any]:
        docs = {name: o.document for name, o in self.outcomes.items() if o.document is not None}
        resources = [r for doc in docs.values() for r in doc["resources"]]
        own = {r["urn"] for r in resources}
        referenced: dict[str, dict[str, Any]] = {}
        for doc in docs.values():
            for r in doc.get("referenced") or []:
                if r["urn"] not in own:
                    referenced.setdefault(r["urn"], r)
        inventories = sorted({str(doc["inventory"]) for doc in docs.values()})
        packs = sorted({str(doc["policies"]["pack"]) for doc in docs.values()})
        violations = [
            {**v, "stack": name}
            for name, doc in docs.items()
            for v in doc["policies"]["violations"]
        ]
        escalation: dict[tuple[str, str], dict[str, Any]] = {}
        for doc in docs.values():
            for t in doc.get("escalation") or []:
                escalation.setdefault((t["team"], t["tier"]), t)
        return {
            **({"referenced": [referenced[u] for u in sorted(referenced)]} if referenced else {}),
            "schema_version": SCHEMA_VERSION,
            "project": next((d["project"] for d in docs.values()), self.fleet.project_dir.name),
            "stack": FLEET_STACK,
            "inventory": ", ".join(inventories),
            "escalation": [escalation[k] for k in sorted(escalation)],
            "gate": {"passed": self.gate_passed, "sitesWithGaps": self.sites_with_gaps()},
            "notes": sorted(
                ({**n, "stack": name} for name, doc in docs.items() for n in doc["notes"]),
                key=lambda n: (n["stack"], n["kind"], n["tool"], n["message"]),
            ),
            "sites": [
                {**s.as_json(), "stack": stack}
                for stack, s in self.sites()  # same fields as a stack's plan, plus its stack
            ],
            "resources": sorted(resources, key=lambda r: r["urn"]),
            "policies": {
                "pack": ", ".join(packs),
                "violations": sorted(violations, key=_violation_key),
            },
            "fleet": {
                "file": str(self.fleet.file.name) if self.fleet.file else None,
                "shared": self.fleet.shared,
                "budget": self.fleet.budget,
                "exitCode": self.exit_code,
                "stacks": [self.stack_section(s) for s in self.fleet.stacks],
            },
        }


def _violation_key(v: Mapping[str, Any]) -> tuple[str, ...]:
    return (
        v.get("site") or "",
        v["policy"],
        v.get("urn") or "",
        v["level"],
        v["message"],
        v["stack"],
    )
