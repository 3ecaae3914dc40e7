"""Bad stack config: exit 2 and ``FILE:LINE:COL:`` messages, as for inventory errors, never a
traceback. Each case runs the real ``vigil plan`` on a copy of the project with one stack file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.inventory.test_hostile_yaml import billion_laughs

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
STACK = "stacks/Pulumi.x.yaml"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The real project (program, inventory, policies) with an empty stacks/ folder."""
    proj = tmp_path / "proj"
    proj.mkdir()
    for entry in ROOT.iterdir():
        if entry.name not in ("stacks", ".git", "out") and not entry.name.startswith("."):
            (proj / entry.name).symlink_to(entry)
    (proj / ".venv").symlink_to(ROOT / ".venv")
    (proj / "stacks").mkdir()
    return proj


def plan(project: Path, stack_text: str) -> subprocess.CompletedProcess[str]:
    (project / STACK).write_text(stack_text)
    return subprocess.run(
        [sys.executable, "-m", "vigil.cli", "plan", "--stack", "x", "--project", str(project)],
        cwd=project,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def assert_invalid(result: subprocess.CompletedProcess[str], *lines: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    for line in lines:
        assert line in result.stderr, result.stderr


def test_unknown_key_names_the_stack_file_line(project: Path) -> None:
    result = plan(project, "config:\n  aws:region: eu-west-1\n  vigil:grafanaURL: https://g.x\n")
    assert_invalid(
        result,
        f"{STACK}:3:3: vigil:grafanaURL: unknown stack config key; did you mean "
        "'vigil:grafanaUrl'?",
    )


def test_unknown_client_names_the_stack_file_line(project: Path) -> None:
    result = plan(project, "config:\n  vigil:clients:\n    - acme\n    - acne\n")
    assert_invalid(
        result, f"{STACK}:4:7: vigil:clients[1]: unknown client 'acne'; did you mean 'acme'?"
    )


def test_yaml_syntax_error_in_the_stack_file(project: Path) -> None:
    result = plan(project, "config:\n  vigil:clients: [acme\n  aws:region: eu-west-1\n")
    assert_invalid(result, f"{project / STACK}:3:")
    assert "YAML syntax error" in result.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("config: [1, 2]\n", ":1:9: config: expected a mapping of config keys"),
        ("- config\n", ":1:1: expected a mapping of keys"),
        ("config:\n  vigil:inventory: !!python/object:os.system {}\n",
         ":2:20: config.vigil:inventory: YAML tag '!!python/object:os.system' is not allowed"),
        ("config:\n  x: 1\n  x: 2\n",
         ":3:3: config.x: duplicate key 'x' (first defined on line 2)"),
    ],
)  # fmt: skip
def test_malformed_stack_files(project: Path, text: str, expected: str) -> None:
    assert_invalid(plan(project, text), f"{project / STACK}{expected}")


def test_alias_bomb_in_the_stack_file_is_refused(project: Path) -> None:
    bomb = "config:\n" + "".join(f"  {line}\n" for line in billion_laughs().splitlines())
    assert_invalid(plan(project, bomb), f"{project / STACK}:6:13: alias '*d' expands the file")


def test_empty_stack_file_is_a_stack_with_defaults(project: Path) -> None:
    """Pulumi reads an empty stack file as no config; vigil does the same (not an error)."""
    result = plan(project, "")
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
