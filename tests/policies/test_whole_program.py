"""The real program under the mock runtime, fed through the whole pack.

The example inventory must come out with zero violations (advisories included); then one link
of the alert path is broken at a time — in the recorded resources, or in a copy of the
inventory when the break starts there — and exactly the policy that guards it must report it.
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from policies import graph as g
from policies.evaluate import Violation, evaluate, resources_from_records
from tests.runtime import run_program
from vigil import program

ROOT = Path(__file__).resolve().parents[2]
Records = list[dict[str, Any]]


def stack_config(inventory: Path) -> dict[str, Any]:
    """``stacks/Pulumi.dev.yaml`` with the inventory path made absolute, plus dummy tool auth."""
    config = yaml.safe_load((ROOT / "stacks" / "Pulumi.dev.yaml").read_text())["config"]
    # no secure values (``{secure: ...}``); objects such as vigil:grafana stay
    config = {k: v for k, v in config.items() if not (isinstance(v, dict) and "secure" in v)}
    config["vigil:inventory"] = str(inventory)
    config.setdefault("grafana:url", "https://grafana.agency.example")
    config.setdefault("grafana:auth", "offline-test-token")
    return config


def record_program(inventory: Path = ROOT / "inventory") -> Records:
    """Every resource the program registers, as plan records (inputs, real values)."""
    recording = run_program(program.main, stack_config(inventory))
    return [
        {
            "urn": r.urn,
            "type": r.type,
            "name": r.name,
            "parent": r.parent,
            "provider": r.provider,
            "inputs": copy.deepcopy(r.values),
        }
        for r in recording.resources
    ]


def check(records: Records) -> list[Violation]:
    return evaluate(resources_from_records(copy.deepcopy(records)))


def only(records: Records, where: Callable[[dict], bool]) -> dict:
    return next(r for r in records if where(r))


@pytest.fixture(scope="module")
def recorded() -> Records:
    return record_program()


@pytest.fixture
def records(recorded: Records) -> Records:
    return copy.deepcopy(recorded)


def _policies(found: list[Violation]) -> set[tuple[str, str]]:
    return {(v.policy, v.level) for v in found}


def test_example_program_has_no_violations(recorded):
    assert check(recorded) == []


def test_the_checks_are_not_vacuous(recorded):
    """The clean run above covered real sites, alarms, schedules and global alarms."""
    types = [r["type"] for r in recorded]
    assert types.count(g.SITE) == 6
    assert types.count(g.METRIC_ALARM) > 50
    assert types.count(g.PD_SCHEDULE) >= 2 and types.count(g.PD_ESCALATION_POLICY) >= 2
    graph = g.Graph(resources_from_records(recorded))
    assert sum(s.support_24x7 for s in graph.sites) >= 2
    assert any(
        g.prop(a.props, "namespace") == "AWS/Route53" and a.provider is not None
        for a in graph.of_type(g.METRIC_ALARM)
    )


def _critical_alarm(records: Records) -> dict:
    return only(records, lambda r: r["type"] == g.METRIC_ALARM and r["name"].endswith("-critical")
                and r["inputs"].get("namespace") != "AWS/Route53")


def test_dropping_ok_actions(records):
    alarm = _critical_alarm(records)
    alarm["inputs"]["okActions"] = []
    found = check(records)
    assert _policies(found) == {("alarm-has-actions", "mandatory")}
    assert alarm["name"] in found[0].message and "OK actions" in found[0].message


def test_removing_the_pagerduty_subscription(records):
    alarm = _critical_alarm(records)
    topic_name = alarm["inputs"]["alarmActions"][0].rsplit(":", 1)[1]
    region = alarm["inputs"]["alarmActions"][0].split(":")[3]
    sub = only(records, lambda r: r["type"] == g.SNS_SUBSCRIPTION
               and r["inputs"]["topic"] == alarm["inputs"]["alarmActions"][0])
    records.remove(sub)
    found = check(records)
    assert _policies(found) == {("alarm-has-actions", "mandatory")}
    assert all(topic_name in v.message and region in v.message for v in found)


def test_wrong_region_for_a_route53_alarm(records):
    alarm = only(records, lambda r: r["type"] == g.METRIC_ALARM
                 and r["inputs"].get("namespace") == "AWS/Route53")
    regional = _critical_alarm(records)
    alarm["provider"] = regional["provider"]
    found = check(records)
    # …and its actions now point at topics in another region than the alarm.
    assert _policies(found) == {("global-metrics-in-us-east-1", "mandatory"),
                                ("aws-api-rules", "mandatory")}
    assert all(alarm["name"] in v.message for v in found)
    assert any("cw-actions-in-alarm-region" in v.message for v in found)


def test_aws_managed_key_on_a_topic(records):
    topic = only(records, lambda r: r["type"] == g.SNS_TOPIC)
    topic["inputs"]["kmsMasterKeyId"] = "alias/aws/sns"
    assert _policies(check(records)) == {("sns-not-aws-managed-key", "mandatory")}


def test_availability_alarm_ignoring_missing_data(records):
    alarm = only(records, lambda r: r["type"] == g.METRIC_ALARM
                 and (r["inputs"].get("tags") or {}).get(g.TAG_AVAILABILITY) == "true")
    alarm["inputs"]["treatMissingData"] = "ignore"
    assert _policies(check(records)) == {("availability-treats-missing-as-breaching", "mandatory")}


def test_escalation_delay_above_sla(records):
    gold = only(records, lambda r: r["type"] == g.PD_ESCALATION_POLICY
                and r["name"].endswith("-gold"))
    gold["inputs"]["rules"][0]["escalationDelayInMinutes"] = 10
    found = check(records)
    assert _policies(found) == {("escalation-within-sla", "mandatory")}
    assert "SLA of 5 min" in found[0].message


def test_missing_tags_are_advisory(records):
    topic = only(records, lambda r: r["type"] == g.SNS_TOPIC)
    del topic["inputs"]["tags"][g.TAG_CLIENT]
    assert _policies(check(records)) == {("required-tags", "advisory")}


def test_unknown_link_during_preview_is_advisory(records):
    service = only(records, lambda r: r["type"] == g.PD_SERVICE)
    service["inputs"]["escalationPolicy"] = g.UNKNOWN
    alarm = _critical_alarm(records)
    alarm["inputs"]["alarmActions"] = [g.UNKNOWN]
    found = check(records)
    assert {v.level for v in found} == {"advisory"}
    assert all("cannot verify until apply" in v.message for v in found)


def _copy_inventory(tmp_path: Path) -> Path:
    inventory = tmp_path / "inventory"
    shutil.copytree(ROOT / "inventory", inventory)
    return inventory


def test_gap_in_a_schedule_is_stopped_by_the_validator(tmp_path):
    """Shorten the APAC layer in teams.yaml: validation names the window before any resource."""
    inventory = _copy_inventory(tmp_path)
    teams_file = inventory / "teams.yaml"
    teams = yaml.safe_load(teams_file.read_text())
    apac = teams["teams"]["ops"]["schedules"]["l1-follow-the-sun"]["layers"][0]
    apac["restrictions"][0]["duration_minutes"] = 360
    teams_file.write_text(yaml.safe_dump(teams, sort_keys=False))
    with pytest.raises(program.InvalidInventory, match=r"UTC"):
        record_program(inventory)


def test_gap_in_a_deployed_schedule(records):
    """A schedule whose APAC layer is shortened in the graph (not the inventory) is reported."""
    schedules = [
        r for r in records
        if r["type"] == g.PD_SCHEDULE and "australia" in r["name"]
    ]
    assert schedules, "the follow-the-sun APAC schedule is in the graph"
    for schedule in schedules:
        for layer in schedule["inputs"]["layers"]:
            for restriction in layer.get("restrictions") or ():
                restriction["durationSeconds"] = 6 * 3600
    found = check(records)
    assert _policies(found) == {("schedules-cover-24x7", "mandatory")}
    assert "leaves nobody on call" in found[0].message and "UTC" in found[0].message


def test_site_without_a_url_check(tmp_path):
    """every-site-covered requires a Route 53 check; vigil validate now rejects such a site
    first (statically, at its line), so the program never records a graph the pack rejects."""
    inventory = _copy_inventory(tmp_path)
    site_file = inventory / "sites" / "acme" / "shop.yaml"
    site = yaml.safe_load(site_file.read_text())
    site.pop("urls")
    site_file.write_text(yaml.safe_dump(site, sort_keys=False))
    with pytest.raises(program.InvalidInventory) as caught:
        record_program(inventory)
    assert "no URL check" in str(caught.value) and "every-site-covered" in str(caught.value)


def test_site_without_health_checks_in_the_recorded_graph(records):
    site = "acme-shop"
    graph = g.Graph(resources_from_records(records))
    info = next(s for s in graph.sites if s.site_id == site)
    doomed = {r.urn for r in graph.descendants(info.resource, g.HEALTH_CHECK)}
    doomed |= {
        a.urn for a in graph.descendants(info.resource, g.METRIC_ALARM)
        if g.prop(a.props, "namespace") == "AWS/Route53"
    }
    records[:] = [r for r in records if r["urn"] not in doomed]
    found = check(records)
    assert _policies(found) == {("every-site-covered", "mandatory")}
    assert "add a url to inventory/sites/acme/shop.yaml" in found[0].message


def test_policy_names_the_real_file_of_a_site_whose_id_differs_from_its_name(tmp_path):
    """``sites/acme/shop.yaml`` holding ``id: acme-webshop``: the file travels with the site
    (``sourceFile``), so the message names shop.yaml, not a file guessed from the id."""
    inventory = _copy_inventory(tmp_path)
    site_file = inventory / "sites" / "acme" / "shop.yaml"
    site_file.write_text(site_file.read_text().replace("id: acme-shop", "id: acme-webshop"))
    records = record_program(inventory)
    (site,) = [r for r in records if r["type"] == g.SITE and r["name"] == "acme-webshop"]
    assert site["inputs"]["sourceFile"] == str(site_file)
    graph = g.Graph(resources_from_records(records))
    info = next(s for s in graph.sites if s.site_id == "acme-webshop")
    doomed = {r.urn for r in graph.descendants(info.resource, g.HEALTH_CHECK)}
    records[:] = [r for r in records if r["urn"] not in doomed]
    (found,) = check(records)
    assert found.policy == "every-site-covered"
    assert f"add a url to {site_file}" in found.message
    assert "webshop.yaml" not in found.message


def test_site_file_is_relative_to_the_project_inside_it(recorded):
    sites = {r["name"]: r["inputs"]["sourceFile"] for r in recorded if r["type"] == g.SITE}
    assert sites["acme-shop"] == "inventory/sites/acme/shop.yaml"
    assert all((ROOT / path).is_file() for path in sites.values())


def _enabled(records: Records, flag: str) -> bool:
    return any(r["type"] == g.SITE and r["inputs"].get(flag) for r in records)


def test_site_without_grafana_dashboard(records):
    if not _enabled(records, "grafanaEnabled"):
        pytest.skip("the program does not deploy Grafana yet")
    dashboard = only(records, lambda r: r["type"] == g.GRAFANA_DASHBOARD)
    records.remove(dashboard)
    found = check(records)
    assert _policies(found) == {("every-site-covered", "mandatory")}
    assert "a Grafana dashboard" in found[0].message


def test_site_without_zabbix_web_scenarios(records):
    if not _enabled(records, "zabbixEnabled"):
        pytest.skip("the program does not deploy Zabbix yet")
    config = only(records, lambda r: r["type"].startswith(g.DYNAMIC_PREFIX)
                  and r["inputs"].get("kind") == "config")
    config["inputs"]["web_scenarios"] = []
    config["inputs"]["export"] = "zabbix_export: {}\n"
    found = check(records)
    assert _policies(found) == {("every-site-covered", "mandatory")}
    assert "a Zabbix web scenario" in found[0].message


def test_pagerduty_subscription_without_dead_letter_queue(records):
    sub = only(records, lambda r: r["type"] == g.SNS_SUBSCRIPTION)
    del sub["inputs"]["redrivePolicy"]
    found = check(records)
    assert _policies(found) == {("pagerduty-delivery-watched", "mandatory")}
    assert all(sub["name"] in v.message for v in found)


def test_dead_letter_queue_without_grafana_watcher(records):
    group = only(records, lambda r: r["type"] == g.GRAFANA_RULE_GROUP
                 and r["name"].endswith("-pagerduty-delivery"))
    records.remove(group)
    found = check(records)
    assert _policies(found) == {("pagerduty-delivery-watched", "mandatory")}
    queue_rules = [r for r in group["inputs"]["rules"]
                   if r["labels"]["vigil_rule"] == "pagerduty-delivery"]
    assert queue_rules and len(found) == len(queue_rules)  # one per queue of the site
