"""Alert paths per site, traced through the recorded graph: signal → notification → pager.

A path is a list of steps; a missing link is a step with ``ok=False`` so reports can show
exactly where an alert would be lost (alarm without actions, topic without subscription,
service without escalation policy).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from vigil import resource_types as rt
from vigil.plan.record import Recording, Resource, reference_index, referenced

ALARM = rt.METRIC_ALARM
TOPIC = rt.SNS_TOPIC
SUBSCRIPTION = rt.SNS_SUBSCRIPTION
SERVICE = rt.PD_SERVICE
INTEGRATION = rt.PD_INTEGRATION
ESCALATION = rt.PD_ESCALATION_POLICY
SCHEDULE = rt.PD_SCHEDULE
DASHBOARD = rt.GRAFANA_DASHBOARD
CONTACT_POINT = rt.GRAFANA_CONTACT_POINT


@dataclass(frozen=True)
class Step:
    label: str
    ok: bool = True


@dataclass(frozen=True)
class AlertPath:
    source: str  # "CloudWatch (critical)", "Zabbix", "Grafana"
    steps: tuple[Step, ...]

    @property
    def complete(self) -> bool:
        return all(s.ok for s in self.steps)


def _region(res: Resource, graph: Recording) -> str:
    provider = graph.by_urn.get(res.provider or "")
    region = provider.inputs.get("region") if provider else None
    return f" ({region})" if region else ""


def _escalation_steps(
    policy: Resource | None, index: dict[str, str], graph: Recording
) -> list[Step]:
    if policy is None:
        return [Step("no escalation policy", ok=False)]
    steps = [Step(f"escalation {policy.inputs.get('name') or policy.name}")]
    rules = policy.inputs.get("rules") or []
    if not rules:
        return [*steps, Step("escalation policy has no rules", ok=False)]
    for level, rule in enumerate(rules, start=1):
        targets = []
        for target in rule.get("targets") or []:
            ref = graph.by_urn.get(index.get(str(target.get("id")), ""))
            targets.append(ref.inputs.get("name") or ref.name if ref else str(target.get("id")))
        delay = rule.get("escalationDelayInMinutes")
        steps.append(
            Step(f"L{level}: {', '.join(targets) or 'nobody'} ({delay} min)", ok=bool(targets))
        )
    loops = policy.inputs.get("numLoops")
    if loops:
        steps.append(Step(f"repeat ×{loops}"))
    return steps


def site_alert_paths(graph: Recording) -> dict[str, list[AlertPath]]:
    """Alert paths of every site (sorted by site id)."""
    index = reference_index(graph.resources)
    members: dict[str, list[Resource]] = defaultdict(list)
    for r in graph.resources:
        if r.site:
            members[r.site].append(r)
    result: dict[str, list[AlertPath]] = {}
    for site in sorted(members):
        rs = members[site]
        of = lambda t, rs=rs: sorted((r for r in rs if r.type == t), key=lambda r: r.name)  # noqa: E731
        services = of(SERVICE)
        service = services[0] if services else None
        policy = None
        if service is not None:
            ep = index.get(str(service.inputs.get("escalationPolicy")), "")
            policy = graph.by_urn.get(ep)
        pager = (
            [Step(f"PagerDuty service {service.inputs.get('name') or service.name}")]
            if service
            else [Step("no PagerDuty service", ok=False)]
        )
        pager += _escalation_steps(policy, index, graph) if service else []
        integrations = {r.name: r for r in of(INTEGRATION)}

        def integration(tool: str, integrations=integrations) -> Step:
            hit = next((n for n in integrations if tool in n.lower()), None)
            return Step(
                f"{tool} integration" + (f" {hit}" if hit else ""), ok=bool(hit) or not integrations
            )

        paths: list[AlertPath] = []
        subs_by_topic: dict[str, list[Resource]] = defaultdict(list)
        for sub in of(SUBSCRIPTION):
            for urn in referenced(sub.inputs.get("topic"), index):
                subs_by_topic[urn].append(sub)
        alarms_by_topic: dict[str, list[Resource]] = defaultdict(list)
        silent = 0
        for alarm in of(ALARM):
            targets = set(referenced(alarm.inputs.get("alarmActions"), index))
            silent += not targets
            for urn in targets:
                alarms_by_topic[urn].append(alarm)
        for topic in of(TOPIC):
            alarms = alarms_by_topic.get(topic.urn, [])
            subs = subs_by_topic.get(topic.urn, [])
            sev = next((s for s in ("critical", "warning") if s in topic.name), "")
            steps = [
                Step(f"{len(alarms)} CloudWatch alarm(s)", ok=bool(alarms)),
                Step(f"SNS {topic.inputs.get('name') or topic.name}{_region(topic, graph)}"),
                Step(
                    f"{subs[0].inputs.get('protocol', '?')} subscription"
                    if subs
                    else "no subscription",
                    ok=bool(subs),
                ),
                integration("cloudwatch"),
                *pager,
            ]
            paths.append(AlertPath(f"CloudWatch{f' ({sev})' if sev else ''}", tuple(steps)))
        if silent:
            paths.append(
                AlertPath("CloudWatch", (Step(f"{silent} alarm(s) without actions", ok=False),))
            )
        zabbix = sorted((r for r in rs if rt.is_dynamic(r.type)), key=lambda r: r.name)
        if zabbix:
            paths.append(
                AlertPath(
                    "Zabbix",
                    (Step(f"{len(zabbix)} Zabbix object(s)"), integration("zabbix"), *pager),
                )
            )
        if of(DASHBOARD) or of(CONTACT_POINT):
            cps = of(CONTACT_POINT)
            paths.append(
                AlertPath(
                    "Grafana",
                    (
                        Step(f"{len(of(DASHBOARD))} dashboard(s)"),
                        Step(
                            f"contact point {cps[0].name}" if cps else "no contact point",
                            ok=bool(cps),
                        ),
                        integration("grafana"),
                        *pager,
                    ),
                )
            )
        result[site] = paths
    return result
