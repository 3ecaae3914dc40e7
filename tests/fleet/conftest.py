"""A copy of the real project's fleet (stacks/, fleet.yaml) that a test may edit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fleet_project(tmp_path: Path) -> Path:
    """The real project with its own stacks/, inventory/ and fleet.yaml (the rest symlinked)."""
    proj = tmp_path / "fleet-project"
    proj.mkdir()
    for entry in ROOT.iterdir():
        if entry.name in ("stacks", "fleet.yaml", "inventory", "out") or entry.name.startswith("."):
            continue
        (proj / entry.name).symlink_to(entry)
    shutil.copytree(ROOT / "stacks", proj / "stacks")
    shutil.copytree(ROOT / "inventory", proj / "inventory")
    shutil.copy(ROOT / "fleet.yaml", proj / "fleet.yaml")
    return proj
