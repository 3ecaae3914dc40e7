"""Benchmark the time-to-page analysis inside `vigil plan` at 200 sites.

One fresh process: a synthetic 200-site inventory (``plan_bench.make_inventory``), then
``run_plan`` (the whole plan: record, policies, coverage, time to page, JSON document) timed
end to end, and the new work timed on its own on the same recording, several times (best of
``--repeat``): the per-site analysis (`vigil.detection.site.site_pages`), the policy
``detection-within-tier`` on the plan's graph, and validate's tier check. Figures go to
``bench/PLAN.md``.

Usage: ``python bench/detection_bench.py [--sites 200] [--repeat 5]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def best(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sites", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from plan_bench import make_inventory

    from policies import pack
    from policies.evaluate import evaluate as evaluate_policies
    from vigil.detection.site import site_pages
    from vigil.detection.tiers import availability_worst_cases
    from vigil.plan.policy_eval import policy_resources
    from vigil.plan.service import run_plan

    inventory = make_inventory(args.sites)
    start = time.perf_counter()
    result = run_plan(ROOT, "dev", str(inventory))
    total = time.perf_counter() - start
    recording = result.recording
    alarms = sum(len(p.alarms) for p in result.pages)
    resources = policy_resources(recording)
    policy = [pack.policy("detection-within-tier")]
    figures = {
        "sites": len(result.pages),
        "resources": len(recording.resources),
        "alarms_timed": alarms,
        "plan_total_s": round(total, 2),
        "site_pages_s": round(
            best(args.repeat, lambda: site_pages(recording, result.escalation)), 4
        ),
        "policy_s": round(best(args.repeat, lambda: evaluate_policies(resources, None, policy)), 4),
        "validate_tiers_s": round(
            best(args.repeat, lambda: [availability_worst_cases(t.alarm)
                                       for t in result.inventory.tiers.values()]), 5
        ),
        "violations": len(result.violations),
    }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
