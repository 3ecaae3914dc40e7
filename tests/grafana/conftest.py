"""Shared fixtures: the example inventory and the alarm specs of each site."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.grafana.alarm_factory import fake_alarms_for_site
from vigil.inventory import load_inventory
from vigil.models import Inventory, Site

ROOT = Path(__file__).resolve().parents[2]

try:  # the catalog's real specs once vigil/catalog/alarms.py is on main
    from vigil.catalog.alarms import alarms_for_site as _alarms_for_site
except ImportError:  # pragma: no cover - until the catalog lands
    _alarms_for_site = fake_alarms_for_site


@pytest.fixture(scope="session")
def inventory() -> Inventory:
    return load_inventory(ROOT / "inventory")


@pytest.fixture(scope="session")
def alarms_for() -> Callable[[Site], tuple]:
    return _alarms_for_site
