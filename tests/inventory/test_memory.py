"""Peak memory of ``vigil validate`` stays under 200 MB on any input (a bound, not a timing).

Each case runs ``vigil validate`` in a fresh subprocess and reads its peak resident size
(``resource.getrusage``), so the figure is the whole process: interpreter, imports, data.
The inputs are the worst the loader's bounds allow: an alias bomb, a file at the byte limit,
one at the nesting limit, and a whole inventory of valid sites filling the node budget.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE
from tests.inventory.test_hostile_yaml import billion_laughs
from vigil.inventory import MAX_INVENTORY_NODES
from vigil.inventory.yaml_source import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES

LIMIT_MB = 200
# The peak is read by a small launcher as RUSAGE_CHILDREN of a fresh ``vigil validate`` process:
# Linux carries the RSS high-water mark of a process image across exec into RUSAGE_SELF, so a
# process forked from pytest (hundreds of MB after the fuzzers) would report pytest's size.
LAUNCH = (
    "import json, resource, subprocess, sys\n"
    "run = subprocess.run([sys.executable, '-m', 'vigil.cli', 'validate', '--json', sys.argv[1]],"
    " capture_output=True, text=True)\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"  # KiB on Linux
    "sys.stdout.write(run.stdout)\n"
    "print(json.dumps({'code': run.returncode, 'peak_mb': peak}), file=sys.stderr)\n"
)


def validate_peak(root: Path) -> tuple[int, float, dict]:
    """Exit code, peak resident MB and JSON report of ``vigil validate --json root``."""
    result = subprocess.run(
        [sys.executable, "-c", LAUNCH, str(root)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    measured = json.loads(result.stderr.strip().splitlines()[-1])
    return measured["code"], measured["peak_mb"], json.loads(result.stdout)


def big_site(index: int, urls: int) -> str:
    """A valid site with ``urls`` URL checks (5 YAML nodes each)."""
    text = (EXAMPLE / "sites/bistro/website.yaml").read_text()
    text = text.replace("id: bistro-website", f"id: bistro-big{index}")
    checks = "".join(f"  - name: u{j}\n    url: https://www.big.example/{j}\n" for j in range(urls))
    return text.replace("servers:", checks + "servers:")


def test_site_that_fills_the_file_node_bound_is_valid(inv: Path) -> None:
    (inv / "sites/bistro/big0.yaml").write_text(big_site(0, (MAX_NODES - 100) // 5))
    code, peak, report = validate_peak(inv)
    assert code == 0, report["problems"][:3]
    assert peak < LIMIT_MB


def test_inventory_filling_the_node_budget(inv: Path) -> None:
    urls = (MAX_NODES - 100) // 5
    files = MAX_INVENTORY_NODES // (urls * 5 + 100)
    for index in range(files):
        (inv / f"sites/bistro/big{index}.yaml").write_text(big_site(index, urls))
    code, peak, report = validate_peak(inv)
    assert code == 0, report["problems"][:3]
    assert report["summary"]["sites"] == 6 + files
    assert peak < LIMIT_MB
    # one more such file crosses the budget: refused at that file, the rest named as unread
    (inv / f"sites/bistro/big{files}.yaml").write_text(big_site(files, urls))
    code, peak, report = validate_peak(inv)
    assert code == 2
    [problem] = report["problems"]
    order = sorted(str(p) for p in (inv / "sites").glob("*/*.yaml"))  # client, then site
    unread = len(order) - order.index(problem["file"]) - 1
    assert problem["message"] == (
        f"the inventory passes {MAX_INVENTORY_NODES} YAML nodes in all here; {unread} more "
        "site file(s) not read: split it into several inventories (one per stack)"
    )
    assert unread > 0
    assert peak < LIMIT_MB


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(billion_laughs(), id="alias-bomb"),
        pytest.param("x: [" + "1," * (MAX_FILE_BYTES // 2 - 10) + "1]\n", id="byte-limit"),
        pytest.param("[" * MAX_DEPTH + "]" * MAX_DEPTH, id="nesting-limit"),
        pytest.param("a: &a [" + ",".join(["x"] * 1000) + "]\n" + "".join(
            f"b{i}: *a\n" for i in range(MAX_NODES // 1001)), id="aliases-below-the-bound"),
    ],
)  # fmt: skip
def test_hostile_site_file(inv: Path, content: str) -> None:
    shutil.copy(inv / "sites/acme/shop.yaml", inv / "sites/acme/shop2.yaml")
    for name in ("shop.yaml", "shop2.yaml"):
        (inv / "sites/acme" / name).write_text(content)
    code, peak, report = validate_peak(inv)
    assert code == 2 and report["problems"]
    assert peak < LIMIT_MB
