"""Alert paths per site, traced through the resource graph: signal → notification → pager.

A path is a list of steps; a missing link is a step with ``ok=False`` so reports can show
exactly where an alert would be lost (alarm without actions, topic without subscription,
service without escalation policy). Links are followed with the graph's one resolver
(`policies.graph.Graph.resolve`/`lookup`), the same the policies use.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pulumi_policy import PolicyResource

from policies import every_site_covered
from policies.graph import GRAFANA_SITE_LABEL, Graph, SiteInfo, is_unknown, prop
from vigil import resource_types as rt


@dataclass(frozen=True)
class Step:
    label: str
    ok: bool = True


@dataclass(frozen=True)
class PendingRoute(Step):
    """The route of a site in a tree another stack owns (the fleet's shared stack), left for
    that stack's final recording to answer (`resolve_routes`): a fleet plan records a site
    stack once, before the shared stack routes the contact points it publishes."""

    site_id: str = ""
    point: str | None = None


@dataclass(frozen=True)
class AlertPath:
    source: str  # "CloudWatch (critical)", "Zabbix", "Grafana"
    steps: tuple[Step, ...]

    @property
    def complete(self) -> bool:
        return all(s.ok for s in self.steps)


def _label(graph: Graph, res: PolicyResource) -> str:
    """The resource's own ``name`` input when it has one, else its Pulumi name."""
    own = graph.props(res).get("name")
    return own if isinstance(own, str) and own else res.name


def _region(res: PolicyResource) -> str:
    region = prop(res.provider.props, "region") if res.provider is not None else None
    return f" ({region})" if isinstance(region, str) else ""


def _escalation_steps(graph: Graph, policy: PolicyResource | None) -> list[Step]:
    if policy is None:
        return [Step("no escalation policy", ok=False)]
    steps = [Step(f"escalation {_label(graph, policy)}")]
    props = graph.props(policy)
    rules = props.get("rules") or []
    if not rules:
        return [*steps, Step("escalation policy has no rules", ok=False)]
    for level, rule in enumerate(rules, start=1):
        targets = []
        for target in rule.get("targets") or []:
            ref = target.get("id")
            found = graph.lookup(rt.PD_SCHEDULE, ref)
            targets.append(_label(graph, found[0]) if found else str(ref))
        delay = rule.get("escalationDelayInMinutes")
        steps.append(
            Step(f"L{level}: {', '.join(targets) or 'nobody'} ({delay} min)", ok=bool(targets))
        )
    loops = props.get("numLoops")
    if loops:
        steps.append(Step(f"repeat ×{loops}"))
    return steps


def _pager(graph: Graph, services: list[PolicyResource]) -> list[Step]:
    if not services:
        return [Step("no PagerDuty service", ok=False)]
    service = services[0]
    linked = graph.resolve(
        service,
        "escalationPolicy",
        graph.props(service).get("escalationPolicy"),
        rt.PD_ESCALATION_POLICY,
    )
    policy = linked[0] if linked else None
    return [Step(f"PagerDuty service {_label(graph, service)}"), *_escalation_steps(graph, policy)]


def _site_paths(graph: Graph, site: SiteInfo, defer: bool = False) -> list[AlertPath]:
    def of(token: str) -> list[PolicyResource]:
        return sorted(graph.descendants(site.resource, token), key=lambda r: r.name)

    pager = _pager(graph, of(rt.PD_SERVICE))
    integrations = [r.name for r in of(rt.PD_INTEGRATION)]

    def integration(tool: str) -> Step:
        hit = next((n for n in integrations if tool in n.lower()), None)
        return Step(
            f"{tool} integration" + (f" {hit}" if hit else ""), ok=bool(hit) or not integrations
        )

    subs_by_topic: dict[str, list[PolicyResource]] = defaultdict(list)
    for sub in of(rt.SNS_SUBSCRIPTION):
        for topic in graph.resolve(sub, "topic", graph.props(sub).get("topic"), rt.SNS_TOPIC) or []:
            subs_by_topic[topic.urn].append(sub)
    alarms_by_topic: dict[str, list[PolicyResource]] = defaultdict(list)
    silent = 0
    for alarm in of(rt.METRIC_ALARM):
        actions = graph.props(alarm).get("alarmActions") or []
        targets = {t.urn for a in actions for t in graph.lookup(rt.SNS_TOPIC, a)}
        silent += not targets
        for urn in targets:
            alarms_by_topic[urn].append(alarm)

    paths: list[AlertPath] = []
    for topic in of(rt.SNS_TOPIC):
        alarms = alarms_by_topic.get(topic.urn, [])
        subs = subs_by_topic.get(topic.urn, [])
        sev = next((s for s in ("critical", "warning") if s in topic.name), "")
        protocol = graph.props(subs[0]).get("protocol", "?") if subs else ""
        steps = [
            Step(f"{len(alarms)} CloudWatch alarm(s)", ok=bool(alarms)),
            Step(f"SNS {_label(graph, topic)}{_region(topic)}"),
            Step(f"{protocol} subscription" if subs else "no subscription", ok=bool(subs)),
            integration("cloudwatch"),
            *pager,
        ]
        paths.append(AlertPath(f"CloudWatch{f' ({sev})' if sev else ''}", tuple(steps)))
    if silent:
        paths.append(
            AlertPath("CloudWatch", (Step(f"{silent} alarm(s) without actions", ok=False),))
        )
    zabbix = [r for r in graph.descendants(site.resource) if rt.is_dynamic(r.resource_type)]
    if zabbix:
        paths.append(
            AlertPath(
                "Zabbix", (Step(f"{len(zabbix)} Zabbix object(s)"), integration("zabbix"), *pager)
            )
        )
    grafana = _grafana_path(graph, site, of(rt.GRAFANA_CONTACT_POINT), integration, pager, defer)
    if grafana is not None:
        paths.append(grafana)
    return paths


def _grafana_path(
    graph: Graph,
    site: SiteInfo,
    points: list[PolicyResource],
    integration: Callable[[str], Step],
    pager: list[Step],
    defer: bool = False,
) -> AlertPath | None:
    """Rule (labelled ``site=<id>``) → notification route → contact point → PagerDuty.

    Counted only where a rule exists: dashboards alone never page. No path at all for a site
    without Grafana resources.
    """
    rules = every_site_covered.grafana_rules(graph, site)
    if not points and not rules and not graph.descendants(site.resource, rt.GRAFANA_RULE_GROUP):
        return None
    label = f"{GRAFANA_SITE_LABEL}={site.site_id}"
    if rules is None:
        first = Step(f"Grafana alert rules ({label}) unknown until apply")
    else:
        first = Step(f"{len(rules)} Grafana alert rule(s) ({label})", ok=bool(rules))
    point = _label(graph, points[0]) if points else None
    return AlertPath(
        "Grafana",
        (
            first,
            _route_step(graph, site, label, point, defer),
            Step(f"contact point {point}" if point else "no contact point", ok=bool(point)),
            integration("grafana"),
            *pager,
        ),
    )


def _stack_of(urn: str) -> str:
    return urn.split("::", 1)[0]  # urn:pulumi:<stack>


def _route_step(
    graph: Graph, site: SiteInfo, label: str, point: str | None, defer: bool = False
) -> Step:
    """The notification policy's route for the site's label, when a recorded stack owns the
    tree (this one, or the shared stack it references); ``defer``: a tree of another stack is
    answered later (`PendingRoute`)."""
    trees = graph.of_type(rt.GRAFANA_NOTIFICATION_POLICY)
    if not trees:
        return Step(f"route {label} in the externally managed policy tree (not verified)")
    if defer and _stack_of(trees[0].urn) != _stack_of(site.urn):
        return PendingRoute(f"route {label} in the shared stack's tree", True, site.site_id, point)
    return route_step(graph.props(trees[0]).get("policies"), site.site_id, point)


def route_step(policies: Any, site_id: str, point: str | None) -> Step:
    """The route ``site=<id>`` among a tree's ``policies`` input, to the contact point
    ``point`` (``None``: the site has none, so any target)."""
    label = f"{GRAFANA_SITE_LABEL}={site_id}"
    for route in policies if isinstance(policies, list) else []:
        matchers = route.get("matchers") or []
        if any(
            m.get("label") == GRAFANA_SITE_LABEL
            and m.get("match") == "="
            and m.get("value") == site_id
            for m in matchers
        ):
            target = route.get("contactPoint")
            ok = point is None or target == point or is_unknown(target)
            return Step(f"route {label} → {target}", ok=ok)
    return Step(f"no route for {label} in the notification policy", ok=False)


def resolve_routes(
    paths: dict[str, list[AlertPath]], policies: Any, missing: str | None = None
) -> dict[str, list[AlertPath]]:
    """``paths`` with every `PendingRoute` answered from the owning tree's ``policies``;
    ``missing``: why there is no such tree (the step then fails, saying so)."""

    def answer(step: Step) -> Step:
        if not isinstance(step, PendingRoute):
            return step
        if missing is not None:
            return Step(f"{step.label}: not verified ({missing})", ok=False)
        return route_step(policies, step.site_id, step.point)

    return {
        site: [AlertPath(p.source, tuple(answer(s) for s in p.steps)) for p in site_paths]
        for site, site_paths in paths.items()
    }


def site_alert_paths(graph: Graph, defer_shared_routes: bool = False) -> dict[str, list[AlertPath]]:
    """Alert paths of every site (sorted by site id). ``defer_shared_routes``: routes in a
    tree of another stack are `PendingRoute`s (`vigil plan --fleet`'s site stacks)."""
    return {
        site.site_id: _site_paths(graph, site, defer_shared_routes)
        for site in sorted(graph.sites, key=lambda s: s.site_id)
    }
