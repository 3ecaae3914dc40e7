"""`vigil plan` without the terminal: record → coverage → policies → plan document.

Shared by the CLI, the benchmark and tests, so they all measure and check the same path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policies.graph import Graph
from vigil.plan.coverage import SiteCoverage, site_coverage
from vigil.plan.engine import StackConfig, load_stack_config, record_program
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

INVENTORY_KEY = "vigil:inventory"


@dataclass
class PlanResult:
    """One run's everything: reports read these, never a second load of anything."""

    config: StackConfig
    recording: Recording
    graph: Graph
    sites: list[SiteCoverage]
    policy_set: PolicySet
    violations: list[Violation]
    document: dict[str, Any]

    @property
    def inventory(self) -> Any:
        """The `vigil.models.Inventory` the program loaded (``None``: not a vigil program)."""
        return self.recording.inventory


def find_project(start: str | Path = ".") -> Path:
    """The nearest directory at or above ``start`` holding ``Pulumi.yaml``."""
    here = Path(start).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "Pulumi.yaml").is_file():
            return candidate
    raise FileNotFoundError(f"no Pulumi.yaml in {here} or its parents")


def run_plan(
    project_dir: str | Path,
    stack: str,
    inventory: str | None = None,
    policy_set: PolicySet | None = None,
    config: Mapping[str, Any] | None = None,
    on_resource: Callable[[Resource], None] | None = None,
    on_policy_progress: Callable[[int, int], None] | None = None,
) -> PlanResult:
    """Record the stack's program offline (``config`` overrides its stack config), evaluate
    the policy pack and build the plan document."""
    overrides = {**(config or {}), **({INVENTORY_KEY: inventory} if inventory else {})}
    stack_config = load_stack_config(project_dir, stack, overrides)
    recording = record_program(stack_config, on_resource=on_resource)
    resources = policy_resources(recording)
    graph = Graph(resources)
    policy_set = policy_set or load_policy_set(stack_config.project_dir)
    violations = evaluate(recording, policy_set, on_policy_progress, resources)
    sites = site_coverage(graph, covered_config(policy_set))
    settings = recording.settings  # None: not a vigil program
    doc = plan_document(
        recording,
        settings.inventory if settings else stack_config.values.get(INVENTORY_KEY, "inventory"),
        sites,
        policy_set.pack,
        violations,
    )
    return PlanResult(stack_config, recording, graph, sites, policy_set, violations, doc)
