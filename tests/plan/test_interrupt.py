"""Ctrl-C during ``vigil plan`` of a large inventory: exit 130, a message, no partial file; a
closed pipe keeps the real exit code. Real subprocesses, a real SIGINT."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests.plan.test_stack_config_errors import ENV, STACK, project  # noqa: F401  (fixture)
from vigil.plan.interrupt import EXIT_INTERRUPTED, atomic_write

ROOT = Path(__file__).resolve().parents[2]


def large_inventory(root: Path, sites: int = 150) -> Path:
    """Copies of the example sites under new clients (``c000``…), six sites per client."""
    (root / "sites").mkdir(parents=True)
    for name in ("defaults.yaml", "teams.yaml"):
        shutil.copy(ROOT / "inventory" / name, root / name)
    templates = sorted((ROOT / "inventory" / "sites").glob("*/*.yaml"))
    for i in range(sites):
        doc = yaml.safe_load(templates[i % len(templates)].read_text())
        client = f"c{i // len(templates):03d}"
        slug = doc["id"].split("-", 1)[1]
        doc["id"], doc["client"] = f"{client}-{slug}", client
        path = root / "sites" / client / f"{slug}.yaml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return root


def test_first_ctrl_c_stops_the_plan_with_130_and_writes_nothing(tmp_path: Path) -> None:
    inventory = large_inventory(tmp_path / "inventory")
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "vigil.cli", "plan", "--stack", "dev",
         "--inventory", str(inventory), "--json", str(out / "plan.json"),
         "--html", str(out / "plan.html")],
        cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stderr is not None
        started = proc.stderr.readline()  # printed when the first resource is recorded
        while started.startswith("vigil plan: ["):  # heartbeat lines before it (no TTY)
            started = proc.stderr.readline()
        assert started == "vigil plan: recording stack dev offline\n", started
        time.sleep(1)  # well into recording 150 sites (about half a minute in all)
        assert proc.poll() is None, "the plan ended before it could be interrupted"
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=60)  # a guard against a hang, not a timing assertion
    finally:
        if proc.poll() is None:
            proc.kill()
    err = proc.stderr.read()
    assert code == EXIT_INTERRUPTED == 130
    assert "vigil plan: interrupted (Ctrl-C); stopped, no partial file written" in err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert sorted(os.listdir(out)) == []  # no plan.json, no plan.html, no temporary file


def test_atomic_write_replaces_whole_files_and_leaves_nothing_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    atomic_write(target, "first\n")
    atomic_write(target, "second\n")
    assert target.read_text() == "second\n"
    with pytest.raises(UnicodeEncodeError):
        atomic_write(target, "half" + "\ud800")  # fails while writing
    assert target.read_text() == "second\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.json"]


WRITE_DURING_STOP = """
import os, signal, sys, threading
from vigil.plan.interrupt import atomic_write, stop_on_interrupt
stopping = threading.Event()
def on_stop():  # like the fleet's runner.abort: the main thread wakes while this still runs
    stopping.set()
    threading.Event().wait(2)
with stop_on_interrupt("test", on_stop=on_stop):
    os.kill(os.getpid(), signal.SIGINT)
    stopping.wait()
    atomic_write(sys.argv[1], "a report of work the interrupt cut short")
    print("written")
"""


def test_no_file_is_written_once_the_interrupt_is_stopping(tmp_path: Path) -> None:
    """The race behind a fleet Ctrl-C that left plan.json: ending the workers let the main
    thread report their failures while the watcher was still stopping."""
    out = tmp_path / "plan.json"
    run = subprocess.run(
        [sys.executable, "-c", WRITE_DURING_STOP, str(out)],
        cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == EXIT_INTERRUPTED, run.stderr
    assert "written" not in run.stdout
    assert "test: interrupted (Ctrl-C); stopped, no partial file written" in run.stderr
    assert os.listdir(tmp_path) == []  # neither the report nor its temporary file


def test_closed_pipe_keeps_the_gate_s_exit_code(project: Path) -> None:  # noqa: F811
    """``vigil plan | true`` of a stack that fails the gate still exits 1, without traceback."""
    (project / STACK).write_text("config:\n  aws:region: eu-west-1\n")
    env = {k: v for k, v in ENV.items() if k not in ("ZABBIX_URL", "GRAFANA_AUTH")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "vigil.cli", "plan", "--stack", "x", "--project", str(project)],
        cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the first line
    err = proc.stderr.read()
    assert proc.wait(timeout=300) == 1, err
    assert "Traceback" not in err and "BrokenPipeError" not in err
