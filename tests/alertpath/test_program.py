"""The real program under the recording mocks: the full paging path of every example site."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.runtime import run_program
from vigil.catalog.alarms import alarms_for_site
from vigil.plan.record import Recording
from vigil.program import InvalidInventory, main

from .conftest import GRAFANA, INVENTORY, ROOT

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
POLICY = "aws:sns/topicPolicy:TopicPolicy"
SUB = "aws:sns/topicSubscription:TopicSubscription"
HC = "aws:route53/healthCheck:HealthCheck"
SERVICE = "pagerduty:index/service:Service"
INTEGRATION = "pagerduty:index/serviceIntegration:ServiceIntegration"
ESCALATION = "pagerduty:index/escalationPolicy:EscalationPolicy"
SCHEDULE = "pagerduty:index/schedule:Schedule"
ORCHESTRATION = "pagerduty:index/eventOrchestrationService:EventOrchestrationService"
STACK = "pulumi:pulumi:Stack"
ENDPOINT = re.compile(r"https://events\.pagerduty\.com/integration/(.+)/enqueue")
PCL_REGEX = re.compile(r"(\S+) matches regex '([^']*)'")


def region_of(mocks: Recording, rec) -> str:
    return mocks.by_urn[rec.provider].inputs["region"]


def site_urn(mocks, site_id):
    return mocks.by_name("vigil:index:SiteMonitoring", site_id).urn


def test_alarms_match_specs_with_actions_and_region(inventory, mocks):
    topics = {r.outputs["arn"]: r for r in mocks.of_type(TOPIC)}
    for site in inventory.sites:
        specs = alarms_for_site(site, GRAFANA)
        recorded = {r.name: r for r in mocks.descendants(site_urn(mocks, site.id), ALARM)}
        assert set(recorded) == {s.name for s in specs}
        for spec in specs:
            rec = recorded[spec.name]
            i = rec.inputs
            assert i["threshold"] == spec.threshold
            assert i["comparisonOperator"] == spec.comparison
            assert i["treatMissingData"] == spec.treat_missing_data
            assert (i["evaluationPeriods"], i["datapointsToAlarm"]) == (
                spec.evaluation_periods, spec.datapoints_to_alarm,
            )
            dims = dict(spec.dimensions)
            if spec.needs_health_check:
                dims["HealthCheckId"] = f"{site.id}-url-{spec.resource_id}-health-check-id"
            if spec.is_math:  # the rows carry metric, statistic, period and dimensions
                assert not {"namespace", "metricName", "statistic", "period", "dimensions"} & set(i)
                rows = {q["id"]: q for q in i["metricQueries"]}
                for q in spec.metric_queries:
                    if q.is_expression:
                        assert rows[q.id]["expression"] == q.expression
                        assert rows[q.id].get("returnData", False) == q.return_data
                        continue
                    metric = rows[q.id]["metric"]
                    assert (metric["namespace"], metric["metricName"], metric["stat"]) == (
                        spec.namespace, q.metric, q.statistic,
                    )
                    assert (metric["period"], metric["dimensions"]) == (spec.period, dims)
            else:
                assert (i["namespace"], i["metricName"]) == (spec.namespace, spec.metric)
                assert i.get("statistic") == spec.statistic
                assert i.get("extendedStatistic") == spec.extended_statistic
                assert i["period"] == spec.period
                assert i["dimensions"] == dims
            # both action lists → the site's topic for this severity, in the alarm's region
            topic = topics[i["okActions"][0]]
            assert i["okActions"] == [topic.outputs["arn"]]
            assert i["alarmActions"] == [topic.outputs["arn"], *spec.extra_alarm_actions]
            assert topic.inputs["name"] == f"{site.id}-alerts-{spec.severity}"
            assert region_of(mocks, rec) == region_of(mocks, topic) == spec.region
            is_global = spec.resource_type.value in ("cloudfront", "url")
            expected_region = "us-east-1" if is_global else site.aws_region
            assert spec.region == expected_region
            assert rec.provider_name == f"aws-{expected_region}-{site.aws_account_id}"
            assert i["tags"]["vigil:site"] == site.id and i["tags"]["vigil:tier"] == site.tier.name
            assert i["tags"]["vigil:severity"] == spec.severity
            assert f"{GRAFANA}/d/vigil-{site.id}/{site.id}" in i["alarmDescription"]
            assert site.runbook_url in i["alarmDescription"]


def test_health_checks(inventory, mocks):
    for site in inventory.sites:
        checks = {r.name: r for r in mocks.descendants(site_urn(mocks, site.id), HC)}
        assert len(checks) == len(site.urls)
        for url in site.urls:
            rec = checks[f"{site.id}-url-{url.name}-health-check"]
            assert region_of(mocks, rec) == "us-east-1"
            i = rec.inputs
            # A TCP reachability check (vigil.catalog.url.health_check_args): no path, text,
            # SNI or latency option; status, text and timeout are the Zabbix web scenario's.
            assert i["type"] == "TCP" and i["port"] == 443
            assert "resourcePath" not in i and "searchString" not in i
            assert "enableSni" not in i and "measureLatency" not in i
            assert i["fqdn"] == urlsplit(url.url).hostname
            assert (i["requestInterval"], i["failureThreshold"]) == (30, 3)
            assert i["tags"]["vigil:site"] == site.id and i["tags"]["managed-by"] == "vigil"
    booking = mocks.by_name(HC, "bistro-booking-url-booking-health-check").inputs
    assert (booking["type"], booking["fqdn"], booking["port"]) == (
        "TCP", "booking.bistro-lindenhof.example", 443,
    )


def test_topics_policies_and_subscriptions(inventory, mocks):
    for site in inventory.sites:
        urn = site_urn(mocks, site.id)
        topics = list(mocks.descendants(urn, TOPIC))
        regions = {site.aws_region} | {a.region for a in alarms_for_site(site)}
        assert len(topics) == 2 * len(regions)
        subs = {r.inputs["topic"]: r for r in mocks.descendants(urn, SUB)}
        policies = {r.inputs["arn"]: r for r in mocks.descendants(urn, POLICY)}
        for topic in topics:
            arn = topic.outputs["arn"]
            assert topic.inputs.get("kmsMasterKeyId") in (None, "")
            statement = json.loads(policies[arn].inputs["policy"])["Statement"][0]
            assert statement["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
            assert statement["Action"] == "sns:Publish" and statement["Resource"] == arn
            sub = subs[arn]
            assert sub.inputs["protocol"] == "https"
            assert sub.values["endpoint"] == (
                f"https://events.pagerduty.com/integration/{site.id}-cloudwatch-key/enqueue"
            )
            assert "endpoint" in sub.secret_inputs
            assert region_of(mocks, sub) == region_of(mocks, topic)


def test_pagerduty_service_escalation_and_schedules(inventory, mocks):
    policies = {r.name: r for r in mocks.of_type(ESCALATION)}
    schedules = {f"{r.name}-id": r for r in mocks.of_type(SCHEDULE)}
    for site in inventory.sites:
        tier = site.tier
        (service,) = mocks.descendants(site_urn(mocks, site.id), SERVICE)
        i = service.inputs
        policy = policies[f"{site.owner_team}-{tier.name}"]
        assert i["escalationPolicy"] == f"{policy.name}-id"
        assert i["acknowledgementTimeout"] == str(tier.acknowledgement_timeout_minutes * 60)
        # every integration resolves its own incidents: no example tier auto-resolves
        assert tier.auto_resolve_timeout_minutes is None and i["autoResolveTimeout"] == "null"
        rule = i["incidentUrgencyRule"]
        if tier.is_24x7:
            assert rule == {"type": "constant", "urgency": "severity_based"}
            assert "supportHours" not in i and "scheduledActions" not in i
        else:
            assert rule["type"] == "use_support_hours"
            assert rule["duringSupportHours"] == {"type": "constant", "urgency": "severity_based"}
            assert rule["outsideSupportHours"] == {"type": "constant", "urgency": "low"}
            assert i["supportHours"] == {
                "type": "fixed_time_per_day", "timeZone": "Europe/Berlin",
                "startTime": "08:00:00", "endTime": "18:00:00", "daysOfWeeks": [1, 2, 3, 4, 5],
            }
            # scheduled actions need high during / low outside (vigil.pagerduty.rules)
            assert "scheduledActions" not in i
        integrations = {r.name: r for r in mocks.descendants(site_urn(mocks, site.id), INTEGRATION)}
        assert integrations[f"{site.id}-cloudwatch"].inputs["vendor"] == "vendor-cloudwatch"
        for tool in ("zabbix", "grafana"):
            assert integrations[f"{site.id}-{tool}"].inputs["type"] == (
                "events_api_v2_inbound_integration"
            )
        for rec in integrations.values():
            assert rec.inputs["service"] == service.outputs.get("id", f"{site.id}-id")
            assert "integrationKey" in rec.secret_outputs
        # escalation: first delay = SLA; every schedule it targets exists and has layers
        p = policy.inputs
        assert p["numLoops"] == tier.escalation_loops
        assert p["rules"][0]["escalationDelayInMinutes"] == tier.response_sla_minutes
        l1 = [t for t in p["rules"][0]["targets"] if t["type"] == "schedule_reference"]
        assert l1
        for target in l1:
            assert schedules[target["id"]].inputs["layers"]


def _urgency(rule: dict, severity: str, in_support_hours: bool) -> str:
    """PagerDuty's reading of a registered ``incidentUrgencyRule`` for an alert's severity."""
    if rule["type"] == "use_support_hours":
        rule = rule["duringSupportHours" if in_support_hours else "outsideSupportHours"]
    assert rule["type"] == "constant"
    if rule["urgency"] == "severity_based":
        return "high" if severity in ("critical", "error") else "low"
    return rule["urgency"]


def _orchestrated_severity(orchestration: dict, alarm_name: str) -> str | None:
    """Severity the service orchestration gives a CloudWatch event (first matching rule)."""
    (start,) = [s for s in orchestration["sets"] if s["id"] == "start"]
    for rule in start["rules"]:
        for cond in rule["conditions"]:
            field, regex = PCL_REGEX.fullmatch(cond["expression"]).groups()
            assert field == "event.custom_details.AlarmName"
            hit = bool(re.fullmatch(regex, alarm_name))
            assert hit == bool(re.search(regex, alarm_name))  # same under either semantics
            if hit:
                return rule["actions"].get("severity")
    return orchestration["catchAll"]["actions"].get("severity")


def _paging_path(mocks, site, alarm) -> tuple[str, str, str, dict]:
    """alarm → topic → subscription → integration → service (+ orchestration): the severity
    PagerDuty assigns and the service's urgency rule."""
    urn = site_urn(mocks, site.id)
    topic = next(r for r in mocks.descendants(urn, TOPIC)
                 if r.outputs["arn"] == alarm.inputs["alarmActions"][0])
    (sub,) = [r for r in mocks.descendants(urn, SUB) if r.inputs["topic"] == topic.outputs["arn"]]
    key = ENDPOINT.fullmatch(sub.values["endpoint"]).group(1)
    (integration,) = [r for r in mocks.descendants(urn, INTEGRATION)
                      if r.outputs["integrationKey"] == key]
    assert integration.inputs["vendor"] == "vendor-cloudwatch"
    (service,) = [r for r in mocks.descendants(urn, SERVICE)
                  if f"{r.name}-id" == integration.inputs["service"]]
    (orch,) = [r for r in mocks.descendants(urn, ORCHESTRATION)
               if r.inputs["service"] == f"{service.name}-id"]
    assert orch.inputs["enableEventOrchestrationForService"] is True
    severity = _orchestrated_severity(orch.inputs, alarm.inputs["name"])
    return topic.inputs["name"], integration.name, severity, service.inputs


