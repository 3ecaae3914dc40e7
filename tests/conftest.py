"""Fixtures every test area shares."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "inventory"


@pytest.fixture
def inv(tmp_path: Path) -> Path:
    """A writable copy of the example inventory (tests edit it to make one file bad)."""
    target = tmp_path / "inventory"
    shutil.copytree(EXAMPLE, target)
    return target
