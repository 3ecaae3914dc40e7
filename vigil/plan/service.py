"""`vigil plan` without the terminal: record → coverage → policies → plan document.

Shared by the CLI, the benchmark and tests, so they all measure and check the same path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi

from vigil.plan.coverage import SiteCoverage, site_coverage
from vigil.plan.engine import StackConfig, load_stack_config, record_program
from vigil.plan.policy_eval import PolicySet, Violation, evaluate, load_policy_set
from vigil.plan.record import Recording, Resource
from vigil.plan.report_json import plan_document

INVENTORY_KEY = "vigil:inventory"


@dataclass
class PlanResult:
    config: StackConfig
    recording: Recording
    sites: list[SiteCoverage]
    policy_set: PolicySet | None
    violations: list[Violation]
    document: dict[str, Any]

    @property
    def inventory(self) -> str:
        return self.config.values.get(INVENTORY_KEY, "inventory")


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
    mocks: pulumi.runtime.Mocks | None = None,
    on_resource: Callable[[Resource], None] | None = None,
    on_policy_progress: Callable[[int, int], None] | None = None,
    with_policies: bool = True,
) -> PlanResult:
    overrides = {INVENTORY_KEY: inventory} if inventory else None
    config = load_stack_config(project_dir, stack, overrides)
    recording = record_program(config, mocks=mocks, on_resource=on_resource)
    sites = site_coverage(recording)
    violations: list[Violation] = []
    if with_policies:
        policy_set = policy_set or load_policy_set(config.project_dir)
        violations = evaluate(recording, policy_set, on_policy_progress)
    doc = plan_document(
        recording,
        config.values.get(INVENTORY_KEY, "inventory"),
        sites,
        policy_set.pack if policy_set else "",
        violations,
    )
    return PlanResult(config, recording, sites, policy_set, violations, doc)
