"""Conventions a Pulumi user expects of a CLI: --version, make help."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import pytest

from vigil.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_version_is_the_package_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    expected = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert capsys.readouterr().out.strip() == f"vigil {expected}"


def test_make_help_lists_every_documented_target():
    out = subprocess.run(
        ["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    targets = {line.split()[0] for line in out.splitlines() if line.strip()}
    documented = {
        line[3:].split(":", 1)[0]
        for line in (ROOT / "Makefile").read_text().splitlines()
        if line.startswith("## ")
    }
    assert {"plan", "test", "help"} <= targets
    assert targets == documented
