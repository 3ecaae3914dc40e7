"""`vigil plan` without the terminal: record → coverage → policies → plan document.

Shared by the CLI, the benchmark and tests, so they all measure and check the same path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policies.graph import Graph
from vigil.cli_options import find_project as find_project  # re-exported: callers import it here
from vigil.detection.site import SitePage, site_pages
from vigil.fleet.record import record_with_shared
from vigil.pagerduty.timeline import Timeline, timeline
from vigil.plan.coverage import SiteCoverage, site_coverage
from vigil.plan.engine import RunRequest, load_stack_config
from vigil.plan.gate import Gate, apply_gate
from vigil.plan.policy_eval import (
    PolicySet,
    Violation,
    covered_config,
    evaluate,
    load_policy_set,
    policy_resources,
)
from vigil.plan.record import Recording, Resource
from vigil.plan.report_json import plan_document
from vigil.settings import BY_NAME

INVENTORY_KEY = "vigil:inventory"


@dataclass
class PlanResult:
    """One run's everything: reports read these, never a second load of anything."""

    config: RunRequest
    recording: Recording
    graph: Graph
    sites: list[SiteCoverage]
    policy_set: PolicySet
    violations: list[Violation]
    document: dict[str, Any]
    escalation: list[Timeline] = field(default_factory=list)
    """Every team × tier the stack's sites page: when each level is first paged."""
    gate: Gate = field(default_factory=lambda: Gate((), ()))
    """Sites failing the coverage gate, skipped tools and manual steps."""
    pages: list[SitePage] = field(default_factory=list)
    """Per site: worst-case minutes from a failure to ALARM and to the first human paged."""

    @property
    def inventory(self) -> Any:
        """The `vigil.models.Inventory` the program loaded (``None``: not a vigil program)."""
        return self.recording.inventory


def run_plan(
    project_dir: str | Path,
    stack: str,
    inventory: str | None = None,
    policy_set: PolicySet | None = None,
    config: Mapping[str, Any] | None = None,
    on_resource: Callable[[Resource], None] | None = None,
    on_policy_progress: Callable[[int, int], None] | None = None,
    shared: Recording | None = None,
    published: Mapping[str, Mapping[str, Any]] | None = None,
) -> PlanResult:
    """Record the stack's program offline (``config`` overrides its stack config), evaluate
    the policy pack and build the plan document. ``shared``: the already recorded shared stack
    a site stack references (`vigil plan --fleet` records it once for every site stack);
    ``published``: the shared stack's site stacks' outputs (`record_with_shared`)."""
    overrides = {**(config or {}), **({INVENTORY_KEY: inventory} if inventory else {})}
    stack_config = load_stack_config(project_dir, stack, overrides)
    recording = record_with_shared(stack_config, overrides, on_resource, shared, published)
    resources = policy_resources(recording)
    graph = Graph(resources)
    policy_set = policy_set or load_policy_set(stack_config.project_dir)
    violations = evaluate(recording, policy_set, on_policy_progress, resources)
    sites = site_coverage(graph, covered_config(policy_set))
    settings = recording.settings  # None: not a vigil program
    gate = apply_gate(sites, settings, recording.inventory)
    escalation = escalation_timelines(recording.inventory)
    pages = site_pages(recording, escalation)
    doc = plan_document(
        recording,
        # not a vigil program (no settings): the --inventory given, else the key's default
        settings.inventory if settings else inventory or BY_NAME[INVENTORY_KEY].default,
        sites,
        policy_set.pack,
        violations,
        [t.as_json() for t in escalation],
        gate,
        [p.as_json() for p in pages],
    )
    return PlanResult(
        stack_config, recording, graph, sites, policy_set, violations, doc, escalation, gate,
        pages,
    )


def escalation_timelines(inventory: Any) -> list[Timeline]:
    """One timeline per (owner team, tier) of the stack's sites (none without an inventory)."""
    if inventory is None:
        return []
    used = sorted({(site.owner_team, site.tier.name) for site in inventory.sites})
    return [timeline(inventory.teams[team], inventory.tiers[tier]) for team, tier in used]