def test_critical_pages_high_warning_stays_low(inventory, mocks):
    """Every alarm's full path ends in the urgency DESIGN.md's severity matrix asks for."""
    seen = set()
    for site in inventory.sites:
        alarms = list(mocks.descendants(site_urn(mocks, site.id), ALARM))
        for alarm in alarms:
            severity = alarm.inputs["tags"]["vigil:severity"]
            topic, integration, pd_severity, service = _paging_path(mocks, site, alarm)
            assert topic == f"{site.id}-alerts-{severity}"
            assert integration == f"{site.id}-cloudwatch"
            assert pd_severity == severity
            rule = service["incidentUrgencyRule"]
            if severity == "warning":
                assert _urgency(rule, pd_severity, True) == "low"
                assert _urgency(rule, pd_severity, False) == "low"
            else:
                assert _urgency(rule, pd_severity, True) == "high"
                night = _urgency(rule, pd_severity, False)
                assert night == ("high" if site.tier.is_24x7 else "low"), site.id
            seen.add((site.tier.is_24x7, severity))
    assert seen == {(a, s) for a in (True, False) for s in ("critical", "warning")}


def test_24x7_site_wiring(inventory, mocks):
    """nova-storefront (gold): constant severity-based urgency, no support hours, and a service
    orchestration that only sets severity for CloudWatch alarms."""
    urn = site_urn(mocks, "nova-storefront")
    (service,) = mocks.descendants(urn, SERVICE)
    assert service.inputs["incidentUrgencyRule"] == {
        "type": "constant", "urgency": "severity_based",
    }
    (orch,) = mocks.descendants(urn, ORCHESTRATION)
    assert orch.parent == mocks.by_name("vigil:pagerduty:SiteService",
                                        "nova-storefront-pagerduty").urn
    assert orch.inputs["service"] == "nova-storefront-id"
    (start,) = orch.inputs["sets"]
    assert start["id"] == "start"
    assert [(r["conditions"], r["actions"]) for r in start["rules"]] == [
        ([{"expression": f"event.custom_details.AlarmName matches regex '^.*-{sev}$'"}],
         {"severity": sev})
        for sev in ("critical", "warning")
    ]
    # Zabbix / Grafana (Events API v2) keep the severity they send: no catch-all override
    assert orch.inputs["catchAll"] == {"actions": {}}
    assert _orchestrated_severity(orch.inputs, "Zabbix: disk usage above 80%") is None
    assert not orch.secret_inputs and "key" not in json.dumps(orch.inputs).lower()
    # one alarm per severity of this site, end to end
    site = next(s for s in inventory.sites if s.id == "nova-storefront")
    assert site.tier.is_24x7
    for severity, urgency in (("critical", "high"), ("warning", "low")):
        alarm = next(r for r in mocks.descendants(urn, ALARM)
                     if r.inputs["name"].endswith(f"-{severity}"))
        topic, integration, pd_severity, svc = _paging_path(mocks, site, alarm)
        assert (topic, integration, pd_severity) == (
            f"nova-storefront-alerts-{severity}", "nova-storefront-cloudwatch", severity,
        )
        for in_hours in (True, False):
            assert _urgency(svc["incidentUrgencyRule"], pd_severity, in_hours) == urgency


