"""The user-facing GitHub workflows are valid against GitHub's workflow JSON schema and keep
their promises: the offline plan needs no secrets, preview comments, main deploys."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

WORKFLOWS = sorted((Path(__file__).resolve().parents[2] / ".github" / "workflows").glob("*.yml"))


def _load(name: str) -> dict:
    doc = yaml.safe_load(next(p for p in WORKFLOWS if p.name == name).read_text())
    doc["on"] = doc.pop(True, doc.get("on"))  # YAML 1.1 reads the key `on` as True
    return doc


def test_workflows_match_the_github_workflow_schema():
    try:
        import check_jsonschema  # noqa: F401
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("check-jsonschema is required in CI (requirements-dev.txt)")
        pytest.skip("check-jsonschema not installed")
    assert WORKFLOWS
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            *map(str, WORKFLOWS),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_offline_plan_job_uses_no_secrets():
    doc = _load("pull-request.yml")
    assert "pull_request" in doc["on"]
    plan = doc["jobs"]["plan"]
    assert "secrets." not in yaml.safe_dump(plan)
    assert any("make plan" in step.get("run", "") for step in plan["steps"])


def test_preview_comments_with_policy_pack_and_skips_forks():
    preview = _load("pull-request.yml")["jobs"]["preview"]
    assert "head.repo.full_name == github.repository" in preview["if"]
    step = next(s for s in preview["steps"] if s.get("uses", "").startswith("pulumi/actions@"))
    assert step["with"]["command"] == "preview"
    assert step["with"]["policyPacks"] == "policies"
    assert step["with"]["comment-on-pr"] is True


def test_review_comment_is_posted_even_when_plan_or_preview_fail():
    """The sticky comment (plan summary + vigil diff) runs on failure too, not only on success."""
    doc = _load("pull-request.yml")
    plan_steps = doc["jobs"]["plan"]["steps"]
    diff_step = next(s for s in plan_steps if "vigil diff" in s.get("run", ""))
    assert diff_step["if"] == "always()"
    preview = doc["jobs"]["preview"]
    assert preview["if"].startswith("always() &&")
    sticky = "marocchino/sticky-pull-request-comment"
    comment = next(s for s in preview["steps"] if s.get("uses", "").startswith(sticky))
    assert comment["if"] == "always()"
    body = next(s for s in preview["steps"] if "comment.md" in s.get("run", ""))
    assert "summary.txt" in body["run"] and "diff.md" in body["run"]
    pulumi = next(s for s in preview["steps"] if s.get("uses", "").startswith("pulumi/actions@"))
    assert pulumi["with"]["always-include-summary"] is True


def test_main_runs_pulumi_up():
    doc = _load("deploy.yml")
    assert doc["on"]["push"]["branches"] == ["main"]
    step = next(s for s in doc["jobs"]["up"]["steps"] if s.get("with", {}).get("command"))
    assert step["with"]["command"] == "up"


# --- the fleet: shared stack first, one job per site stack, previews only what a change touches


def test_deploy_runs_the_shared_stack_then_a_matrix_of_site_stacks_then_the_routes():
    jobs = _load("deploy.yml")["jobs"]
    fleet_run = "\n".join(s.get("run", "") for s in jobs["fleet"]["steps"])
    assert "make fleet-check" in fleet_run
    assert "vigil fleet stacks --json out/stacks.json" in fleet_run
    assert ".site_stacks" in fleet_run and ".shared" in fleet_run
    assert jobs["shared"]["needs"] == "fleet"
    assert jobs["up"]["needs"] == ["fleet", "shared"]
    assert "needs.shared.result != 'failure'" in jobs["up"]["if"]
    assert jobs["up"]["strategy"]["matrix"]["stack"] == "${{ fromJSON(needs.fleet.outputs.sites) }}"
    assert jobs["up"]["strategy"]["fail-fast"] is False
    assert jobs["routes"]["needs"] == ["fleet", "shared", "up"]
    for name, stack in (
        ("shared", "needs.fleet.outputs.shared"),
        ("up", "matrix.stack"),
        ("routes", "needs.fleet.outputs.shared"),
    ):
        concurrency = jobs[name]["concurrency"]
        assert concurrency["group"] == f"deploy-${{{{ {stack} }}}}", name  # one run per stack
        assert concurrency["cancel-in-progress"] is False, name  # never cancel a half `up`
        up = next(s for s in jobs[name]["steps"] if s.get("with", {}).get("command") == "up")
        assert up["with"]["policyPacks"] == "policies"


def test_pull_requests_plan_and_preview_only_the_touched_stacks():
    jobs = _load("pull-request.yml")["jobs"]
    touched = next(s for s in jobs["stacks"]["steps"] if s.get("id") == "touched")
    assert "git diff --name-only" in touched["run"]
    assert "vigil fleet stacks --changed out/changed.txt --json out/stacks.json" in touched["run"]
    assert jobs["stacks"]["steps"][0]["with"]["fetch-depth"] == 0
    for name in ("plan", "preview"):
        assert "stacks" in jobs[name]["needs"]
        assert "needs.stacks.outputs.stacks != '[]'" in jobs[name]["if"]
        matrix = jobs[name]["strategy"]["matrix"]["stack"]
        assert matrix == "${{ fromJSON(needs.stacks.outputs.stacks) }}"


def test_the_make_target_the_workflows_run_exists():
    makefile = (WORKFLOWS[0].parents[2] / "Makefile").read_text()
    assert "\nfleet-check: $(STAMP)\n\t$(VENV)/bin/vigil fleet check\n" in makefile
