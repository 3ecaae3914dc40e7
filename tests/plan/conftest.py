"""Shared fixtures: a small program that looks like vigil's (components, providers, secrets)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "fixture"


@pytest.fixture(scope="session")
def fixture_dir() -> Path:
    return FIXTURE


@pytest.fixture(scope="session")
def fixture_policies():
    """The fixture's policy registry, loaded by path so it never shadows the real `policies`."""
    from vigil.plan.policy_eval import policy_set_of

    spec = importlib.util.spec_from_file_location(
        "plan_fixture_pack", FIXTURE / "policies" / "pack.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return policy_set_of(module)


@pytest.fixture(scope="session")
def fixture_plan(fixture_dir, fixture_policies):
    from vigil.plan.service import run_plan

    return run_plan(fixture_dir, "test", policy_set=fixture_policies)


@pytest.fixture(scope="session")
def dev_plan():
    """`vigil plan --stack dev` of the real program and example inventory."""
    from vigil.plan.service import run_plan

    return run_plan(FIXTURE.parents[2], "dev")
