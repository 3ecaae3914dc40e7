"""`vigil plan` / `vigil check` end to end in a subprocess: output, files, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


ENV = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}


def vigil(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = ENV
    return subprocess.run(
        [sys.executable, "-m", "vigil.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_plan_prints_matrix_and_writes_json_and_html(fixture_dir, tmp_path):
    out = vigil(
        "plan",
        "--stack",
        "test",
        "--json",
        str(tmp_path / "plan.json"),
        "--html",
        str(tmp_path / "plan.html"),
        cwd=fixture_dir,
    )
    assert out.returncode == 0, out.stderr
    assert "demo-site0" in out.stdout and "CloudWatch" in out.stdout
    assert "\033[" not in out.stdout  # no colour when not a TTY
    assert "Traceback" not in out.stderr
    doc = json.loads((tmp_path / "plan.json").read_text())
    assert [s["id"] for s in doc["sites"]] == ["demo-site0", "demo-site1"]
    assert (tmp_path / "plan.html").read_text().startswith("<!DOCTYPE html>")


def test_plan_invalid_inventory_exits_2_without_traceback(fixture_dir, tmp_path):
    stacks = tmp_path / "proj" / "stacks"
    stacks.mkdir(parents=True)
    for name in ("Pulumi.yaml", "__main__.py"):
        (tmp_path / "proj" / name).write_text((fixture_dir / name).read_text())
    (stacks / "Pulumi.bad.yaml").write_text("config:\n  fixture:fail: true\n  fixture:team: ops\n")
    (tmp_path / "proj" / "policies").symlink_to(fixture_dir / "policies")
    out = vigil("plan", "--stack", "bad", cwd=tmp_path / "proj")
    assert out.returncode == 2
    assert "inventory/sites/acme/shop.yaml:3:7: tier" in out.stderr
    assert "Traceback" not in out.stderr


def test_plan_unknown_stack_exits_2(fixture_dir):
    out = vigil("plan", "--stack", "nope", cwd=fixture_dir)
    assert out.returncode == 2 and "Pulumi.nope.yaml" in out.stderr


def test_check_exit_codes(fixture_dir, tmp_path):
    plan = tmp_path / "plan.json"
    assert vigil("plan", "--stack", "test", "--json", str(plan), cwd=fixture_dir).returncode == 0
    assert vigil("check", str(plan), cwd=fixture_dir).returncode == 0
    doc = json.loads(plan.read_text())
    for res in doc["resources"]:
        if res["type"] == "aws:cloudwatch/metricAlarm:MetricAlarm":
            res["inputs"].pop("alarmActions")
    plan.write_text(json.dumps(doc))
    broken = vigil("check", str(plan), cwd=fixture_dir)
    assert broken.returncode == 1
    assert "alarm-has-actions" in broken.stdout
    plan.write_text("{not json")
    assert vigil("check", str(plan), cwd=fixture_dir).returncode == 2


def _with_reader_gone(*args: str, cwd: Path) -> tuple[int, str]:
    """Run ``vigil`` with its stdout a pipe whose reader is already gone (``… | true``)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "vigil.cli", *args],
        cwd=cwd,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read()
    return proc.wait(timeout=120), err


@pytest.mark.parametrize("json_out", [False, True], ids=["matrix", "json"])
def test_exit_code_survives_a_closed_pipe(fixture_dir, json_out):
    """``vigil plan | true`` must still exit 1 on a mandatory violation, without a traceback."""
    extra = ("--json", "-") if json_out else ()
    assert vigil("plan", "--stack", "silent", *extra, cwd=fixture_dir).returncode == 1
    code, err = _with_reader_gone("plan", "--stack", "silent", *extra, cwd=fixture_dir)
    assert code == 1, err
    assert "Traceback" not in err and "BrokenPipeError" not in err
    clean, _ = _with_reader_gone("plan", "--stack", "test", cwd=fixture_dir)
    assert clean == 0
