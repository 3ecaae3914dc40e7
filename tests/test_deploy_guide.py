"""docs/DEPLOY.md can be followed as written: every command in it exists with those flags.

`vigil` commands are parsed by vigil's own parser, `make` targets must exist, and `pulumi`
commands are checked against the Pulumi CLI reference (the subcommands and flags below, from
https://www.pulumi.com/docs/iac/cli/commands/ — e.g. pulumi_stack_init, pulumi_state_move).
Where the Pulumi CLI is installed, the guide's stack set-up also runs against a throwaway
`file://` backend; the CLI cannot be installed on this project's machines, so there that part
is skipped and says so.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from vigil import cli

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "DEPLOY.md"

PULUMI_GLOBAL_FLAGS = frozenset({"-C", "--cwd", "--color", "--non-interactive"})
PULUMI: dict[tuple[str, ...], tuple[frozenset[str], int]] = {
    # (subcommand words) → (flags it takes, most positional arguments)
    ("login",): (frozenset({"--local", "-l", "--cloud-url", "-c", "--default-org"}), 1),
    ("stack", "init"): (
        frozenset({"--secrets-provider", "--copy-config-from", "-s", "--stack", "--no-select"}),
        1,
    ),
    ("stack", "select"): (frozenset({"--create", "-c", "--secrets-provider", "-s", "--stack"}), 1),
    ("stack",): (frozenset({"--show-urns", "-u", "--show-ids", "-i", "-s", "--stack"}), 0),
    ("config", "set"): (frozenset({"--secret", "--plaintext", "--path", "-s", "--stack"}), 2),
    ("install",): (frozenset(), 0),
    ("preview",): (
        frozenset({"--policy-pack", "--policy-pack-config", "-s", "--stack", "--diff",
                   "--refresh", "-r", "--expect-no-changes"}),
        0,
    ),
    ("up",): (
        frozenset({"--policy-pack", "--policy-pack-config", "-s", "--stack", "--yes", "-y",
                   "--refresh", "-r", "--skip-preview", "-f", "--diff", "-m", "--message"}),
        0,
    ),
    ("state", "move"): (frozenset({"--source", "--dest", "--include-parents", "--yes", "-y"}), 99),
    ("state", "delete"): (
        frozenset({"--force", "-s", "--stack", "--target-dependents", "--yes", "-y", "--all"}),
        99,
    ),
}
FLAGS_WITH_VALUE = frozenset(
    {"--secrets-provider", "--copy-config-from", "-s", "--stack", "--policy-pack",
     "--policy-pack-config", "--source", "--dest", "--cloud-url", "--default-org", "-m",
     "--message", "-C", "--cwd", "--color"}
)


def commands() -> list[list[str]]:
    """Every command line of the guide's ``sh`` blocks (comments and exports left out)."""
    blocks = re.findall(r"```sh\n(.*?)```", GUIDE.read_text(), flags=re.S)
    lines = [line.strip() for block in blocks for line in block.splitlines()]
    return [shlex.split(line) for line in lines if line and not line.startswith(("#", "export"))]


def _pulumi_problem(words: list[str]) -> str | None:
    rest = words[1:]
    for length in (2, 1):
        key = tuple(rest[:length])
        if key in PULUMI and all(not w.startswith("-") for w in key):
            flags, max_args = PULUMI[key]
            positional, i = [], length
            while i < len(rest):
                word = rest[i]
                if word.startswith("-"):
                    name = word.split("=", 1)[0]
                    if name not in flags | PULUMI_GLOBAL_FLAGS:
                        return f"pulumi {' '.join(key)} has no flag {name}"
                    i += 2 if name in FLAGS_WITH_VALUE and "=" not in word else 1
                    continue
                positional.append(word)
                i += 1
            if len(positional) > max_args:
                return f"pulumi {' '.join(key)} takes at most {max_args} argument(s)"
            return None
    return f"unknown pulumi command: {' '.join(rest[:2])}"


def test_the_guide_has_commands_of_each_tool():
    tools = {words[0] for words in commands()}
    assert {"make", "pulumi", ".venv/bin/vigil"} <= tools


@pytest.mark.parametrize("words", [w for w in commands() if w[0] == "pulumi"], ids=" ".join)
def test_pulumi_commands_exist_with_those_flags(words):
    assert _pulumi_problem(words) is None, _pulumi_problem(words)


@pytest.mark.parametrize(
    "words", [w for w in commands() if w[0].endswith("vigil")], ids=" ".join
)
def test_vigil_commands_parse(words):
    parser, parsers = cli._parser()
    command = next(c for c in cli.COMMANDS if c.name == words[1])
    cli._configure(command, parsers[command.name])
    parser.parse_args(words[1:])  # argparse exits (fails the test) on a bad flag


@pytest.mark.parametrize("words", [w for w in commands() if w[0] == "make"], ids=" ".join)
def test_make_targets_exist(words):
    run = subprocess.run(["make", "-n", *words[1:]], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_the_checker_rejects_what_the_cli_would():
    assert _pulumi_problem(["pulumi", "stack", "select", "--creat", "dev"])
    assert _pulumi_problem(["pulumi", "stack", "selec", "dev"])
    ok = ["pulumi", "up", "--stack", "dev", "--policy-pack", "p", "--yes"]
    assert _pulumi_problem(ok) is None


def test_example_stacks_spanning_accounts_assume_a_role():
    """The guide's AWS section: a stack whose sites live in several accounts needs
    vigil:awsRoleName, or every provider but the caller's own account fails."""
    import yaml

    for stack_file in sorted((ROOT / "stacks").glob("Pulumi.*.yaml")):
        config = (yaml.safe_load(stack_file.read_text()) or {}).get("config") or {}
        if config.get("vigil:fleetRole") == "shared":  # no sites, no AWS resources
            assert "vigil:awsRoleName" not in config, stack_file.name
            continue
        assert config.get("vigil:awsRoleName") == "vigil-monitoring", stack_file.name


@pytest.mark.skipif(shutil.which("pulumi") is None, reason="Pulumi CLI not installed here")
def test_stack_setup_runs_against_a_file_backend(tmp_path):
    env = {**os.environ, "PULUMI_CONFIG_PASSPHRASE": "test-passphrase",
           "PULUMI_BACKEND_URL": f"file://{tmp_path}", "PULUMI_SKIP_UPDATE_CHECK": "true"}
    for words in commands():
        if words[:2] in (["pulumi", "stack"], ["pulumi", "config"]) and "--show-urns" not in words:
            subprocess.run(words, cwd=ROOT, env=env, check=True, capture_output=True)
