"""The HTML report: self-contained, with matrix, on-call timelines and alert paths.

The browser test loads the page in a real headless Chromium (Debian's ``chromium``), checks
the rendered DOM and saves a screenshot (kept in ``$VIGIL_SCREENSHOT_DIR`` when set, for CI).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from vigil.plan.alert_paths import site_alert_paths
from vigil.plan.report_html import render
from vigil.plan.service import run_plan

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def page(dev_plan) -> str:
    return render(dev_plan)


def test_page_is_self_contained(page):
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "<script" not in page and "@import" not in page and "url(" not in page


def test_page_has_matrix_timelines_and_paths(page):
    assert 'id="coverage-matrix"' in page and 'data-site="nova-storefront"' in page
    assert 'id="oncall-ops"' in page and 'id="oncall-web"' in page
    assert page.count('class="level"') >= 4  # L1..L4 of the ops team at least
    assert 'id="paths-nova-storefront"' in page


def test_report_of_a_shard_shows_only_the_teams_its_sites_use():
    """``vigil:clients: [bistro]``: the report reads the run's own (sharded) inventory, and
    shows the on-call of the teams that stack pages, not every team of the inventory."""
    shard = run_plan(ROOT, "dev", config={"vigil:clients": ["bistro"]})
    assert {s.client for s in shard.inventory.sites} == {"bistro"}
    html = render(shard)
    assert 'id="oncall-web"' in html
    assert 'id="oncall-ops"' not in html
    assert 'data-site="bistro-booking"' in html and 'data-site="acme-shop"' not in html


def test_report_of_a_program_without_inventory_says_so(fixture_plan):
    html = render(fixture_plan)
    assert 'class="oncall"' not in html and "no vigil inventory in this run" in html


def test_alert_path_follows_alarm_topic_subscription_service_escalation(fixture_plan):
    paths = site_alert_paths(fixture_plan.graph)["demo-site0"]
    cw = next(p for p in paths if p.source.startswith("CloudWatch"))
    labels = [s.label for s in cw.steps]
    assert labels[0] == "1 CloudWatch alarm(s)"
    assert "https subscription" in labels
    assert "PagerDuty service demo-site0" in labels
    assert "escalation ops gold" in labels


def _chromium(*args: str, tmp: Path) -> subprocess.CompletedProcess:
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp / 'profile'}",
    ]
    return subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=120)


@pytest.mark.browser
def test_report_renders_in_headless_chromium(page, tmp_path):
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is required in CI (apt-get install chromium)")
        pytest.skip("chromium not installed")
    html = tmp_path / "plan.html"
    html.write_text(page, encoding="utf-8")
    dom = _chromium("--dump-dom", html.as_uri(), tmp=tmp_path)
    assert dom.returncode == 0, dom.stderr
    assert 'id="coverage-matrix"' in dom.stdout
    assert dom.stdout.count('class="oncall"') == 2
    assert "bistro-booking" in dom.stdout
    shot = tmp_path / "plan.png"
    run = _chromium(f"--screenshot={shot}", "--window-size=1400,2000", html.as_uri(), tmp=tmp_path)
    assert run.returncode == 0, run.stderr
    assert shot.stat().st_size > 10_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("VIGIL_SCREENSHOT_DIR"):
        out = Path(os.environ["VIGIL_SCREENSHOT_DIR"])
        out.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, out / "plan-report.png")


def test_escalation_timeline_in_json_terminal_and_html(dev_plan, page, capsys):
    from vigil.cli import main

    policies = [f"{t['team']}-{t['tier']}" for t in dev_plan.document["escalation"]]
    assert policies == ["ops-gold", "ops-silver", "web-bronze"]
    gold = dev_plan.document["escalation"][0]
    assert [(p["level"], p["minute"]) for p in gold["pages"] if p["loop"] == 1] == [
        ("L1", 0), ("L2", 5), ("L3", 20), ("L4", 50)]
    assert gold["autoResolveMinutes"] is None and gold["cutByAutoResolve"] is False
    assert 'id="escalation"' in page and 'data-policy="ops-gold"' in page
    assert "loop 2: L1 80′ → L2 85′ → L3 100′ → L4 130′" in page
    assert main(["plan", "--stack", "dev"]) == 0
    out = capsys.readouterr().out
    assert "ops-gold (SLA 5 min): L1 0′ · L2 5′ · L3 20′ · L4 50′" in out


def test_oncall_shows_everyone_paged_and_off_hours(dev_plan):
    from datetime import date

    from vigil.oncall_calendar import Horizon
    from vigil.plan.report_html import oncall_section

    html = oncall_section(dev_plan.inventory, Horizon(date(2026, 1, 5), months=1))
    # 21:00 UTC in January: Sydney (APAC, 08:00) and New York (AMER, 16:00) both on call
    ops = html[html.index('id="oncall-ops"'):html.index('id="oncall-web"')]
    both = re.search(r'data-people="2" title="Mon 21:00 ([^"]+)"', ops)
    assert both and both.group(1) == "Mia Chen, Ava Johnson"
    web = html[html.index('id="oncall-web"'):]
    # the web team serves only a business-hours tier: its nights are not gaps
    assert 'title="Mon 03:00 outside support hours"' in web
    assert 'class="h gap' not in web
    assert re.search(r'title="Mon 09:00 (Ella Baker|Finn Meyer)"', web)
