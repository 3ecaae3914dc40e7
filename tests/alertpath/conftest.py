from __future__ import annotations

from pathlib import Path

import pytest

from tests.runtime import run_program
from vigil.inventory import load_inventory
from vigil.models import Inventory
from vigil.plan.record import Recording
from vigil.program import main

ROOT = Path(__file__).resolve().parents[2]
INVENTORY = ROOT / "inventory"
GRAFANA = "https://grafana.agency.example"


@pytest.fixture(scope="session")
def inventory() -> Inventory:
    return load_inventory(INVENTORY)


@pytest.fixture(scope="session")
def mocks() -> Recording:
    """The real program over the example inventory, once, on the recording runtime."""
    return run_program(main, {"vigil:inventory": str(INVENTORY), "vigil:grafanaUrl": GRAFANA})


@pytest.fixture(scope="session")
def exports(mocks) -> dict:
    return mocks.exports
