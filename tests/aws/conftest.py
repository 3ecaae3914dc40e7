"""Plans of the example and of a generated 100-site inventory, and moto's server on loopback."""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from vigil.aws import Context

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class AwsResource:
    type: str
    name: str
    inputs: dict[str, Any]  # secrets revealed (offline fake values)
    ctx: Context


def aws_resources(recording: Any) -> list[AwsResource]:
    """Every aws:* resource of a recorded plan with its provider's region and account."""
    by_urn = {r.urn: r for r in recording.resources}
    out = []
    for r in recording.resources:
        if not r.type.startswith("aws:"):
            continue
        provider = by_urn[r.provider]  # vigil never uses the default provider
        accounts = provider.inputs.get("allowedAccountIds")
        if isinstance(accounts, str):
            accounts = json.loads(accounts)
        inputs = r.values
        region = inputs.get("region") or provider.inputs["region"]
        out.append(AwsResource(r.type, r.name, inputs, Context(region, accounts[0])))
    return out


def generate_inventory(root: Path, sites: int) -> Path:
    """The benchmark's realistic synthetic inventory (ALB/EC2/ASG/RDS/cache mixes, 3 regions)."""
    bench = ROOT / "bench" / "validate_bench.py"
    spec = importlib.util.spec_from_file_location("validate_bench", bench)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    (root / "sites").mkdir(parents=True, exist_ok=True)
    module.generate(root, sites)
    return root


@pytest.fixture(scope="session")
def example_plan():
    from vigil.plan.service import run_plan

    return run_plan(ROOT, "dev")


@pytest.fixture(scope="session")
def fleet_plan(tmp_path_factory):
    from vigil.plan.service import run_plan

    inventory = generate_inventory(tmp_path_factory.mktemp("fleet"), 100)
    return run_plan(ROOT, "dev", inventory=str(inventory))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    """moto's server mode (a real implementation of the AWS APIs) on a free loopback port."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto server did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