def test_bronze_keeps_support_hours(inventory, mocks):
    for site in inventory.sites:
        if site.tier.is_24x7:
            continue
        (service,) = mocks.descendants(site_urn(mocks, site.id), SERVICE)
        i = service.inputs
        assert i["incidentUrgencyRule"]["outsideSupportHours"] == {
            "type": "constant", "urgency": "low",
        }
        assert i["supportHours"]["timeZone"] == site.tier.support_hours.timezone
        assert i["incidentUrgencyRule"]["duringSupportHours"] == {
            "type": "constant", "urgency": "severity_based",
        }
        assert "scheduledActions" not in i


def test_integration_keys_and_endpoints_stay_secret(inventory, mocks):
    for site in inventory.sites:
        urn = site_urn(mocks, site.id)
        integrations = list(mocks.descendants(urn, INTEGRATION))
        assert {r.name for r in integrations} == {
            f"{site.id}-{tool}" for tool in ("cloudwatch", "zabbix", "grafana")
        }
        for rec in integrations:
            assert "integrationKey" in rec.secret_outputs
        for sub in mocks.descendants(urn, SUB):
            assert "endpoint" in sub.secret_inputs
        keys = {r.outputs["integrationKey"] for r in integrations}
        for rec in mocks.descendants(urn):
            if rec.type in (SUB, INTEGRATION):
                continue
            plain = json.dumps({k: v for k, v in rec.inputs.items()
                                if k not in rec.secret_inputs})
            assert not any(key in plain for key in keys), (rec.type, rec.name)


