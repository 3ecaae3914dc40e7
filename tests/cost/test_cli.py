"""`vigil cost` end to end: the real program on a small inventory, figures computed by hand.

The inventory is the example one (its defaults and teams) with one site of ours: two URLs, no
AWS resources. The URL catalog gives each URL three alarms (health status critical; time to
first byte warning and critical), standard resolution; vigil's Route 53 checks are HTTPS with
latency measurement, plus string matching when the URL has required text.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from vigil.cli import main

ROOT = Path(__file__).resolve().parents[2]

SITE = """\
# yaml-language-server: $schema=../../../vigil/schemas/site.schema.json
id: tiny-shop
client: tiny
name: Tiny Shop
tier: bronze
environment: production
owner_team: web
runbook_url: https://runbooks.agency.example/tiny/shop
aws:
  account_id: "444444444444"
  region: {region}
urls:
  - name: home
    url: https://tiny.example/
    required_text: Welcome
  - name: status
    url: https://tiny.example/status
"""
REGION_LINE, REGION_COL = 11, 11  # line 11 "  region: eu-west-1": the value

# By hand, non-AWS endpoints (the default):
#   alarms: 2 URLs × 1 (health_check_status critical) = 2 standard alarm metrics × $0.10 = $0.20
#   health checks: 2 TCP checks, basic (no optional feature: HTTPS, string matching and
#   latency are features of HTTP(S) checks; response time and text are Zabbix's) × $0.75 = $1.50
#   total                                                                                 = $1.70
NON_AWS_TOTAL = 1.70
# AWS endpoints: $0.20 + 2 × $0.50 = $1.20
AWS_TOTAL = 1.20


def inventory(tmp_path: Path, region: str = "eu-west-1") -> Path:
    inv = tmp_path / "inventory"
    shutil.copytree(ROOT / "inventory", inv, ignore=shutil.ignore_patterns("sites"))
    (inv / "sites" / "tiny").mkdir(parents=True)
    (inv / "sites" / "tiny" / "shop.yaml").write_text(SITE.format(region=region))
    return inv


def cost_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code = main(["cost", *argv])
    out = capsys.readouterr()
    return code, json.loads(out.out) if code == 0 else {"stderr": out.err}


@pytest.fixture
def in_docs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT / "docs")  # any directory inside the project


def test_cost_of_the_small_inventory_by_hand(tmp_path, capsys, in_docs):
    inv = str(inventory(tmp_path))
    code, doc = cost_json(capsys, "-s", "dev", "--inventory", inv, "--json")
    assert code == 0
    (site,) = doc["sites"]
    assert site["id"] == "tiny-shop" and site["client"] == "tiny"
    assert site["monthly"] == NON_AWS_TOTAL and doc["monthly"] == NON_AWS_TOTAL
    assert doc["clients"] == [{"id": "tiny", "sites": ["tiny-shop"], "monthly": NON_AWS_TOTAL}]
    lines = {(x["key"], x["region"]): x["quantity"] for x in site["lines"]}
    assert lines == {
        ("cloudwatch.alarm-metric.standard", "us-east-1"): 2,  # Route 53 metrics: us-east-1
        ("route53.health-check.non-aws", "global"): 2,
    }
    assert doc["assumptions"] == {"healthCheckEndpoints": "non-aws", "fallbackRegions": [
        "eu-west-1"  # the site's SNS topics (per-use prices) live there
    ]}
    code, doc = cost_json(capsys, "-s", "dev", "--inventory", inv, "--json",
                          "--health-check-endpoints", "aws")
    assert code == 0 and doc["monthly"] == AWS_TOTAL


def test_cost_text_report(tmp_path, capsys, in_docs):
    assert main(["cost", "--inventory", str(inventory(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "tiny-shop" in out and "$1.70" in out
    assert "total: $1.70 per month (before any free tier)" in out
    assert "CloudWatch standard-resolution alarm metric: 2 × $0.10 = $0.20" in out
    assert "Route 53 optional feature" not in out
    assert "priced at us-east-1 rates: eu-west-1" in out
    assert "never subtracted" in out


def test_cost_json_to_a_file_keeps_the_text_report(tmp_path, capsys, in_docs):
    target = tmp_path / "cost.json"
    assert main(["cost", "--inventory", str(inventory(tmp_path)), "--json", str(target)]) == 0
    assert f"estimate written to {target}" in capsys.readouterr().out
    assert json.loads(target.read_text())["monthly"] == NON_AWS_TOTAL


def test_unknown_region_is_reported_at_its_inventory_line(tmp_path, capsys, in_docs):
    inv = inventory(tmp_path, region="eu-west-9")  # matches the schema's pattern, not AWS
    code, out = cost_json(capsys, "--inventory", str(inv), "--json")
    site_file = inv / "sites" / "tiny" / "shop.yaml"
    assert code == 2
    # validation (botocore's region list) refuses it before anything is priced
    assert out["stderr"].startswith(f"invalid inventory {inv}:\n")
    assert (
        f"  {site_file}:{REGION_LINE}:{REGION_COL}: aws.region: unknown AWS region 'eu-west-9'"
        in out["stderr"]
    )
    assert "Traceback" not in out["stderr"]


def test_unknown_stack_lists_the_known_ones(capsys, in_docs):
    assert main(["cost", "-s", "nope"]) == 2
    assert "unknown stack 'nope' (known: dev," in capsys.readouterr().err


def test_cost_prices_exactly_what_the_plan_records(capsys, in_docs):
    """Counts come from the plan's recording, not from a second derivation."""
    from vigil.plan.service import run_plan

    plan = run_plan(ROOT, "dev").document
    code, doc = cost_json(capsys, "-s", "dev", "--json")
    assert code == 0
    # CloudWatch bills an alarm per metric it reads: a metric-math alarm, each metric row
    alarms = sum(
        len([q for q in r["inputs"].get("metricQueries") or () if q.get("metric")]) or 1
        for r in plan["resources"]
        if r["type"].endswith("MetricAlarm")
    )
    assert any(r["inputs"].get("metricQueries") for r in plan["resources"]), "no math alarm"
    checks = sum(1 for r in plan["resources"] if r["type"].endswith("HealthCheck"))
    lines = [x for s in doc["sites"] for x in s["lines"]]
    assert sum(x["quantity"] for x in lines if x["key"].startswith("cloudwatch.")) == alarms
    assert sum(x["quantity"] for x in lines if x["key"].startswith("route53.health")) == checks
    # the dead-letter queues are priced per use (SQS requests), never unpriced
    queues = sum(1 for r in plan["resources"] if r["type"] == "aws:sqs/queue:Queue")
    usage = [u for u in doc["usage"] if u["key"] == "sqs.request"]
    assert queues and sum(u["resources"] for u in usage) == queues
    assert doc["unpriced"] in ([], {})
    assert [s["id"] for s in doc["sites"]] == [s["id"] for s in plan["sites"]]
    assert doc["monthly"] == pytest.approx(sum(s["monthly"] for s in doc["sites"]))
    assert doc["monthly"] == pytest.approx(sum(c["monthly"] for c in doc["clients"]))


def test_a_saved_plan_costs_the_same_as_a_live_recording(tmp_path, capsys, in_docs):
    from vigil.plan.report_json import write_plan
    from vigil.plan.service import run_plan

    inv = str(inventory(tmp_path))
    saved = tmp_path / "plan.json"
    write_plan(saved, run_plan(ROOT, "dev", inv).document)
    code, live = cost_json(capsys, "-s", "dev", "--inventory", inv, "--json")
    assert code == 0
    code, from_plan = cost_json(capsys, "--plan", str(saved), "--json")
    assert code == 0
    assert from_plan == live and from_plan["monthly"] == NON_AWS_TOTAL


def test_a_plan_file_that_is_not_a_plan_is_invalid_input(tmp_path, capsys, in_docs):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main(["cost", "--plan", str(bad)]) == 2
    assert f"--plan {bad}:1:2: invalid JSON" in capsys.readouterr().err
    assert main(["cost", "--plan", str(bad), "--inventory", "inventory"]) == 2
    assert "--inventory cannot change it" in capsys.readouterr().err
