"""Count Zabbix API calls per site for create, no-op re-apply, refresh, update and delete.

Run against the sandbox:  eval "$(scripts/zabbix-server start >/dev/null && scripts/zabbix-server
env)" && .venv/bin/python bench/zabbix_api_calls.py [--sites N]
Each phase starts with fresh sessions (as a new `pulumi up` process does), so the figures
include connecting: apiinfo.version, plus user.login when using a password.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.zabbix.conftest import make_site
from vigil.models import Threshold
from vigil.zabbix import api as zapi
from vigil.zabbix.provider import ZabbixProvider, config_inputs, media_inputs


def measure(label: str, fn, sites: int, rows: list) -> object:
    zapi.forget_sessions()
    zapi.CALLS["methods"].clear()
    start = zapi.CALLS["count"]
    t0 = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - t0
    calls = zapi.CALLS["count"] - start
    methods = Counter(zapi.CALLS["methods"])
    rows.append((label, sites, calls, calls / sites, elapsed, dict(methods)))
    return result


def run(n: int, auth: str, rows: list) -> None:
    p = ZabbixProvider()
    tag = f"b{auth[0]}{n}"
    sites = [make_site(f"{tag}-site{i}", f"{tag}c{i % 3}") for i in range(n)]
    shared = p.create(media_inputs()).outs
    ids = {k: shared[k] for k in ("mediatypeid", "usrgrpid", "roleid")}
    ins = [
        (config_inputs(s), {"kind": "routing", "site": s.id, "routing_key": f"key-{s.id}", **ids})
        for s in sites
    ]
    created = measure(
        f"create ({auth})", lambda: [(p.create(c), p.create(r)) for c, r in ins], n, rows
    )
    measure(
        f"no-op re-apply: diff ({auth})",
        lambda: [
            (p.diff(c.id, c.outs, ci), p.diff(r.id, r.outs, ri))
            for (c, r), (ci, ri) in zip(created, ins, strict=True)
        ],
        n,
        rows,
    )
    measure(
        f"refresh: read ({auth})",
        lambda: [(p.read(c.id, c.outs), p.read(r.id, r.outs)) for c, r in created],
        n,
        rows,
    )
    changed = [
        config_inputs(
            replace(
                s, urls=(replace(s.urls[0], thresholds={"response_time_seconds": Threshold(4, 9)}),)
            )
        )
        for s in sites
    ]
    updated = measure(
        f"threshold change: update ({auth})",
        lambda: [p.update(c.id, c.outs, ci) for (c, _), ci in zip(created, changed, strict=True)],
        n,
        rows,
    )
    measure(
        f"delete ({auth})",
        lambda: [
            (p.delete(r.id, r.outs), p.delete(c.id, u.outs))
            for (c, r), u in zip(created, updated, strict=True)
        ],
        n,
        rows,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, nargs="*", default=[1, 10])
    args = parser.parse_args()
    rows: list = []
    creds = zapi.resolve_credentials()
    s = zapi.session(creds)
    token_id = s.call(
        "token.create", {"name": f"bench-{time.time_ns()}", "userid": "1"}, what="bench token"
    )["tokenids"][0]
    token = s.call("token.generate", [token_id], what="bench token")[0]["token"]

    for n in args.sites:
        run(n, "password", rows)
        saved = {k: os.environ.pop(k) for k in ("ZABBIX_USER", "ZABBIX_PASSWORD")}
        os.environ["ZABBIX_API_TOKEN"] = token
        try:
            run(n, "token", rows)
        finally:
            os.environ.pop("ZABBIX_API_TOKEN")
            os.environ.update(saved)
    print(f"Zabbix {s.version} at {creds.url}")
    print("| phase | sites | API calls | per site | seconds | methods |")
    print("|---|---:|---:|---:|---:|---|")
    for label, n, calls, per, secs, methods in rows:
        m = ", ".join(f"{k}×{v}" for k, v in sorted(methods.items()))
        print(f"| {label} | {n} | {calls} | {per:.1f} | {secs:.2f} | {m} |")


if __name__ == "__main__":
    main()
