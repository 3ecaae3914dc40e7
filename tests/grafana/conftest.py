"""Shared fixtures: the example inventory and the catalog's alarm specs of each site."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

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
