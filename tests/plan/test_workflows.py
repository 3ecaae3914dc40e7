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
    step = next(s for s in doc["jobs"]["up"]["steps"] if s.get("uses", "").startswith("pulumi/"))
    assert step["with"]["command"] == "up"
