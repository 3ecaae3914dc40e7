"""Ctrl-C latency of ``vigil plan``: time from SIGINT to process exit, at points of a plan.

``python bench/interrupt_bench.py [--sites 150] [--delays 0.5,5,15,25]``: generates the same
large inventory as ``tests/plan/test_interrupt.py``, starts ``vigil plan --stack dev`` with
``--json``/``--html``, sends SIGINT ``delay`` seconds after the first resource is recorded and
measures until exit. Figures go in ``bench/INTERRUPT.md``; the tests assert only the exit code
and that nothing is written (no timing assertions in tests).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.plan.test_interrupt import large_inventory  # noqa: E402


def one(inventory: Path, out: Path, delay: float) -> tuple[int, float, list[str]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "vigil.cli", "plan", "--stack", "dev", "--inventory",
         str(inventory), "--json", str(out / "plan.json"), "--html", str(out / "plan.html")],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stderr is not None
    proc.stderr.readline()
    time.sleep(delay)
    start = time.perf_counter()
    proc.send_signal(signal.SIGINT)
    code = proc.wait(timeout=600)
    return code, time.perf_counter() - start, sorted(os.listdir(out))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=150)
    parser.add_argument("--delays", default="0.5,5,15,25")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        inventory = large_inventory(Path(tmp) / "inventory", args.sites)
        for delay in (float(d) for d in args.delays.split(",")):
            out = Path(tmp) / f"out-{delay}"
            out.mkdir()
            code, latency, files = one(inventory, out, delay)
            print(f"SIGINT {delay:>5.1f} s after the first resource: exit {code}, "
                  f"stopped in {latency * 1000:.0f} ms, files left: {files or 'none'}")


if __name__ == "__main__":
    main()
