"""Time ``vigil validate`` on a synthetic inventory of 1,000 realistic sites.

Usage: ``python bench/validate_bench.py [--sites N] [--repeat R]``. Generates the inventory in
a temp dir (example defaults/teams plus extra teams), then measures:
- wall time of ``python -m vigil.cli validate DIR`` in a fresh process (what CI pays), and
  that process's peak RSS (``resource.getrusage`` of the child);
- in-process ``load_inventory`` time (best and median of R runs, warm);
- peak Python heap of one in-process run (``tracemalloc``).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vigil.inventory import load_inventory  # noqa: E402

EXAMPLE = ROOT / "inventory"
HEX = "0123456789abcdef"


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(HEX) for _ in range(n))


def site_yaml(rng: random.Random, client: str, n: int, account: str, region: str) -> str:
    """One site file shaped like the examples: ALB/EC2/ASG/RDS/cache mixes, URLs, servers."""
    site = f"{client}-s{n}"
    tier = rng.choice(["gold", "silver", "silver", "bronze"])
    team = "web" if tier == "bronze" else rng.choice(["ops", "ops2", "ops3"])
    lines = [
        "# yaml-language-server: $schema=../../../vigil/schemas/site.schema.json",
        f"id: {site}",
        f"client: {client}",
        f"name: {client.title()} site {n}",
        f"tier: {tier}",
        "environment: production",
        f"owner_team: {team}",
        f"runbook_url: https://runbooks.agency.example/{client}/s{n}",
        "aws:",
        f'  account_id: "{account}"',
        f"  region: {region}",
        "resources:",
    ]
    bare = len(lines)
    arn = f"arn:aws:elasticloadbalancing:{region}:{account}"
    if rng.random() < 0.7:
        lines += [
            "  load_balancers:",
            f"    - name: {site}-alb",
            f"      arn: {arn}:loadbalancer/app/{site}-alb/{_hex(rng, 16)}",
            "      target_groups:",
        ]
        for t in range(rng.randint(1, 3)):
            lines += [
                f"        - name: {site}-tg{t}",
                f"          arn: {arn}:targetgroup/{site}-tg{t}/{_hex(rng, 16)}",
            ]
        if rng.random() < 0.3:
            lines += [
                "      thresholds:",
                "        target_response_time_p99: {warning: 1.5, critical: 3.0}",
            ]
    if rng.random() < 0.6:
        lines.append("  ec2_instances:")
        for i in range(rng.randint(1, 4)):
            lines += [
                f"    - id: i-{_hex(rng, 17)}",
                f"      name: {site}-web-{i}",
                "      instance_type: m6i.large",
            ]
    if rng.random() < 0.4:
        lines += ["  auto_scaling_groups:", f"    - name: {site}-asg", "      min_in_service: 2"]
    if rng.random() < 0.6:
        lines += [
            "  rds_instances:",
            f"    - id: {site}-db",
            "      engine: mysql",
            f"      replicas: [{site}-db-replica-1]",
        ]
    if rng.random() < 0.5:
        lines += ["  elasticache_clusters:", f"    - id: {site}-redis-001", "      engine: redis"]
    if rng.random() < 0.2:
        lines += ["  cloudfront_distributions:", f"    - id: E{_hex(rng, 13).upper()}"]
    if len(lines) == bare:
        lines.pop()  # no AWS resources: leave the key out (null is not a mapping)
    lines.append("urls:")
    for u in range(rng.randint(1, 3)):
        lines += [
            f"  - name: page{u}",
            f"    url: https://{site}.example.com/p{u}",
            "    required_text: OK",
        ]
    lines.append("servers:")
    for s in range(rng.randint(1, 4)):
        lines += [
            f"  - name: {site}-srv{s}",
            f"    address: 10.{n % 250}.{s}.{rng.randint(1, 250)}",
            "    services: [nginx, php-fpm]",
        ]
    if rng.random() < 0.3:
        lines += ["thresholds:", "  ec2:", "    cpu_utilization: {warning: 75, critical: 92}"]
    lines += ["tags:", f"  cost-center: cc-{rng.randint(1, 50)}"]
    return "\n".join(lines) + "\n"


def generate(root: Path, sites: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    shutil.copy(EXAMPLE / "defaults.yaml", root / "defaults.yaml")
    teams = (EXAMPLE / "teams.yaml").read_text()
    ops = teams[teams.index("  ops:\n") : teams.index("  web:\n")]
    teams += "\n" + ops.replace("  ops:\n", "  ops2:\n") + ops.replace("  ops:\n", "  ops3:\n")
    (root / "teams.yaml").write_text(teams)
    clients = max(1, sites // 5)
    for n in range(sites):
        client = f"client{n % clients:03d}"
        folder = root / "sites" / client
        folder.mkdir(parents=True, exist_ok=True)
        account = f"{100000000000 + n % clients:012d}"
        region = rng.choice(["eu-west-1", "eu-central-1", "us-east-1"])
        (folder / f"s{n}.yaml").write_text(site_yaml(rng, client, n, account, region))


def fill_catalog(per_type: int) -> None:
    """Stand-in for the real catalog (written elsewhere) so cascade checks do real work."""
    from vigil import catalog
    from vigil.catalog.spec import Signal
    from vigil.models import Threshold

    used = {  # the signal keys the example and synthetic inventories override
        "alb": ["elb_5xx_rate", "target_response_time_p99"],
        "ec2": ["cpu_utilization"],
        "rds": ["free_storage_bytes"],
        "aurora": ["cpu_utilization"],
        "elasticache": ["database_memory_usage_percent"],
        "url": ["response_time_seconds"],
    }
    for rtype in catalog.resource_types():
        have = catalog.CATALOG.get(rtype, ())
        keys = [k for k in used.get(rtype.value, []) if k not in catalog.signal_keys(rtype)]
        keys += [f"synthetic_{i}" for i in range(per_type)]
        extra = tuple(
            Signal(
                key,
                "AWS/X",
                "M",
                "Average",
                "LessThanThreshold" if key == "free_storage_bytes" else "GreaterThanThreshold",
                Threshold(1e10, 1e9) if key == "free_storage_bytes" else Threshold(1, 2),
            )
            for key in keys[: max(0, per_type - len(have))]
        )
        catalog.CATALOG[rtype] = (*have, *extra)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--fill-catalog",
        type=int,
        default=0,
        metavar="N",
        help="in-process runs only: pad every resource type to N synthetic catalog signals",
    )
    args = parser.parse_args()
    if args.fill_catalog:
        fill_catalog(args.fill_catalog)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "inventory"
        root.mkdir()
        generate(root, args.sites)
        lines = sum(len(p.read_text().splitlines()) for p in root.glob("sites/*/*.yaml"))
        print(f"synthetic inventory: {args.sites} sites, {lines} YAML lines, {root}")

        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "vigil.cli", "validate", str(root)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        wall = time.perf_counter() - start
        child = resource.getrusage(resource.RUSAGE_CHILDREN)
        rss_mb = child.ru_maxrss / 1024
        cpu = child.ru_utime + child.ru_stime
        print(
            f"vigil validate (fresh process): {wall:.2f} s wall, {cpu:.2f} s CPU, "
            f"peak RSS {rss_mb:.0f} MB, "
            f"exit {result.returncode}: {(result.stdout or result.stderr).strip()[:200]}"
        )
        if result.returncode:
            sys.exit(1)

        times, cpu_times = [], []
        for _ in range(args.repeat):
            start, cpu_start = time.perf_counter(), time.process_time()
            load_inventory(root)
            times.append(time.perf_counter() - start)
            cpu_times.append(time.process_time() - cpu_start)
        print(
            f"load_inventory in-process: best {min(times):.2f} s, "
            f"median {statistics.median(times):.2f} s wall, best CPU {min(cpu_times):.2f} s "
            f"over {args.repeat} runs"
        )

        tracemalloc.start()
        load_inventory(root)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"peak Python heap during one load (tracemalloc): {peak / 2**20:.0f} MB")


if __name__ == "__main__":
    main()
