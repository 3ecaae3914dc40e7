"""Mutated site files end in a clean InventoryError or a valid inventory — never a crash."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.inventory.conftest import EXAMPLE
from vigil.inventory import InventoryError, load_inventory
from vigil.models import Inventory

SITES = sorted(p.relative_to(EXAMPLE).as_posix() for p in EXAMPLE.glob("sites/*/*.yaml"))
ODD_VALUES = st.sampled_from(
    [None, True, 0, -1, 1.5, float("nan"), "", "x", "18:00", [], {}, [1, "a"], {"a": {"b": 1}},
     "i-123", "arn:aws:x", "https://", "Europe/Nowhere"]
)  # fmt: skip


def _paths(data: object, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            out += _paths(value, (*prefix, index))
    return out


def _set(data: dict, path: tuple, value: object, drop: bool) -> None:
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    if drop:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    """A site file with one structural or byte-level mutation."""
    rel = draw(st.sampled_from(SITES))
    text = (EXAMPLE / rel).read_text()
    kind = draw(st.sampled_from(["drop", "retype", "duplicate", "garble", "truncate", "insert"]))
    if kind in ("drop", "retype"):
        data = yaml.safe_load(text)
        paths = [p for p in _paths(data) if p]
        path = draw(st.sampled_from(paths))
        _set(data, path, draw(ODD_VALUES), drop=kind == "drop")
        return rel, yaml.safe_dump(data, sort_keys=False).encode()
    lines = text.splitlines(keepends=True)
    if kind == "duplicate":
        index = draw(st.integers(0, len(lines) - 1))
        lines.insert(index, lines[index])
        return rel, "".join(lines).encode()
    raw = bytearray(text.encode())
    if kind == "truncate":
        return rel, bytes(raw[: draw(st.integers(0, len(raw)))])
    if kind == "insert":
        at = draw(st.integers(0, len(raw)))
        chunk = draw(st.sampled_from([b"\t", b": ", b"- ", b"{", b"&a ", b"*a", b"<<: ", b"!!int ", b"\n  ", b"#", b"'"]))  # noqa: E501
        return rel, bytes(raw[:at] + chunk + raw[at:])
    for _ in range(draw(st.integers(1, 5))):
        raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0, 255))
    return rel, bytes(raw)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_site_files_never_crash(case: tuple[str, bytes]) -> None:
    rel, content = case
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "inventory"
        shutil.copytree(EXAMPLE, root)
        (root / rel).write_bytes(content)
        try:
            result = load_inventory(root)
        except InventoryError as exc:
            assert exc.problems
            for problem in exc.problems:
                assert problem.line >= 1 and problem.col >= 1
                assert problem.format().startswith(problem.file)
        else:
            assert isinstance(result, Inventory)
