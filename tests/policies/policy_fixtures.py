"""Builders for policy tests: a hand-built resource graph shaped like docs/ARCHITECTURE.md.

The graph is built as plan-engine records (``urn``, ``type``, ``name``, ``parent``,
``provider``, ``inputs``) and turned into ``PolicyResource``s by
``policies.evaluate.resources_from_records``, so the same path the plan engine uses is tested.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from policies import graph as g
from policies.evaluate import resources_from_records

STACK, PROJECT = "dev", "vigil"
ACCOUNT = "111111111111"
DELAYS = {"gold": 5, "silver": 15}


def _tags(site: str, client: str, tier: str, **extra: str) -> dict[str, str]:
    return {
        g.TAG_SITE: site,
        g.TAG_CLIENT: client,
        g.TAG_TIER: tier,
        g.TAG_MANAGED_BY: "vigil",
        **extra,
    }


def _alarm(name: str) -> dict[str, Any]:
    """The PutMetricAlarm fields every alarm the program creates has (aws-api-rules)."""
    return {"name": name, "comparisonOperator": "GreaterThanThreshold", "evaluationPeriods": 5,
            "datapointsToAlarm": 3, "period": 60, "statistic": "Maximum", "threshold": 1}


class Stack:
    """Mutable list of records; ``resources()`` links them into ``PolicyResource``s."""

    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []

    def add(
        self,
        type_: str,
        name: str,
        inputs: dict[str, Any] | None = None,
        parent: str | None = None,
        provider: str | None = None,
        deps: dict[str, list[str]] | None = None,
    ) -> str:
        chain = ""
        if parent:
            parent_type = parent.split("::")[2]
            chain = parent_type + "$"
        urn = f"urn:pulumi:{STACK}::{PROJECT}::{chain}{type_}::{name}"
        self.records.append(
            {
                "urn": urn,
                "type": type_,
                "name": name,
                "parent": parent,
                "provider": f"{provider}::{name}-provider-id" if provider else None,
                "inputs": inputs or {},
                "propertyDependencies": deps or {},
            }
        )
        return urn

    def get(self, name: str, type_: str | None = None) -> dict[str, Any]:
        return next(
            r for r in self.records if r["name"] == name and (type_ is None or r["type"] == type_)
        )

    def inputs(self, name: str, type_: str | None = None) -> dict[str, Any]:
        return self.get(name, type_)["inputs"]

    def remove(self, name: str, type_: str | None = None) -> None:
        self.records.remove(self.get(name, type_))

    def resources(self):
        return resources_from_records(copy.deepcopy(self.records))


def dlq_rule(site_id: str, queue: str, region: str) -> dict[str, Any]:
    """A critical Grafana rule on a dead-letter queue's depth (``vigil.grafana.delivery``)."""
    model = {"namespace": "AWS/SQS", "metricName": "ApproximateNumberOfMessagesVisible",
             "dimensions": {"QueueName": queue}, "region": region, "statistic": "Maximum",
             "refId": "A"}
    return {
        "name": f"{site_id} lost pages: {queue} ({region})", "condition": "C",
        "labels": {g.GRAFANA_SITE_LABEL: site_id, "severity": "critical"},
        "datas": [{"refId": "A", "datasourceUid": f"vigil-cw-{ACCOUNT}-{region}",
                   "model": json.dumps(model)}],
    }


def follow_the_sun_layers(gap: bool = False) -> list[dict[str, Any]]:
    """Three UTC layers, nine hours each, overlapping; ``gap`` leaves 01:00–02:00 uncovered."""
    starts = ["00:00:00", "08:00:00", "16:00:00"]
    layers = []
    for index, start in enumerate(starts):
        duration = 9 * 3600
        if gap and index == 0:
            start, duration = "02:00:00", 7 * 3600
        layers.append(
            {
                "name": ["APAC", "EMEA", "AMER"][index],
                "start": "2026-01-05T00:00:00Z",
                "rotationVirtualStart": "2026-01-05T00:00:00Z",
                "rotationTurnLengthSeconds": 604800,
                "users": [f"user-{index}-a-id", f"user-{index}-b-id"],
                "restrictions": [
                    {"type": "daily_restriction", "startTimeOfDay": start,
                     "durationSeconds": duration}
                ],
            }
        )
    return layers


