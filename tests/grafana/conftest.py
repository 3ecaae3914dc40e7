"""Shared fixtures: the example inventory and the catalog's alarm specs of each site."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pulumi
import pytest

from vigil.catalog.alarms import alarms_for_site
from vigil.inventory import load_inventory
from vigil.models import Inventory, Site

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def inventory() -> Inventory:
    return load_inventory(ROOT / "inventory")


@pytest.fixture(scope="session")
def alarms_for() -> Callable[[Site], tuple]:
    """The catalog's real ``AlarmSpec``s (the ones CloudWatch alarms are created from)."""
    return alarms_for_site


class RecordingMocks(pulumi.runtime.Mocks):
    """Pulumi mocks that keep every registered resource (type, name, wire inputs, parent)."""

    def __init__(self) -> None:
        self.resources: list[pulumi.runtime.MockResourceArgs] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        self.resources.append(args)
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict:
        return {}

    def of_type(self, type_: str) -> list[pulumi.runtime.MockResourceArgs]:
        return [r for r in self.resources if r.typ == type_]


@pytest.fixture
def mocks():
    """Fresh event loop and mocks per test (Pulumi's runtime keeps global state)."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    recorder = RecordingMocks()
    pulumi.runtime.set_mocks(recorder, project="vigil", stack="test", preview=False)
    yield recorder
    loop.close()
