"""``vigil validate``: summary and exit 0, or every problem on stderr and exit 2."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from vigil.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "inventory"


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    target = tmp_path / "inventory"
    shutil.copytree(EXAMPLE, target)
    shop = target / "sites/acme/shop.yaml"
    shop.write_text(shop.read_text().replace("tier: gold\n", "tire: gold\n"))
    return target


def test_validate_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "6 sites, 3 clients, 2 teams, 3 tiers" in out


def test_validate_problems_to_stderr_exit_2(
    broken: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(broken)]) == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    shop = broken / "sites/acme/shop.yaml"
    assert f"{shop}:3:1: tier: missing required key" in lines
    assert f"{shop}:6:1: tire: unknown key 'tire'; did you mean 'tier'?" in lines
    assert lines[-1].startswith("2 problem(s) in 1 file(s)")
    assert captured.out == ""


def test_validate_json(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--json", str(broken)]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert report["problems"][1] == {
        "file": str(broken / "sites/acme/shop.yaml"),
        "line": 6,
        "col": 1,
        "path": "tire",
        "message": "unknown key 'tire'; did you mean 'tier'?",
    }
    assert main(["validate", "--json", str(EXAMPLE)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report == {
        "schema_version": 1,
        "inventory": str(EXAMPLE),
        "ok": True,
        "summary": {"sites": 6, "clients": 3, "teams": 2, "tiers": 3},
        "problems": [],
    }


def test_validate_defaults_to_inventory_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["validate"]) == 0


def test_missing_directory_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "nope")]) == 2
    assert "inventory directory not found" in capsys.readouterr().err


def test_every_command_row_names_a_module_that_configures_it() -> None:
    """No "not in this build" fallback: every row of COMMANDS must import and configure."""
    import argparse

    from vigil import cli

    for command in cli.COMMANDS:
        handler = cli._configure(command, argparse.ArgumentParser())
        assert callable(handler), command


def test_subprocess_no_traceback(broken: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "vigil.cli", "validate", str(broken)],
        capture_output=True, text=True, cwd=ROOT, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "did you mean 'tier'?" in result.stderr
    ok = subprocess.run(
        [sys.executable, "-m", "vigil.cli", "validate", str(EXAMPLE)],
        capture_output=True, text=True, cwd=ROOT, env=env, check=False,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
