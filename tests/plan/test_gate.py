"""The coverage gate: gaps fail the plan unless the stack waives the tool, and every skip reason
and manual step reaches the summary and the JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.plan.test_stack_config_errors import ENV, STACK, project  # noqa: F401  (fixture)
from vigil.inventory import load_inventory
from vigil.plan.coverage import SiteCoverage
from vigil.plan.gate import UNWATCHED_DEAD_LETTERS, Note, apply_gate, tool_of
from vigil.settings import StackSettings, parse_stack_settings

ROOT = Path(__file__).resolve().parents[2]


def settings(**config: object) -> StackSettings:
    raw = {k: v if isinstance(v, str) else json.dumps(v) for k, v in config.items()}
    return parse_stack_settings(raw, seal=lambda v: v, env={})


def sites(*ids: str) -> list[SiteCoverage]:
    return [SiteCoverage(site_id, "acme", "gold") for site_id in ids]


GRAFANA_ON = {"grafana:url": "https://g.example", "vigil:grafana": {"enabled": True}}
ZABBIX_ON = {"vigil:zabbixUrl": "https://z.example"}


def test_every_tool_deployed_and_no_gap_passes() -> None:
    found = sites("a", "b")
    gate = apply_gate(found, settings(**GRAFANA_ON, **ZABBIX_ON))
    assert gate.passed and gate.notes == () and [s.gaps for s in found] == [[], []]


def test_a_tool_not_deployed_is_a_gap_on_every_site() -> None:
    found = sites("a", "b")
    gate = apply_gate(found, settings(**GRAFANA_ON))
    assert not gate.passed and gate.failing == ("a", "b")
    assert [s.gaps for s in found] == [
        [
            "no Zabbix: this stack does not deploy it (see notes); set it up, or declare "
            "vigil:outOfScope.zabbix for this site"
        ]
    ] * 2
    assert gate.notes == (
        Note(
            "skipped",
            "zabbix",
            "Zabbix skipped: no vigil:zabbixUrl in the stack config and no ZABBIX_URL in the "
            "environment. Templates, hosts and web checks not managed.",
        ),
    )


def test_out_of_scope_waives_only_the_named_sites_and_tool() -> None:
    found = sites("a", "b")
    found[1].gaps.append("a Zabbix web scenario (add a url to sites/acme/b.yaml)")
    found[1].gaps.append("a CloudWatch URL check (add a url to sites/acme/b.yaml)")
    scope = {"grafana": {"sites": ["b"], "reason": "client's own Grafana"}}
    gate = apply_gate(found, settings(**ZABBIX_ON, **{"vigil:outOfScope": scope}))
    a, b = found
    assert a.gaps == [
        "no Grafana: this stack does not deploy it (see notes); set it up, or declare "
        "vigil:outOfScope.grafana for this site"
    ]
    assert [tool for tool, _, _ in b.waived] == ["grafana"]
    assert b.gaps == [
        "a Zabbix web scenario (add a url to sites/acme/b.yaml)",
        "a CloudWatch URL check (add a url to sites/acme/b.yaml)",
    ]  # Zabbix is not waived for b, and CloudWatch never can be
    assert gate.failing == ("a", "b")


def test_star_waives_every_site_and_the_gate_passes() -> None:
    found = sites("a", "b")
    scope = {
        "zabbix": {"sites": ["*"], "reason": "no Zabbix in this shard"},
        "grafana": {"sites": ["*"], "reason": "no Grafana in this shard"},
    }
    gate = apply_gate(found, settings(**{"vigil:outOfScope": scope}))
    assert gate.passed
    assert [(s.id, [(t, r) for t, _, r in s.waived]) for s in found] == [
        (site, [("grafana", "no Grafana in this shard"), ("zabbix", "no Zabbix in this shard")])
        for site in ("a", "b")
    ]
    assert [n.kind for n in gate.notes] == ["skipped", "manual", "skipped"]  # still said
    # without Grafana nothing watches the SNS dead-letter queues: said, not a gap
    assert gate.notes[1] == Note("manual", "grafana", UNWATCHED_DEAD_LETTERS)
    assert "dead-letter" in UNWATCHED_DEAD_LETTERS


def test_external_notification_policy_lists_the_routes_to_add() -> None:
    config = {"grafana:url": "https://g.example"}
    config["vigil:grafana"] = {"enabled": True, "notificationPolicy": "external"}  # type: ignore[assignment]
    gate = apply_gate(sites("b", "a"), settings(**config, **ZABBIX_ON))
    assert [n.message for n in gate.notes if n.kind == "manual"] == [
        "Grafana notification policy is external: add the route site=a → contact point "
        "a-pagerduty to the existing tree",
        "Grafana notification policy is external: add the route site=b → contact point "
        "b-pagerduty to the existing tree",
    ]


def test_gaps_are_attributed_to_the_tool_they_name() -> None:
    assert tool_of("a Zabbix web scenario (add a url to x)") == "zabbix"
    assert tool_of("a PagerDuty grafana integration on its service") == "grafana"
    assert tool_of("a CloudWatch URL check (add a url to x)") is None
    assert tool_of("a PagerDuty service (check owner_team and tier in x)") is None


@pytest.mark.parametrize(
    ("scope", "message"),
    [
        ({"zabbix": {"sites": ["*"]}},
         "vigil:outOfScope.zabbix: needs a reason: why this stack does not provide it (the "
         "report shows it)"),
        ({"zabbix": {"reason": "r"}},
         "vigil:outOfScope.zabbix: needs sites: the site ids, or ['*'] for every site"),
        ({"zabbix": {"sites": ["*", "a"], "reason": "r"}},
         "vigil:outOfScope.zabbix.sites: '*' (every site) stands alone"),
        ({"pagerduty": {"sites": ["*"], "reason": "r"}},
         "vigil:outOfScope.pagerduty: unknown key; known: grafana, zabbix"),
    ],
)  # fmt: skip
def test_waivers_must_be_explicit(scope: dict, message: str) -> None:
    from vigil.settings import SettingsError

    with pytest.raises(SettingsError) as err:
        settings(**{"vigil:outOfScope": scope})
    assert list(err.value.problems) == [message]


# --------------------------------------------------------------------------- end to end


def plan(project: Path, text: str, *args: str) -> subprocess.CompletedProcess[str]:  # noqa: F811
    (project / STACK).write_text(text)
    env = {k: v for k, v in ENV.items() if k not in ("ZABBIX_URL", "GRAFANA_AUTH", "GRAFANA_URL")}
    return subprocess.run(
        [sys.executable, "-m", "vigil.cli", "plan", "--stack", "x", "--project", str(project),
         *args],
        cwd=project, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_stack_without_zabbix_and_grafana_fails_the_gate(project: Path, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "plan.json"
    result = plan(project, "config:\n  aws:region: eu-west-1\n", "--json", str(out))
    assert result.returncode == 1, result.stderr
    assert "coverage gate: failed: 6 site(s) with gaps" in result.stdout
    assert "  - Zabbix skipped: no vigil:zabbixUrl" in result.stdout
    assert "  - Grafana skipped: Grafana not configured" in result.stdout
    doc = json.loads(out.read_text())
    assert doc["gate"]["passed"] is False and len(doc["gate"]["sitesWithGaps"]) == 6
    skipped = [n for n in doc["notes"] if n["kind"] == "skipped"]
    assert sorted(n["tool"] for n in skipped) == ["grafana", "zabbix"]
    # the example's unsized alarms are notes too (never gaps)
    assert {n["tool"] for n in doc["notes"] if n["kind"] == "unsized"} == {"cloudwatch"}
    assert all(len(s["gaps"]) == 2 for s in doc["sites"])


def test_declared_out_of_scope_passes_and_says_so(project: Path, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "plan.json"
    text = (
        "config:\n  aws:region: eu-west-1\n  vigil:outOfScope:\n"
        "    zabbix: {sites: ['*'], reason: the client's own Zabbix watches the servers}\n"
        "    grafana: {sites: ['*'], reason: no Grafana in this shard}\n"
    )
    html = tmp_path / "plan.html"
    result = plan(project, text, "--json", str(out), "--html", str(html))
    assert result.returncode == 0, result.stdout + result.stderr
    page = html.read_text()
    assert '<p id="gate" class="ok">Coverage gate passed.</p>' in page
    assert "Zabbix out of scope for acme-shop: the client&#x27;s own Zabbix watches" in page
    assert "<li>Grafana skipped: Grafana not configured" in page
    assert (
        "  - Zabbix for every site (vigil:outOfScope.zabbix): the client's own Zabbix watches "
        "the servers" in result.stdout
    )
    assert "coverage gate: passed" in result.stdout
    doc = json.loads(out.read_text())
    assert doc["gate"] == {"passed": True, "sitesWithGaps": []}
    assert {w["tool"] for s in doc["sites"] for w in s["outOfScope"]} == {"grafana", "zabbix"}
    check = subprocess.run(
        [sys.executable, "-m", "vigil.cli", "check", str(out), "--project", str(project)],
        cwd=project, env=ENV, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr


def test_unknown_site_in_a_waiver_names_its_line(project: Path) -> None:  # noqa: F811
    text = (
        "config:\n  vigil:outOfScope:\n    zabbix:\n      sites:\n        - acme-shop\n"
        "        - acme-shp\n      reason: r\n"
    )
    result = plan(project, text)
    assert result.returncode == 2
    assert (
        f"{STACK}:6:11: vigil:outOfScope.zabbix.sites[1]: 'acme-shp' is not a site of this "
        "stack; did you mean 'acme-shop'?" in result.stderr
    )


def test_example_stacks_pass_the_gate_and_the_fleet_needs_no_manual_route() -> None:
    """A fleet site stack lists no manual Grafana route: the shared stack's tree routes its
    sites (tests/fleet/test_shared_tree.py); `external` still lists them (above)."""
    from vigil.plan.service import run_plan

    dev = run_plan(ROOT, "dev")
    assert dev.gate.passed
    assert dev.gate.notes and {n.kind for n in dev.gate.notes} == {"unsized"}
    prod = run_plan(ROOT, "prod-eu-1")
    assert prod.gate.passed and len(prod.sites) == 4
    assert [n for n in prod.gate.notes if n.kind == "manual"] == []
    assert prod.document["notes"] == [n.as_json() for n in sorted(prod.gate.notes)]


def test_unsized_thresholds_are_notes_of_the_plan() -> None:
    """acme-shop's RDS has no instance_class and its Redis no node_type: the plan says which
    alarms are therefore absolute; acme-b2b's sized database is not listed."""
    inventory = load_inventory(ROOT / "inventory")
    gate = apply_gate(sites("acme-shop"), settings(**GRAFANA_ON, **ZABBIX_ON), inventory)
    unsized = [n for n in gate.notes if n.kind == "unsized"]
    assert unsized and all(n.tool == "cloudwatch" for n in unsized)
    text = "\n".join(n.message for n in unsized)
    assert "acme-shop: rds.database_connections on acme-shop-db is unsized (no instance_cl" in text
    assert "elasticache.cpu_utilization on acme-shop-redis-001" in text
    assert "acme-b2b-db" not in text
    assert gate.passed  # a note, not a gap
