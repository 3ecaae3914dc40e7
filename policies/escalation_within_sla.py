"""escalation-within-sla: the first escalation step reaches a human within the tier's SLA.

``rules[0].escalationDelayInMinutes`` is how long PagerDuty waits on the first level before
escalating; if it exceeds the tier's response SLA, an unacknowledged page breaches the SLA
before anyone else hears of it. A rule without targets pages nobody: the incident waits out
its delay in silence.

Checked three ways so a change is caught wherever it happens:
- every escalation policy: each rule has targets; first delay ≤ ``maxFirstEscalationMinutes``
  (default 30), or ≤ ``maxFirstEscalationMinutesBusinessHours`` (default 60) for a policy of a
  tier its ``TeamOnCall`` marks as not 24×7 (the example bronze tier answers within 60 min);
- policies of a ``TeamOnCall`` named ``{team}-{tier}``: first delay ≤ that tier's
  ``responseSlaMinutes`` (from the component's ``tiers`` prop);
- every site: the escalation policy its PagerDuty service uses (``escalationPolicy`` id) fires
  within the site's ``responseSlaMinutes``. During a preview the id of a new policy is
  unknown; if no dependency links them either, the check is advisory until apply.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import EnforcementLevel, PolicyResource, ReportViolation

from policies import define as d
from policies import graph as g
from vigil import limits

NAME = "escalation-within-sla"
DESCRIPTION = (
    "The first rule of each site's escalation policy escalates within the tier's response SLA; "
    "no rule is without targets."
)
REMEDIATION = (
    "The first escalation delay is the tier's response_sla_minutes (inventory/defaults.yaml "
    "tiers.<tier>) and every escalation level in inventory/teams.yaml needs a schedule or users."
)
DEFAULTS: dict[str, Any] = {  # vigil validate holds tiers to the same numbers
    "maxFirstEscalationMinutes": limits.MAX_FIRST_ESCALATION_MINUTES,
    "maxFirstEscalationMinutesBusinessHours": limits.MAX_FIRST_ESCALATION_MINUTES_BUSINESS_HOURS,
}
CONFIG_SCHEMA = d.config_schema(
    DEFAULTS,
    maxFirstEscalationMinutes={
        "type": "number",
        "minimum": 1,
        "description": "Upper bound for the first escalation delay of any escalation policy not "
        "known to serve a business-hours tier.",
    },
    maxFirstEscalationMinutesBusinessHours={
        "type": "number",
        "minimum": 1,
        "description": "Upper bound for policies of tiers that are not 24×7.",
    },
)


def first_delay(ep: PolicyResource) -> float | str | None:
    """Rule 0's delay in minutes; ``UNKNOWN`` when unknown; ``None`` when there are no rules."""
    rules = g.prop(ep.props, "rules")
    if g.is_unknown(rules):
        return g.UNKNOWN
    if not rules or not isinstance(rules[0], Mapping):
        return None
    delay = rules[0].get("escalationDelayInMinutes")
    if g.is_unknown(delay):
        return g.UNKNOWN
    return g.number(delay)


def team_tier(graph: g.Graph, ep: PolicyResource) -> tuple[str, float | None, bool] | None:
    """(tier, SLA, 24×7) of a policy named ``{team}-{tier}`` under its ``TeamOnCall``."""
    team = graph.ancestor(ep, g.TEAM_ONCALL)
    if team is None:
        return None
    team_key = g.prop(team.props, "team") or team.name
    tiers = g.prop(team.props, "tiers")
    if not isinstance(tiers, Mapping) or not ep.name.startswith(f"{team_key}-"):
        return None
    tier = ep.name[len(team_key) + 1 :]
    if not isinstance(tiers.get(tier), Mapping):
        return None
    spec = tiers[tier]
    return tier, g.number(spec.get("responseSlaMinutes")), g.as_bool(spec.get("support24x7"), True)


def check(
    graph: g.Graph, cfg: dict[str, Any], report: ReportViolation, unverified: g.Unverified
) -> None:
    reported: set[tuple[str, float]] = set()

    for ep in graph.of_type(g.PD_ESCALATION_POLICY):
        rules = g.prop(ep.props, "rules")
        if g.is_unknown(rules):
            unverified.add(f"rules of escalation policy {ep.name}")
            continue
        if not rules:
            report(
                f"escalation policy {ep.name} has no rules: it pages nobody. {REMEDIATION}", ep.urn
            )
            continue
        for index, rule in enumerate(rules):
            targets = rule.get("targets") if isinstance(rule, Mapping) else None
            if g.is_unknown(targets):
                unverified.add(f"targets of rule {index + 1} of escalation policy {ep.name}")
            elif not targets:
                report(
                    f"escalation policy {ep.name}: rule {index + 1} has no targets, so that "
                    f"level pages nobody. {REMEDIATION}",
                    ep.urn,
                )
        delay = first_delay(ep)
        if isinstance(delay, str):  # g.UNKNOWN
            unverified.add(f"first escalation delay of {ep.name}")
            continue
        if delay is None:
            report(f"escalation policy {ep.name}: first rule has no escalation delay.", ep.urn)
            continue
        tier = team_tier(graph, ep)
        business_hours = tier is not None and not tier[2]
        cap = float(
            cfg[
                "maxFirstEscalationMinutesBusinessHours"
                if business_hours
                else "maxFirstEscalationMinutes"
            ]
        )
        if delay > cap:
            report(
                f"escalation policy {ep.name} escalates after {g.fmt_minutes(delay)} min, above "
                f"the pack maximum of {g.fmt_minutes(cap)} min. {REMEDIATION}",
                ep.urn,
            )
        if tier and tier[1] is not None and delay > tier[1]:
            reported.add((ep.urn, tier[1]))
            report(
                f"escalation policy {ep.name} escalates after {g.fmt_minutes(delay)} min, above "
                f"tier {tier[0]}'s response SLA of {g.fmt_minutes(tier[1])} min. "
                f"{REMEDIATION}",
                ep.urn,
            )

    for site in graph.sites:
        if g.report_site_props(site, ("responseSlaMinutes",), report):
            continue
        sla = site.response_sla_minutes
        for service in graph.descendants(site.resource, g.PD_SERVICE):
            ref = g.prop(service.props, "escalationPolicy")
            eps = graph.resolve(service, "escalationPolicy", ref, g.PD_ESCALATION_POLICY)
            what = f"escalation policy of site {site.site_id} (service {service.name})"
            if eps is None:
                unverified.add(what)
                continue
            if not eps:
                report(
                    f"site {site.site_id}: service {service.name} uses escalation policy {ref}, "
                    f"which this stack does not manage, so its SLA cannot be proven. Use the "
                    f"owner_team's policy (owner_team in {site.file}).",
                    service.urn,
                )
                continue
            for ep in eps:
                delay = first_delay(ep)
                if isinstance(delay, str):  # g.UNKNOWN
                    unverified.add(what)
                elif (
                    delay is not None
                    and sla is not None
                    and delay > sla
                    and (
                        ep.urn,
                        sla,
                    )
                    not in reported
                ):
                    report(
                        f"site {site.site_id} (tier {site.tier}, SLA {g.fmt_minutes(sla)} min): "
                        f"escalation policy {ep.name} escalates only after "
                        f"{g.fmt_minutes(delay)} min. {REMEDIATION} Or move the site to a tier "
                        f"whose SLA matches in {site.file}.",
                        service.urn,
                    )


POLICY = d.stack_policy(
    NAME, DESCRIPTION, EnforcementLevel.MANDATORY, REMEDIATION, CONFIG_SCHEMA, check
)