def test_schedules_use_looked_up_users_once(inventory, mocks):
    sched = mocks.by_name(SCHEDULE, "ops-l1-follow-the-sun-europe-berlin").inputs
    assert sched["timeZone"] == "Europe/Berlin"
    (layer,) = sched["layers"]
    assert layer["users"] == ["user-lena.fischer", "user-jonas.weber"]
    assert layer["restrictions"] == [
        {"type": "daily_restriction", "startTimeOfDay": "06:00:00", "durationSeconds": 32400}
    ]
    assert layer["rotationTurnLengthSeconds"] == 604800
    assert layer["start"] == "2026-01-05T06:00:00+01:00"
    lookups = [c[1]["email"] for c in mocks.calls if c[0] == "pagerduty:index/getUser:getUser"]
    assert len(lookups) == len(set(lookups))
    vendors = [c for c in mocks.calls if c[0] == "pagerduty:index/getVendor:getVendor"]
    assert len(vendors) == 1
    assert {r.name for r in mocks.of_type(ESCALATION)} == {
        "ops-gold", "ops-silver", "web-bronze",
    }
    team = mocks.by_name("vigil:pagerduty:TeamOnCall", "ops").inputs
    assert team["tiers"]["gold"] == {"responseSlaMinutes": 5, "support24x7": True}
    assert len(mocks.of_type("pulumi:providers:aws")) == 6  # one per account × region


