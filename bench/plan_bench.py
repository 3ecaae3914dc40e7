"""Benchmark `vigil plan` on synthetic inventories of 50, 200 and 500 sites.

For each size, in a fresh process each (so peak memory is per run):

- ``plan``: the full `vigil plan` path (record the real program offline + coverage + policies
  + JSON document), wall time split into recording and policy evaluation, resources per site;
- ``baseline``: the same resource list (types, names, parents, providers, inputs) registered
  directly with the stock ``MockMonitor`` and no program logic — the raw SDK cost;
- ``replay``: that same direct registration through vigil's `RecordingMonitor` — isolates the
  recording engine's own overhead from the program's work.

Ratios: plan-recording / baseline (everything vigil adds, program included) and replay /
baseline (the engine alone; goal ≤ 1.15×). Figures are written down in ``bench/PLAN.md``.

Usage: ``python bench/plan_bench.py [--sizes 50 200 500] [--stack dev]``.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / ".work"
sys.path.insert(0, str(ROOT))


def make_inventory(sites: int) -> Path:
    """Copies of the example sites under new clients (``c000``…), six sites per client."""
    out = WORK / f"inventory-{sites}"
    if out.exists():
        shutil.rmtree(out)
    (out / "sites").mkdir(parents=True)
    src = ROOT / "inventory"
    for name in ("defaults.yaml", "teams.yaml"):
        shutil.copy(src / name, out / name)
    templates = sorted((src / "sites").glob("*/*.yaml"))
    for i in range(sites):
        doc = yaml.safe_load(templates[i % len(templates)].read_text())
        client = f"c{i // len(templates):03d}"
        slug = doc["id"].split("-", 1)[1]
        doc["id"], doc["client"] = f"{client}-{slug}", client
        doc["name"] = f"{doc['name']} #{i}"
        path = out / "sites" / client / f"{slug}.yaml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return out


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --------------------------------------------------------------------------- children


def child_plan(sites: int, stack: str) -> dict:
    from policies.graph import Graph
    from vigil.plan.coverage import site_coverage
    from vigil.plan.engine import load_stack_config, record_program
    from vigil.plan.garbage import process_exits_after_plan
    from vigil.plan.policy_eval import (
        covered_config,
        evaluate,
        load_policy_set,
        policy_resources,
    )
    from vigil.plan.report_json import dumps, plan_document

    project, overrides = ROOT, {"vigil:inventory": str(make_inventory(sites))}
    config = load_stack_config(project, stack, overrides)
    process_exits_after_plan()  # as the `vigil` command does
    t0 = time.perf_counter()
    recording = record_program(config)
    t1 = time.perf_counter()
    resources = policy_resources(recording)
    policy_set = load_policy_set(project)
    violations = evaluate(recording, policy_set, resources=resources)
    cov = site_coverage(Graph(resources), covered_config(policy_set))
    text = dumps(plan_document(recording, "bench", cov, policy_set.pack, violations))
    t2 = time.perf_counter()
    (WORK / f"graph-{sites}.json").write_text(text)
    return {
        "resources": len(recording.resources),
        "sites": len(cov),
        "record_s": t1 - t0,
        "policies_s": t2 - t1,
        "total_s": t2 - t0,
        "violations": len(violations),
        "peak_mb": _peak_mb(),
        "program": "vigil/program.py",
    }


def child_replay(sites: int, recording: bool) -> dict:
    """Register the recorded resource list directly (no program logic)."""
    import pulumi
    from pulumi.runtime import mocks as pm

    from vigil.plan.engine import RunRequest, record_program
    from vigil.plan.mocks import OfflineMocks

    doc = json.loads((WORK / f"graph-{sites}.json").read_text())
    resources = [r for r in doc["resources"] if r["type"] != "pulumi:pulumi:Stack"]
    order = {r["urn"]: i for i, r in enumerate(resources)}

    def depth(r: dict) -> int:
        d, p = 0, r.get("parent")
        by = {x["urn"]: x for x in resources}
        while p in by:
            d, p = d + 1, by[p].get("parent")
        return d

    resources.sort(
        key=lambda r: (
            r["type"].startswith("pulumi:providers:") is False,
            depth(r),
            order[r["urn"]],
        )
    )

    def program() -> None:
        made: dict[str, pulumi.Resource] = {}
        for r in resources:
            opts = pulumi.ResourceOptions(
                parent=made.get(r["parent"] or ""), provider=made.get(r["provider"] or "")
            )
            if r["type"].startswith("pulumi:providers:"):
                res = pulumi.ProviderResource(r["type"].split(":")[2], r["name"], r["inputs"], opts)
            elif r.get("custom", True):
                res = pulumi.CustomResource(r["type"], r["name"], r["inputs"], opts)
            else:
                res = pulumi.ComponentResource(r["type"], r["name"], r["inputs"], opts)
            made[r["urn"]] = res

    config = RunRequest(doc["project"], doc["stack"], ROOT)
    factory = None if recording else pm.MockMonitor
    t0 = time.perf_counter()
    record_program(config, mocks=OfflineMocks(), program=program, monitor_factory=factory)
    return {"resources": len(resources), "total_s": time.perf_counter() - t0, "peak_mb": _peak_mb()}


# --------------------------------------------------------------------------- driver


def run_child(*args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 500])
    parser.add_argument("--stack", default="dev")
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    if args.child:
        kind, sites = args.child[0], int(args.child[1])
        if kind == "plan":
            result = child_plan(sites, args.stack)
        else:
            result = child_replay(sites, recording=kind == "replay")
        print(json.dumps(result))
        return
    print(
        f"# vigil plan benchmark — {platform.python_version()}, {platform.machine()}, "
        f"{subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} CPU(s)"
    )
    print(
        "| sites | resources | res/site | record s | policies s | plan total s | plan peak MB "
        "| baseline s | replay s | record/baseline | replay/baseline |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for sites in args.sizes:
        plan = run_child("plan", str(sites))
        base = run_child("baseline", str(sites))
        replay = run_child("replay", str(sites))
        per_site = plan["resources"] / max(plan["sites"], 1)
        print(
            f"| {plan['sites']} | {plan['resources']} | {per_site:.1f} "
            f"| {plan['record_s']:.2f} | {plan['policies_s']:.2f} | {plan['total_s']:.2f} "
            f"| {plan['peak_mb']:.0f} | {base['total_s']:.2f} | {replay['total_s']:.2f} "
            f"| {plan['record_s'] / base['total_s']:.2f}× "
            f"| {replay['total_s'] / base['total_s']:.2f}× |",
            flush=True,
        )
    print(f"\nprogram: {plan['program']}")


if __name__ == "__main__":
    main()