def build_stack(
    sites: tuple[tuple[str, str, str], ...] = (("acme-shop", "acme", "gold"),),
    zabbix: bool = True,
    grafana: bool = True,
) -> Stack:
    """A complete, policy-clean stack: team on-call plus one full alert path per site."""
    s = Stack()
    eu = s.add(g.AWS_PROVIDER, f"aws-eu-west-1-{ACCOUNT}", {"region": "eu-west-1"})
    use1 = s.add(g.AWS_PROVIDER, f"aws-us-east-1-{ACCOUNT}", {"region": "us-east-1"})
    tiers = {
        "gold": {"responseSlaMinutes": 5, "support24x7": True},
        "silver": {"responseSlaMinutes": 15, "support24x7": True},
        "bronze": {"responseSlaMinutes": 60, "support24x7": False},
    }
    team = s.add(g.TEAM_ONCALL, "ops", {"team": "ops", "tiers": tiers})
    s.add(g.PD_SCHEDULE, "ops-l1-follow-the-sun",
          {"name": "L1 follow-the-sun", "timeZone": "Etc/UTC", "layers": follow_the_sun_layers()},
          parent=team)
    s.add(g.PD_SCHEDULE, "ops-devops-oncall",
          {"name": "L2 DevOps on-call", "timeZone": "Europe/Berlin",
           "layers": [{"name": "primary", "start": "2026-01-05T09:00:00+01:00",
                       "rotationVirtualStart": "2026-01-05T09:00:00+01:00",
                       "rotationTurnLengthSeconds": 604800, "users": ["sam-id", "kim-id"]}]},
          parent=team)
    for tier in ("gold", "silver", "bronze"):
        s.add(g.PD_ESCALATION_POLICY, f"ops-{tier}", {
            "name": f"ops {tier}",
            "numLoops": 2,
            "rules": [
                {"escalationDelayInMinutes": tiers[tier]["responseSlaMinutes"],
                 "targets": [{"type": "schedule_reference", "id": "ops-l1-follow-the-sun-id"}]},
                {"escalationDelayInMinutes": 15,
                 "targets": [{"type": "schedule_reference", "id": "ops-devops-oncall-id"}]},
                {"escalationDelayInMinutes": 30,
                 "targets": [{"type": "user_reference", "id": "alex-id"}]},
            ],
        }, parent=team)

    for site_id, client, tier in sites:
        sla = tiers[tier]["responseSlaMinutes"]
        site = s.add(g.SITE, site_id, {
            "siteId": site_id, "client": client, "tier": tier, "responseSlaMinutes": sla,
            "support24x7": tiers[tier]["support24x7"], "ownerTeam": "ops",
            "zabbixEnabled": zabbix, "grafanaEnabled": grafana,
            "sourceFile": f"inventory/sites/{client}/{site_id.removeprefix(client + '-')}.yaml",
        })
        tags = _tags(site_id, client, tier)
        pd = s.add(g.SITE_SERVICE_COMPONENT, f"{site_id}-pagerduty", {"siteId": site_id},
                   parent=site)
        s.add(g.PD_SERVICE, f"{site_id}-service",
              {"name": site_id, "escalationPolicy": f"ops-{tier}-id"}, parent=pd)
        sources = ["cloudwatch"] + (["zabbix"] if zabbix else []) + (["grafana"] if grafana else [])
        for source in sources:
            s.add(g.PD_INTEGRATION, f"{site_id}-{source}",
                  {"name": source.capitalize(), "service": f"{site_id}-service-id"}, parent=pd)
        cw = s.add(g.CLOUDWATCH_COMPONENT, f"{site_id}-cloudwatch", {"siteId": site_id},
                   parent=site)
        # Topics in the site's region and in us-east-1 (Route 53 alarms), as the program does.
        for region, provider, suffix in (("eu-west-1", eu, ""), ("us-east-1", use1, "-us-east-1")):
            for severity in ("critical", "warning"):
                topic = f"{site_id}-alerts-{severity}"
                topic_arn = f"arn:aws:sns:{region}:{ACCOUNT}:{topic}"
                s.add(g.SNS_TOPIC, f"{topic}{suffix}", {"name": topic, "tags": dict(tags)},
                      parent=cw, provider=provider)
                s.add(g.SNS_TOPIC_POLICY, f"{topic}{suffix}-policy",
                      {"arn": topic_arn, "policy": '{"Statement": [{"Effect": "Allow"}]}'},
                      parent=cw, provider=provider)
                queue = f"{site_id}-dlq-{severity}"
                queue_arn = f"arn:aws:sqs:{region}:{ACCOUNT}:{queue}"
                s.add(g.SQS_QUEUE, f"{queue}{suffix}",
                      {"name": queue, "messageRetentionSeconds": 1209600,
                       "sqsManagedSseEnabled": True, "tags": dict(tags)},
                      parent=cw, provider=provider)
                s.add(g.SQS_QUEUE_POLICY, f"{queue}{suffix}-policy", {
                    "queueUrl": f"https://sqs.{region}.amazonaws.com/{ACCOUNT}/{queue}",
                    "policy": json.dumps({"Statement": [{
                        "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
                        "Action": "sqs:SendMessage", "Resource": queue_arn,
                        "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}}}]}),
                }, parent=cw, provider=provider)
                s.add(g.SNS_SUBSCRIPTION, f"{topic}{suffix}-pagerduty", {
                    "topic": topic_arn,
                    "protocol": "https",
                    "endpoint": f"https://events.pagerduty.com/integration/{site_id}-key/enqueue",
                    "redrivePolicy": json.dumps({"deadLetterTargetArn": queue_arn}),
                }, parent=cw, provider=provider)

        def arn(severity: str, site_id: str = site_id, region: str = "eu-west-1") -> str:
            return f"arn:aws:sns:{region}:{ACCOUNT}:{site_id}-alerts-{severity}"

        s.add(g.METRIC_ALARM, f"{site_id}-alb-rejected-connection-count-critical", {
            **_alarm(f"{site_id}-alb-rejected-connection-count-critical"),
            "namespace": "AWS/ApplicationELB", "metricName": "RejectedConnectionCount",
            "alarmActions": [arn("critical")], "okActions": [arn("critical")],
            "treatMissingData": "notBreaching",
            "tags": _tags(site_id, client, tier, **{g.TAG_SEVERITY: "critical",
                                                     "vigil:signal": "rejected_connection_count"}),
        }, parent=cw, provider=eu)
        s.add(g.METRIC_ALARM, f"{site_id}-alb-rejected-connection-count-warning", {
            **_alarm(f"{site_id}-alb-rejected-connection-count-warning"),
            "namespace": "AWS/ApplicationELB", "metricName": "RejectedConnectionCount",
            "alarmActions": [arn("warning")], "okActions": [arn("warning")],
            "tags": _tags(site_id, client, tier, **{g.TAG_SEVERITY: "warning"}),
        }, parent=cw, provider=eu)
        s.add(g.HEALTH_CHECK, f"{site_id}-url-home", {
            "type": "HTTPS", "fqdn": "shop.example", "resourcePath": "/", "tags": dict(tags),
        }, parent=cw)
        s.add(g.METRIC_ALARM, f"{site_id}-url-home-health-critical", {
            **_alarm(f"{site_id}-url-home-health-critical"),
            "namespace": "AWS/Route53", "metricName": "HealthCheckStatus",
            "alarmActions": [arn("critical", region="us-east-1")],
            "okActions": [arn("critical", region="us-east-1")],
            "treatMissingData": "breaching",
            "tags": _tags(site_id, client, tier, **{g.TAG_SEVERITY: "critical",
                                                     g.TAG_AVAILABILITY: "true"}),
        }, parent=cw, provider=use1)
        if grafana:
            gr = s.add(g.GRAFANA_COMPONENT, f"{site_id}-grafana", {"siteId": site_id},
                       parent=site)
            s.add(g.GRAFANA_DASHBOARD, f"{site_id}-dashboard", {"configJson": "{}"}, parent=gr)
            s.add(g.GRAFANA_RULE_GROUP, f"{site_id}-monitoring-health", {
                "name": f"{site_id} monitoring health", "folderUid": f"vigil-folder-{client}",
                "intervalSeconds": 300,
                "rules": [{"name": f"{site_id} no data", "condition": "C",
                           "labels": {g.GRAFANA_SITE_LABEL: site_id, "severity": "warning"},
                           "datas": []}],
            }, parent=gr)
            s.add(g.GRAFANA_RULE_GROUP, f"{site_id}-pagerduty-delivery", {
                "name": f"{site_id} pagerduty delivery", "folderUid": f"vigil-folder-{client}",
                "intervalSeconds": 60,
                "rules": [dlq_rule(site_id, f"{site_id}-dlq-{severity}", region)
                          for region in ("eu-west-1", "us-east-1")
                          for severity in ("critical", "warning")],
            }, parent=gr)
        if zabbix:
            zb = s.add(g.ZABBIX_COMPONENT, f"{site_id}-zabbix", {"siteId": site_id}, parent=site)
            export = (
                "zabbix_export:\n  version: '6.0'\n  templates:\n"
                f"    - template: vigil {site_id}\n      httptests:\n        - name: home\n"
            )
            s.add(g.DYNAMIC, f"{site_id}-zabbix-config",
                  {"kind": "config", "site": site_id, "export": export}, parent=zb)
    return s