def test_component_props_and_exports(inventory, mocks, exports):
    for site in inventory.sites:
        comp = mocks.by_name("vigil:index:SiteMonitoring", site.id)
        assert comp.inputs == {
            "siteId": site.id, "client": site.client, "tier": site.tier.name,
            "responseSlaMinutes": site.tier.response_sla_minutes,
            "detectionMinutes": site.tier.detection_minutes,
            "support24x7": site.tier.is_24x7, "ownerTeam": site.owner_team,
            "zabbixEnabled": False, "grafanaEnabled": False,
            "sourceFile": Path(site.source).resolve().relative_to(ROOT).as_posix(),
        }
        for typ in ("vigil:aws:CloudWatchAlarms", "vigil:pagerduty:SiteService"):
            (child,) = mocks.descendants(comp.urn, typ)
            assert child.inputs == {"siteId": site.id}
        out = exports[site.id]
        assert out["serviceId"] == f"{site.id}-id"
        assert out["alarmCount"] == len(alarms_for_site(site))
        assert set(out["topicArns"]) == {"critical", "warning"}
        assert all(f":{site.aws_region}:" in arn for arn in out["topicArns"].values())


def test_url_only_site_has_a_complete_paging_path(mocks):
    """bistro-booking: no AWS resources, one URL → health check → alarm → topic → PagerDuty."""
    urn = site_urn(mocks, "bistro-booking")
    (alarm,) = [
        r for r in mocks.descendants(urn, ALARM) if r.inputs["metricName"] == "HealthCheckStatus"
    ]
    topic_arn = alarm.inputs["alarmActions"][0]
    assert topic_arn == "arn:aws:sns:us-east-1:333333333333:bistro-booking-alerts-critical"
    (sub,) = [r for r in mocks.descendants(urn, SUB) if r.inputs["topic"] == topic_arn]
    assert sub.values["endpoint"].endswith("/bistro-booking-cloudwatch-key/enqueue")
    (service,) = mocks.descendants(urn, SERVICE)
    assert service.inputs["escalationPolicy"] == "web-bronze-id"
    policy = mocks.by_name(ESCALATION, "web-bronze").inputs
    assert policy["rules"][0]["targets"] == [
        {"type": "schedule_reference", "id": "web-office-hours-id"}
    ]


def test_client_filter_shards_the_stack():
    mocks = run_program(main, {"vigil:inventory": str(INVENTORY), "vigil:clients": ["bistro"]})
    assert set(mocks.exports) == {"bistro-booking", "bistro-website"}
    assert [r.name for r in mocks.of_type("vigil:pagerduty:TeamOnCall")] == ["web"]


def test_invalid_inventory_registers_nothing(tmp_path):
    bad = tmp_path / "inventory"
    shutil.copytree(INVENTORY, bad)
    site = bad / "sites" / "bistro" / "booking.yaml"
    site.write_text(site.read_text().replace("owner_team: web", "owner_team: nobody"))
    registered: list = []
    with pytest.raises(InvalidInventory) as err:
        run_program(main, {"vigil:inventory": str(bad)}, on_resource=registered.append)
    assert "owner_team: unknown team 'nobody'" in str(err.value)
    assert "booking.yaml" in str(err.value)
    assert [r.type for r in registered] == [STACK]


def test_unknown_client_is_an_error():
    registered: list = []
    with pytest.raises(InvalidInventory, match="unknown client 'ghost'"):
        run_program(main, {"vigil:inventory": str(INVENTORY), "vigil:clients": ["ghost"]},
                    on_resource=registered.append)
    assert [r.type for r in registered] == [STACK]


def test_every_pagerduty_input_passes_the_provider_rules(inventory, mocks):
    from vigil.pagerduty import rules
    from vigil.resource_types import PD_ALERT_GROUPING

    checked = 0
    for rec in mocks.resources:
        if rec.type in rules.RULE_TYPES:
            assert rules.check_inputs(rec.type, rec.inputs) == [], rec.name
            checked += 1
    assert checked >= 2 * len(inventory.sites)  # services and grouping settings at least
    for rec in mocks.of_type(PD_ALERT_GROUPING):
        # seconds (the API's unit): five minutes, not "5"
        assert rec.inputs["type"] == "time" and rec.inputs["config"] == {"timeout": 300}
