"""The plan counts a Grafana alert path only where a Grafana rule routed to the site exists.

Real program and example inventory (`vigil plan --stack dev`, Grafana managed), then the same
plan saved and edited the way a broken program would leave it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.grafana.conftest import ROOT
from vigil import resource_types as rt
from vigil.plan.alert_paths import site_alert_paths
from vigil.plan.coverage import site_coverage
from vigil.plan.policy_eval import evaluate, graph_of, has_mandatory
from vigil.plan.report_json import read_plan, write_plan

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def dev_plan():
    from vigil.plan.service import run_plan

    return run_plan(ROOT, "dev")


def _grafana_path(graph, site_id: str):
    return next(p for p in site_alert_paths(graph)[site_id] if p.source == "Grafana")


def test_every_site_has_a_complete_grafana_path_through_its_rules(dev_plan):
    rules_per_site: dict[str, int] = {}
    for res in dev_plan.document["resources"]:
        if res["type"] == rt.GRAFANA_RULE_GROUP:
            # monitoring health + pagerduty delivery (dead-letter queues): every rule routed
            site = res["site"]
            rules_per_site[site] = rules_per_site.get(site, 0) + len(res["inputs"]["rules"])
    coverage = {c.id: c.coverage["grafana"] for c in site_coverage(dev_plan.graph)}
    assert coverage == rules_per_site and all(n > 0 for n in coverage.values())
    for site_id, count in rules_per_site.items():
        path = _grafana_path(dev_plan.graph, site_id)
        assert path.complete, path
        labels = [s.label for s in path.steps]
        assert labels[0] == f"{count} Grafana alert rule(s) (site={site_id})"
        assert labels[1] == f"route site={site_id} → {site_id}-pagerduty"
        assert labels[2] == f"contact point {site_id}-pagerduty"
    assert not has_mandatory(dev_plan.violations)


def _edited(dev_plan, tmp_path: Path, edit) -> tuple:
    path = tmp_path / "plan.json"
    write_plan(path, dev_plan.document)
    doc = json.loads(path.read_text())
    doc["resources"] = [r for r in doc["resources"] if edit(r) is not False]
    path.write_text(json.dumps(doc))
    _, recording = read_plan(path)
    return graph_of(recording), evaluate(recording, dev_plan.policy_set)


def test_without_rules_the_grafana_path_is_not_counted(dev_plan, tmp_path):
    """A dashboard and contact point alone: the path breaks at its first step, coverage
    counts 0 for Grafana and every-site-covered is violated (mandatory)."""
    graph, found = _edited(
        dev_plan,
        tmp_path,
        lambda r: not (r["type"] == rt.GRAFANA_RULE_GROUP and r["site"] == "acme-shop"),
    )
    path = _grafana_path(graph, "acme-shop")
    assert not path.complete and not path.steps[0].ok
    assert path.steps[0].label == "0 Grafana alert rule(s) (site=acme-shop)"
    coverage = {c.id: c for c in site_coverage(graph)}
    assert coverage["acme-shop"].coverage["grafana"] == 0
    assert any(
        "a Grafana alert rule labelled site=acme-shop" in g for g in coverage["acme-shop"].gaps
    )
    violations = [v for v in found if v.policy == "every-site-covered"]
    assert [v.site for v in violations] == ["acme-shop"] and violations[0].level == "mandatory"


def test_a_rule_without_its_route_breaks_the_path(dev_plan, tmp_path):
    def drop_route(res):
        if res["type"] == rt.GRAFANA_NOTIFICATION_POLICY:
            res["inputs"]["policies"] = [
                p for p in res["inputs"]["policies"] if p["matchers"][0]["value"] != "nova-api"
            ]
        return True

    graph, _ = _edited(dev_plan, tmp_path, drop_route)
    path = _grafana_path(graph, "nova-api")
    assert not path.complete
    assert path.steps[1].label == "no route for site=nova-api in the notification policy"
