from __future__ import annotations

from pathlib import Path

import pytest

from vigil.inventory import load_inventory
from vigil.models import Inventory
from vigil.program import main
from vigil.testing.mocks import VigilMocks, run_program

ROOT = Path(__file__).resolve().parents[2]
INVENTORY = ROOT / "inventory"
GRAFANA = "https://grafana.agency.example"


@pytest.fixture(scope="session")
def inventory() -> Inventory:
    return load_inventory(INVENTORY)


@pytest.fixture(scope="session")
def run() -> tuple[VigilMocks, dict]:
    """The real program over the example inventory, once, under the recording mocks."""
    return run_program(main, {"vigil:inventory": str(INVENTORY), "vigil:grafanaUrl": GRAFANA})


@pytest.fixture(scope="session")
def mocks(run) -> VigilMocks:
    return run[0]


@pytest.fixture(scope="session")
def exports(run) -> dict:
    return run[1]
