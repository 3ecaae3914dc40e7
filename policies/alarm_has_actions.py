"""alarm-has-actions: every critical alarm pages a human and resolves the incident again.

An alarm without alarm actions fires into the void; without OK actions the PagerDuty incident
never resolves, so the next page for the same site is swallowed by the open incident. The
actions must point at an SNS topic that has an HTTPS subscription to PagerDuty's CloudWatch
integration — only the whole graph shows that, hence a stack policy.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import EnforcementLevel, PolicyResource, ReportViolation

from policies import define as d
from policies import graph as g

NAME = "alarm-has-actions"
DESCRIPTION = (
    "Every critical CloudWatch alarm has alarm and OK actions to an SNS topic with an HTTPS "
    "subscription to PagerDuty."
)
REMEDIATION = (
    "Alarm actions are wired by vigil: do not override alarmActions/okActions. Make sure the "
    "site's PagerDuty service exists (owner_team and tier in inventory/sites/<client>/<site>.yaml) "
    "so the {site}-alerts-{severity} topic gets its PagerDuty subscription."
)
DEFAULTS: dict[str, Any] = {
    "severities": ["critical"],
    "pagerdutyEndpointPrefix": "https://events.pagerduty.com/integration/",
}
CONFIG_SCHEMA = d.config_schema(
    DEFAULTS,
    severities="Alarm severities (tag vigil:severity) that must page.",
    pagerdutyEndpointPrefix="HTTPS endpoint prefix of PagerDuty's CloudWatch integration.",
)


def alarm_severity(alarm: PolicyResource) -> str | None:
    """``vigil:severity`` tag, else the ``-critical``/``-warning`` suffix of the name."""
    tags = g.tags_of(alarm.props)
    if isinstance(tags, Mapping) and isinstance(tags.get(g.TAG_SEVERITY), str):
        return tags[g.TAG_SEVERITY]
    for severity in ("critical", "warning"):
        if alarm.name.endswith(f"-{severity}"):
            return severity
    return None


def paging_topics(graph: g.Graph, prefix: str) -> tuple[set[str], bool]:
    """URNs of topics with an HTTPS subscription to PagerDuty, and whether any is undecided.

    Undecided: a subscription whose topic, protocol or endpoint is unknown (preview); a topic
    without a decided subscription then counts as "cannot verify", not as a violation.
    """
    paging: set[str] = set()
    undecided = False
    for sub in graph.of_type(g.SNS_SUBSCRIPTION):
        targets = graph.resolve(sub, "topic", g.prop(sub.props, "topic"), g.SNS_TOPIC)
        protocol = g.prop(sub.props, "protocol")
        endpoint = endpoint_is_pagerduty(sub, prefix)
        if targets is None or g.is_unknown(protocol) or endpoint is None:
            undecided = True
            continue
        if protocol == "https" and endpoint:
            paging.update(t.urn for t in targets)
    return paging, undecided


def endpoint_is_pagerduty(sub: PolicyResource, prefix: str) -> bool | None:
    """Whether the subscription's endpoint is PagerDuty's (``None``: cannot tell).

    A known endpoint must start with ``prefix``. One that is unknown (preview: the integration
    key does not exist yet) or masked (``[secret]`` in offline plans) is accepted when it is
    built from a PagerDuty ``ServiceIntegration`` — the recorded property dependency of
    ``endpoint`` (or, if the engine recorded none, a dependency of the subscription).
    """
    endpoint = g.prop(sub.props, "endpoint")
    if isinstance(endpoint, str) and not g.is_unknown(endpoint) and endpoint != g.MASKED_SECRET:
        return endpoint.startswith(prefix)
    if endpoint is None:
        return False
    deps = (sub.property_dependencies or {}).get("endpoint") or sub.dependencies or []
    if any(d.resource_type == g.PD_INTEGRATION for d in deps):
        return True
    return None


def check(
    graph: g.Graph, cfg: dict[str, Any], report: ReportViolation, unverified: g.Unverified
) -> None:
    paging, subscriptions_undecided = paging_topics(graph, cfg["pagerdutyEndpointPrefix"])
    for alarm in graph.of_type(g.METRIC_ALARM):
        severity = alarm_severity(alarm)
        if severity not in cfg["severities"]:
            if severity is None and g.is_unknown(g.prop(alarm.props, "tags")):
                unverified.add(f"severity of alarm {alarm.name}")
            continue
        site = graph.site_of(alarm)
        where = f"alarm {alarm.name}" + (f" of site {site.site_id}" if site else "")
        fix = _fix(site)
        for key, label in (("alarmActions", "alarm actions"), ("okActions", "OK actions")):
            actions = g.prop(alarm.props, key)
            if g.is_unknown(actions):
                unverified.add(f"{label} of {where}")
                continue
            if not actions:
                report(f"{where} has no {label}; {fix}", alarm.urn)
                continue
            pages, undecided = False, False
            for action in actions:
                topics = graph.resolve(alarm, key, action, g.SNS_TOPIC)
                if topics is None:
                    undecided = True
                    continue
                pages = pages or any(t.urn in paging for t in topics)
                undecided = undecided or bool(topics and subscriptions_undecided)
            if pages:
                continue
            if undecided:
                unverified.add(f"PagerDuty subscription behind the {label} of {where}")
            else:
                report(
                    f"{where}: none of its {label} ({', '.join(map(str, actions))}) is an SNS "
                    f"topic with an HTTPS subscription to PagerDuty; {fix}",
                    alarm.urn,
                )


def _fix(site: g.SiteInfo | None) -> str:
    if site is None:
        return REMEDIATION
    return REMEDIATION.replace("inventory/sites/<client>/<site>.yaml", site.file)


POLICY = d.stack_policy(
    NAME, DESCRIPTION, EnforcementLevel.MANDATORY, REMEDIATION, CONFIG_SCHEMA, check
)
