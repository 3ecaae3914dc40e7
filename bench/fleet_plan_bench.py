"""Benchmark `vigil plan --fleet` on a synthetic fleet of 1,000 sites (bench/PLAN.md).

The fleet (``bench/.work/fleet-N``): the example sites copied under new clients, six per client
(`plan_bench.make_inventory`, the generator the single-stack benchmark uses); the project's
program, policies and components linked in; a shared stack like ``stacks/Pulumi.shared.yaml``;
and site stacks of whole clients, packed so that every stack stays under the fleet's resource
budget. Packing uses the measured resources of a one-client stack (which already carries the
per-stack overhead: providers, folders, the notification policy), so the estimate errs high;
the run then proves every stack under the budget from the plan's own counts.

Measured on the real command, in a fresh process: ``vigil plan --fleet -j N --json --html``.
Wall time; each worker's peak RSS and CPU time (its own ``getrusage``, as the command reports
it per stack: workers are forked by multiprocessing's forkserver, which reaps them, so the
benchmark's ``RUSAGE_CHILDREN`` sees only the parent); the parent's peak RSS
(``RUSAGE_CHILDREN`` of this process: the ``vigil`` process it waited for).

Usage: ``python bench/fleet_plan_bench.py [--sites 1000] [-j 2] [--budget 3000] [--check]``
(``--check`` also runs ``vigil fleet check`` on the generated fleet).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / ".work"
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from plan_bench import make_inventory  # noqa: E402

LINKED = ("Pulumi.yaml", "__main__.py", "policies", "components")
VIGIL = [sys.executable, "-m", "vigil.cli"]
DONE = re.compile(r"stack (\S+): exit (\d+), .*\((\d+\.\d) s, (\d+\.\d) s CPU, peak (\d+) MB\)$")
OUTPUTS = re.compile(
    r"stack (\S+) \(outputs for its site stacks\): .*\((\d+\.\d) s, (\d+\.\d) s CPU, "
    r"peak (\d+) MB\)$"
)  # the shared stack's first pass: a worker of its own


def project(sites: int, name: str = "fleet") -> Path:
    """A project directory with the generated inventory and an empty stacks/ folder."""
    proj = WORK / f"{name}-{sites}"
    if proj.exists():
        shutil.rmtree(proj)
    proj.mkdir(parents=True)
    for entry in LINKED:
        (proj / entry).symlink_to(ROOT / entry)
    (proj / "inventory").symlink_to(make_inventory(sites))
    (proj / "stacks").mkdir()
    return proj


def clients_of(proj: Path) -> list[str]:
    return sorted(p.name for p in (proj / "inventory" / "sites").iterdir() if p.is_dir())


def write_fleet(proj: Path, shards: list[list[str]], budget: int) -> list[str]:
    """The shared stack (the example's, owning the Grafana notification policy tree: one
    owner per organisation) and one site stack per shard (``notificationPolicy: shared``)."""
    shared = yaml.safe_load((ROOT / "stacks" / "Pulumi.shared.yaml").read_text())
    (proj / "stacks" / "Pulumi.shared.yaml").write_text(yaml.safe_dump(shared))
    names = ["shared"]
    for i, clients in enumerate(shards):
        config = {
            key: value
            for key, value in shared["config"].items()
            if key not in ("vigil:fleetRole", "vigil:grafana")
        }
        grafana = dict(shared["config"]["vigil:grafana"])
        grafana["notificationPolicy"] = "shared"
        config |= {
            "vigil:fleetRole": "site",
            "vigil:sharedStack": "organization/vigil/shared",
            "vigil:clients": clients,
            "vigil:grafana": grafana,
        }
        name = f"site-{i + 1:02d}"
        (proj / "stacks" / f"Pulumi.{name}.yaml").write_text(yaml.safe_dump({"config": config}))
        names.append(name)
    fleet = {"budget": budget, "shared": "shared", "stacks": names}
    (proj / "fleet.yaml").write_text(yaml.safe_dump(fleet, sort_keys=False))
    return names


def per_client_resources(sites: int, budget: int) -> int:
    """Resources of a stack holding the first client alone (six sites, one of each example)."""
    proj = project(min(sites, 6), "calibrate")
    write_fleet(proj, [clients_of(proj)[:1]], budget)
    out = subprocess.run(
        [*VIGIL, "plan", "--fleet", "-j", "1", "--project", str(proj), "--json"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if out.returncode not in (0, 1):
        raise SystemExit(f"calibration plan failed ({out.returncode}):\n{out.stderr}")
    doc = json.loads(out.stdout)
    return next(s["resources"] for s in doc["fleet"]["stacks"] if s["role"] == "site")


def shard(clients: list[str], per_client: int, budget: int) -> list[list[str]]:
    """Whole clients per stack, as many as the budget holds at the measured size."""
    per_stack = max(1, budget // per_client)
    return [clients[i : i + per_stack] for i in range(0, len(clients), per_stack)]


def run(proj: Path, jobs: int) -> dict:
    out_dir = proj / "out"
    out_dir.mkdir(exist_ok=True)
    argv = [*VIGIL, "plan", "--fleet", "-j", str(jobs), "--project", str(proj),
            "--json", str(out_dir / "plan.json"), "--html", str(out_dir / "plan.html")]  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    parent_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if done.returncode not in (0, 1):
        raise SystemExit(f"vigil plan --fleet failed ({done.returncode}):\n{done.stderr[-4000:]}")
    stacks = {}
    for line in done.stderr.splitlines():
        match = DONE.search(line)
        if match:
            stacks[match[1]] = {
                "seconds": float(match[3]),
                "cpu_s": float(match[4]),
                "peak_mb": int(match[5]),
            }
        first = OUTPUTS.search(line)
        if first:
            stacks[f"{first[1]} (first pass)"] = {
                "seconds": float(first[2]),
                "cpu_s": float(first[3]),
                "peak_mb": int(first[4]),
            }
    doc = json.loads((out_dir / "plan.json").read_text())
    counts = {s["stack"]: s for s in doc["fleet"]["stacks"]}
    return {
        "exit": done.returncode,
        "wall_s": wall,
        "sites": len(doc["sites"]),
        "resources": len(doc["resources"]),
        "stacks": len(counts),
        "max_stack_resources": max(s["resources"] for s in counts.values()),
        "over_budget": [n for n, s in counts.items() if s["overBudget"]],
        "failed": [n for n, s in counts.items() if s["error"]],
        "worker_peak_mb": max(s["peak_mb"] for s in stacks.values()),
        "worker_seconds": stacks,
        "parent_peak_mb": max(before, parent_peak) / 1024,
        "worker_cpu_s": sum(s["cpu_s"] for s in stacks.values()),
        "json_mb": (out_dir / "plan.json").stat().st_size / 2**20,
        "html_mb": (out_dir / "plan.html").stat().st_size / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("-j", "--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--budget", type=int, default=3000)
    parser.add_argument("--check", action="store_true", help="also run vigil fleet check")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    per_client = per_client_resources(args.sites, args.budget)
    proj = project(args.sites)
    shards = shard(clients_of(proj), per_client, args.budget)
    write_fleet(proj, shards, args.budget)
    result = run(proj, args.jobs)
    cpus = len(os.sched_getaffinity(0))
    load = os.getloadavg()[0]
    print(
        f"# vigil plan --fleet benchmark — {datetime.date.today()}, Python "
        f"{platform.python_version()}, {cpus} CPU(s), load average {load:.1f} at the end"
    )
    print(f"one-client stack: {per_client} resources → {len(shards)} site stacks + shared")
    print(
        "| sites | stacks | resources | max/stack | -j | wall s | max worker peak MB "
        "| parent peak MB | workers' CPU s | JSON MB | HTML MB | exit |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {result['sites']} | {result['stacks']} | {result['resources']} "
        f"| {result['max_stack_resources']} | {args.jobs} | **{result['wall_s']:.1f}** "
        f"| **{result['worker_peak_mb']}** | {result['parent_peak_mb']:.0f} "
        f"| {result['worker_cpu_s']:.0f} "
        f"| {result['json_mb']:.0f} | {result['html_mb']:.1f} | {result['exit']} |"
    )
    slowest = sorted(result["worker_seconds"].items(), key=lambda kv: -kv[1]["seconds"])[:3]
    print("slowest stacks: " + ", ".join(f"{n} {v['seconds']} s" for n, v in slowest))
    if result["over_budget"] or result["failed"]:
        print(f"over budget: {result['over_budget']}; failed: {result['failed']}")
    if args.check:
        started = time.perf_counter()
        check = subprocess.run(
            [*VIGIL, "fleet", "check", "--project", str(proj)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        tail = check.stdout.strip().splitlines()[-1:] or [check.stderr[-300:]]
        print(f"vigil fleet check: exit {check.returncode} in "
              f"{time.perf_counter() - started:.0f} s: {tail[0]}")  # fmt: skip


if __name__ == "__main__":
    main()
