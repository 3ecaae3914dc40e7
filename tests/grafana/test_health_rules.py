"""Grafana monitoring-health rules: a real rule per watched resource, routed by ``site``.

Pure tests pin which metric each rule reads and the query/expression models; mock-runtime tests
pin the ``grafana.alerting.RuleGroup`` the component sends (and that the contact point and
notification policy the labels are routed through exist)."""

from __future__ import annotations

import json

import pytest
from grafana_foundation_sdk.models import expr as em

from components.grafana import (
    SITE_DASHBOARD_TYPE,
    SiteDashboard,
    client_folders,
    notification_policy,
)
from tests.runtime import run_program
from vigil import resource_types as rt
from vigil.catalog.alarms import health_check_name
from vigil.grafana.rules import (
    EXPRESSION_UID,
    HEALTH_SEVERITY,
    group_name,
    monitoring_health_group,
    watched_alarms,
)
from vigil.grafana.settings import cloudwatch_uid, contact_point_name
from vigil.naming import GRAFANA_SITE_LABEL, folder_uid
from vigil.settings import parse_stack_settings

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def hc_ids(site) -> dict[str, str]:
    return {u.name: f"{health_check_name(site, u.name)}-id" for u in site.urls}


def datasource_for(site):
    return lambda alarm: cloudwatch_uid(site.aws_account_id, alarm.region)


def test_one_rule_per_resource_on_a_continuously_published_critical_metric(inventory, alarms_for):
    site = inventory.site("acme-b2b")  # EC2, RDS, target groups, URLs
    alarms = alarms_for(site)
    watched = watched_alarms(alarms)
    resources = {(str(a.resource_type), a.resource_id) for a in watched}
    assert len(resources) == len(watched), "one rule per resource"
    assert all(a.severity == "critical" for a in watched)
    # sparse metrics (published only when something happens) never qualify
    assert not any(a.treat_missing_data == "notBreaching" for a in watched)
    # every resource with such an alarm is watched; availability signals are preferred
    expected = {
        (str(a.resource_type), a.resource_id)
        for a in alarms
        if a.severity == "critical" and a.treat_missing_data != "notBreaching"
    }
    assert resources == expected
    ec2 = [a for a in watched if str(a.resource_type) == "ec2"]
    assert ec2 and all(a.availability for a in ec2), [a.signal_key for a in ec2]
    urls = [a for a in watched if str(a.resource_type) == "url"]
    assert {a.resource_id for a in urls} == {u.name for u in site.urls}


def test_rule_fires_on_no_data_and_query_errors_and_is_a_routed_warning(inventory, alarms_for):
    site = inventory.site("acme-shop")
    group = monitoring_health_group(
        site, alarms_for(site), datasource_for(site), hc_ids(site), "https://g/d/x"
    )
    assert group.name == group_name(site) and group.rules
    uids = [r.uid for r in group.rules]
    titles = [r.title for r in group.rules]
    assert len(set(uids)) == len(uids) and len(set(titles)) == len(titles)
    for rule in group.rules:
        assert rule.labels[GRAFANA_SITE_LABEL] == site.id
        assert rule.labels["severity"] == HEALTH_SEVERITY == "warning"
        assert (rule.no_data_state, rule.exec_err_state) == ("Alerting", "Alerting")
        assert rule.annotations["runbook_url"] == site.runbook_url
        assert rule.annotations["dashboard"] == "https://g/d/x"
        assert len(rule.uid) <= 40
        query, count, threshold = rule.data
        alarm = rule.watches
        assert alarm is not None
        # A reads exactly the alarm's metric through the site's data source for its region
        assert query.datasource_uid == cloudwatch_uid(site.aws_account_id, alarm.region)
        model = query.model
        assert (model["namespace"], model["metricName"], model["region"]) == (
            alarm.namespace,
            alarm.metric,
            alarm.region,
        )
        assert model["dimensions"] == alarm.resolved_dimensions(hc_ids(site))
        assert model["statistic"] == "SampleCount" and model["matchExact"] is True
        assert query.from_seconds >= 3 * alarm.period and query.to_seconds == 0
        # B counts the datapoints, C fires below one; both are server-side expressions
        assert (count.datasource_uid, threshold.datasource_uid) == (EXPRESSION_UID,) * 2
        reduce = em.TypeReduce.from_json(count.model)
        assert (reduce.expression, reduce.reducer, reduce.type_val) == ("A", "count", "reduce")
        cond = em.TypeThreshold.from_json(threshold.model)
        assert cond.expression == "B" and rule.condition == "C" == threshold.ref_id
        assert threshold.model["conditions"][0]["evaluator"] == {"type": "lt", "params": [1]}
        assert "placeholder" not in json.dumps(model) and "${" not in json.dumps(model)


def settings(**grafana):
    config = {
        "grafana:url": "https://grafana.example",
        "grafana:auth": "[set]",
        "vigil:grafana": json.dumps(grafana),
    }
    return parse_stack_settings(config, seal=lambda v: ("sealed", v)).grafana


def test_each_site_gets_a_rule_group_in_its_folder_routed_to_its_contact_point(
    inventory, alarms_for
):
    cfg = settings()
    built: list = []

    def program() -> None:
        folders = client_folders(inventory.clients)
        components = [
            SiteDashboard(
                site.id,
                site,
                alarms_for(site),
                folder_uid=folders[site.client].uid,
                pagerduty_key="k",
                settings=cfg,
                health_check_ids={u.name: f"hc-{site.id}-{u.name}" for u in site.urls},
            )
            for site in inventory.sites
        ]
        notification_policy(
            inventory.sites,
            {s.id: c.contact_point_name for s, c in zip(inventory.sites, components, strict=True)},
            cfg,
        )
        built.extend(components)

    recording = run_program(program)
    groups = {r.name: r for r in recording.of_type(rt.GRAFANA_RULE_GROUP)}
    assert set(groups) == {f"{s.id}-monitoring-health" for s in inventory.sites}
    (tree,) = recording.of_type("grafana:alerting/notificationPolicy:NotificationPolicy")
    routed = {
        p["matchers"][0]["value"]: p["contactPoint"]
        for p in tree.inputs["policies"]
        if p["matchers"][0]["label"] == GRAFANA_SITE_LABEL
    }
    parents = {r.urn: r for r in recording.of_type(SITE_DASHBOARD_TYPE)}
    for site, component in zip(inventory.sites, built, strict=True):
        group = groups[f"{site.id}-monitoring-health"]
        assert parents[group.parent].name == site.id, "a child of the site's SiteDashboard"
        inputs = group.inputs
        assert inputs["folderUid"] == folder_uid(site.client)
        assert inputs["name"] == group_name(site)
        assert inputs["intervalSeconds"] == 300
        rules = inputs["rules"]
        assert len(rules) == len(component.health_rules) > 0
        for rule in rules:
            # the label the policy routes on leads to this site's contact point
            assert routed[rule["labels"][GRAFANA_SITE_LABEL]] == contact_point_name(site)
            assert rule["labels"]["severity"] == "warning"
            assert rule["noDataState"] == "Alerting" and rule["for"] == "5m"
            a, b, c = rule["datas"]
            assert a["relativeTimeRange"]["from"] >= 600
            model = json.loads(a["model"])
            if model["namespace"] == "AWS/Route53":
                # resolved Route 53 ids, never the placeholder
                assert model["dimensions"]["HealthCheckId"].startswith(f"hc-{site.id}-")
            assert (b["datasourceUid"], c["datasourceUid"]) == ("__expr__", "__expr__")
