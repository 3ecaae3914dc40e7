"""Conventions a Pulumi user expects of a CLI: --version, make help, -s, --json [FILE], the
project found from any directory, known stacks listed, progress a CI log can see."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import threading
import tomllib
from pathlib import Path

import pytest

from vigil import cli_options
from vigil.cli import main
from vigil.plan.report_text import Progress

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


# --- the same options on every command (vigil/cli_options.py, docs/CLI.md) ---------------------

ENV = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}


def vigil(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vigil.cli", *args],
        cwd=cwd, env={**ENV, **env}, capture_output=True, text=True, timeout=300,
    )


def test_validate_works_from_a_subdirectory_of_the_project():
    result = vigil("validate", cwd=ROOT / "inventory" / "sites")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{ROOT / 'inventory'}: OK")


def test_validate_given_a_file_says_so():
    result = vigil("validate", "defaults.yaml", cwd=ROOT / "inventory")
    assert result.returncode == 2
    assert "defaults.yaml: is a file; give the inventory directory" in result.stderr


@pytest.mark.parametrize("command", [("validate",), ("plan",)])
def test_an_unknown_stack_lists_the_known_ones(command):
    result = vigil(*command, "-s", "nope", cwd=ROOT / "docs")
    assert result.returncode == 2
    known = ", ".join(cli_options.known_stacks(ROOT / "stacks"))
    assert "dev" in known
    assert f"unknown stack 'nope' (known: {known})" in result.stderr


def test_json_without_file_is_stdout_and_with_file_is_the_same_document(tmp_path, capsys):
    assert main(["validate", "--json"]) == 0  # from the repository root (pytest's cwd)
    printed = json.loads(capsys.readouterr().out)
    out = tmp_path / "v.json"
    assert main(["validate", "--json", str(out)]) == 0
    assert capsys.readouterr().out.endswith("3 tiers\n")  # the text report, JSON in the file
    assert json.loads(out.read_text()) == printed
    # a directory given to --json is the inventory, never overwritten
    assert main(["validate", "--json", str(ROOT / "inventory")]) == 0
    assert json.loads(capsys.readouterr().out) == printed


class _Pipe(io.StringIO):
    def isatty(self) -> bool:
        return False


def test_progress_off_a_terminal_prints_steady_lines_with_the_latest_total(monkeypatch):
    monkeypatch.setenv("VIGIL_PROGRESS_SECONDS", "0.01")
    stream = _Pipe()
    progress = Progress(stream, prefix="vigil plan")  # type: ignore[arg-type]
    progress.start("starting")
    progress.update("recording: site 3/150, 60 resources")
    seen = threading.Event()
    for _ in range(500):  # no timing asserted: wait for two heartbeats, however long they take
        if stream.getvalue().count("site 3/150") >= 2:
            seen.set()
            break
        seen.wait(0.01)
    progress.stop()
    lines = stream.getvalue().splitlines()
    assert seen.is_set(), lines
    assert all(line.startswith("vigil plan: [") and " s] " in line for line in lines)
    assert "\r" not in stream.getvalue()
    count = len(stream.getvalue().splitlines())
    seen.wait(0.05)
    assert len(stream.getvalue().splitlines()) == count  # stopped means stopped


def test_plan_progress_is_not_silent_off_a_terminal():
    result = vigil("plan", "-s", "dev", "--json", os.devnull, cwd=ROOT / "inventory",
                   VIGIL_PROGRESS_SECONDS="0.05")
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode), "the plan replaced /dev/null"
    beats = [line for line in result.stderr.splitlines() if line.startswith("vigil plan: [")]
    assert beats, result.stderr
    sites = len(list((ROOT / "inventory" / "sites").glob("*/*.yaml")))
    assert any(f"/{sites}" in line or f"({sites} sites)" in line for line in beats), beats


def test_json_to_a_device_writes_through_it_and_never_replaces_it():
    """``--json /dev/null`` once replaced the device with a regular file (atomic rename)."""
    from vigil.plan.interrupt import atomic_write

    atomic_write(os.devnull, "{}\n")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
