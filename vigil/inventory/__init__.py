"""Load an inventory directory into validated, immutable models."""

from __future__ import annotations

from pathlib import Path

import yaml

from vigil.inventory.build import build_inventory
from vigil.models import Inventory


def load_inventory(root: str | Path) -> Inventory:
    root = Path(root)
    defaults = yaml.safe_load((root / "defaults.yaml").read_text())
    teams = yaml.safe_load((root / "teams.yaml").read_text())
    sites = [
        (str(path), yaml.safe_load(path.read_text()))
        for path in sorted((root / "sites").glob("*/*.yaml"))
    ]
    return build_inventory(str(root), defaults, teams, sites)
