"""PagerDuty: team on-call (schedules, escalation policies) and per-site services.

Translation only: what to create comes from ``vigil.pagerduty`` specs. Users are looked up by
e-mail (never created) and the CloudWatch vendor once per stack through ``Directory``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NotRequired, Protocol, TypedDict

import pulumi
import pulumi_pagerduty as pagerduty

from vigil import pagerduty as specs
from vigil.models import Site, Team, Tier

CLOUDWATCH_VENDOR = "Amazon CloudWatch"
EVENTS_V2 = "events_api_v2_inbound_integration"

HISTORY = pulumi.ResourceOptions(retain_on_delete=True)
"""A PagerDuty service keeps the site's incident history (timelines, notes, postmortem links,
analytics). ``retainOnDelete`` rather than ``protect`` (Pulumi resource options,
pulumi.com/docs/iac/concepts/resources/options/retainondelete/ and .../protect/): removing a
site file then stops vigil managing the service and deletes its integrations, orchestration and
grouping (no new alerts arrive) while the service and its incidents stay in PagerDuty; ``protect``
would instead fail the whole ``pulumi up`` on main, blocking every other site's change until
someone runs ``pulumi state unprotect``. Retained also applies to a replacement (the old service
is kept, not deleted). ``vigil diff`` lists such a removal as "retained"."""


def cloudwatch_endpoint(integration_key: pulumi.Input[str]) -> pulumi.Output[str]:
    """SNS → PagerDuty CloudWatch integration URL; secret because it carries the key."""
    return pulumi.Output.secret(
        pulumi.Output.from_input(integration_key).apply(
            lambda key: f"https://events.pagerduty.com/integration/{key}/enqueue"
        )
    )


class Directory:
    """Look-ups shared by the whole stack: each user and vendor is fetched once per run."""

    def __init__(self) -> None:
        self._users: dict[str, pulumi.Output[str]] = {}
        self._vendors: dict[str, pulumi.Output[str]] = {}

    def user_id(self, email: str) -> pulumi.Output[str]:
        if email not in self._users:
            self._users[email] = pagerduty.get_user_output(email=email).id
        return self._users[email]

    def vendor_id(self, name: str) -> pulumi.Output[str]:
        if name not in self._vendors:
            self._vendors[name] = pagerduty.get_vendor_output(name=name).id
        return self._vendors[name]


class EscalationPolicies(Protocol):
    """What a site needs of its team: the escalation policy id per tier (a `TeamOnCall`, or
    `components.shared.ReferencedTeam` in a fleet's site stack)."""

    escalation_policy_ids: dict[str, pulumi.Output[str]]


class TeamOnCall(pulumi.ComponentResource):
    """A team's schedules and one escalation policy per tier its sites use (``{team}-{tier}``)."""

    schedule_ids: dict[str, pulumi.Output[str]]
    escalation_policy_ids: dict[str, pulumi.Output[str]]

    def __init__(
        self,
        team: Team,
        tiers: Mapping[str, Tier],
        directory: Directory,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "team": team.key,
            "tiers": {
                name: {
                    "responseSlaMinutes": tier.response_sla_minutes,
                    "support24x7": tier.is_24x7,
                }
                for name, tier in sorted(tiers.items())
            },
        }
        super().__init__("vigil:pagerduty:TeamOnCall", team.key, props, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.schedule_ids = {}
        for spec in specs.team_schedules(team):
            schedule = pagerduty.Schedule(
                spec.resource_name,
                name=spec.name,
                time_zone=spec.time_zone,
                description=f"{team.name}: {spec.source}. Managed by vigil.",
                layers=[
                    pagerduty.ScheduleLayerArgs(
                        name=layer.name,
                        start=layer.start,
                        rotation_virtual_start=layer.rotation_virtual_start,
                        rotation_turn_length_seconds=layer.rotation_turn_length_seconds,
                        end=layer.end,
                        users=[directory.user_id(email) for email in layer.users],
                        restrictions=[
                            pagerduty.ScheduleLayerRestrictionArgs(
                                type=r.type,
                                start_time_of_day=r.start_time_of_day,
                                duration_seconds=r.duration_seconds,
                                start_day_of_week=r.start_day_of_week,
                            )
                            for r in layer.restrictions
                        ]
                        or None,
                    )
                    for layer in spec.layers
                ],
                opts=child,
            )
            self.schedule_ids[spec.resource_name] = schedule.id
        self.escalation_policy_ids = {}
        for name, tier in sorted(tiers.items()):
            esc = specs.escalation_spec(team, tier)
            policy = pagerduty.EscalationPolicy(
                esc.resource_name,
                name=esc.name,
                description=f"{team.name}, tier {tier.name}: L1 within "
                f"{tier.response_sla_minutes} min. Managed by vigil.",
                num_loops=esc.num_loops,
                rules=[
                    pagerduty.EscalationPolicyRuleArgs(
                        escalation_delay_in_minutes=rule.delay_minutes,
                        targets=[
                            pagerduty.EscalationPolicyRuleTargetArgs(
                                type="schedule_reference", id=self.schedule_ids[s]
                            )
                            for s in rule.schedules
                        ]
                        + [
                            pagerduty.EscalationPolicyRuleTargetArgs(
                                type="user_reference", id=directory.user_id(u)
                            )
                            for u in rule.users
                        ],
                    )
                    for rule in esc.rules
                ],
                opts=child,
            )
            self.escalation_policy_ids[name] = policy.id
        self.register_outputs(props)  # policies see outputs, not inputs, in a real preview


class _UrgencyArgs(TypedDict):
    """The ``pagerduty.Service`` keyword arguments that depend on the tier's support hours."""

    incident_urgency_rule: pagerduty.ServiceIncidentUrgencyRuleArgs
    support_hours: NotRequired[pagerduty.ServiceSupportHoursArgs]


def _urgency_args(tier: Tier) -> _UrgencyArgs:
    """Severity-based urgency (see ``vigil.pagerduty.urgency_spec``)."""
    u = specs.urgency_spec(tier)
    if u.type == "constant":
        return {
            "incident_urgency_rule": pagerduty.ServiceIncidentUrgencyRuleArgs(
                type="constant", urgency=u.urgency
            )
        }
    return {
        "incident_urgency_rule": pagerduty.ServiceIncidentUrgencyRuleArgs(
            type="use_support_hours",
            during_support_hours=pagerduty.ServiceIncidentUrgencyRuleDuringSupportHoursArgs(
                type="constant", urgency=u.during_support_hours
            ),
            outside_support_hours=pagerduty.ServiceIncidentUrgencyRuleOutsideSupportHoursArgs(
                type="constant", urgency=u.outside_support_hours
            ),
        ),
        "support_hours": pagerduty.ServiceSupportHoursArgs(
            type="fixed_time_per_day",
            time_zone=u.time_zone,
            start_time=u.start_time,
            end_time=u.end_time,
            days_of_weeks=list(u.days_of_week),
        ),
        # No scheduled_actions: only allowed with high during / low outside (urgency_spec).
    }


def _severity_orchestration(
    site: Site, service_id: pulumi.Input[str], opts: pulumi.ResourceOptions
) -> pagerduty.EventOrchestrationService:
    """Give CloudWatch alarms the severity in their name; other events pass unchanged."""
    return pagerduty.EventOrchestrationService(
        f"{site.id}-orchestration",
        service=service_id,
        enable_event_orchestration_for_service=True,
        sets=[
            pagerduty.EventOrchestrationServiceSetArgs(
                id="start",
                rules=[
                    pagerduty.EventOrchestrationServiceSetRuleArgs(
                        label=rule.label,
                        conditions=[
                            pagerduty.EventOrchestrationServiceSetRuleConditionArgs(
                                expression=rule.expression
                            )
                        ],
                        actions=pagerduty.EventOrchestrationServiceSetRuleActionsArgs(
                            severity=rule.severity
                        ),
                    )
                    for rule in specs.severity_rules()
                ],
            )
        ],
        # No catch-all action: Zabbix and Grafana events keep the severity they were sent with.
        catch_all=pagerduty.EventOrchestrationServiceCatchAllArgs(
            actions=pagerduty.EventOrchestrationServiceCatchAllActionsArgs()
        ),
        opts=opts,
    )


class SiteService(pulumi.ComponentResource):
    """The site's PagerDuty service with one integration per tool; keys are secret outputs.

    Urgency follows alert severity; the service's Event Orchestration gives CloudWatch alarms,
    which arrive without one, the severity their name ends with.
    """

    service_id: pulumi.Output[str]
    cloudwatch_key: pulumi.Output[str]
    cloudwatch_endpoint: pulumi.Output[str]
    zabbix_key: pulumi.Output[str]
    grafana_key: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        site: Site,
        escalation_policy_id: pulumi.Input[str],
        cloudwatch_vendor_id: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {"siteId": site.id}
        super().__init__("vigil:pagerduty:SiteService", name, props, opts)
        child = pulumi.ResourceOptions(parent=self)
        tier = site.tier
        service = pagerduty.Service(
            site.id,
            name=f"{site.name} ({site.id})",
            description=f"{site.client} / {site.id}, tier {tier.name}. "
            f"Runbook: {site.runbook_url}. Managed by vigil.",
            escalation_policy=escalation_policy_id,
            acknowledgement_timeout=specs.timeout_seconds(tier.acknowledgement_timeout_minutes),
            auto_resolve_timeout=specs.timeout_seconds(tier.auto_resolve_timeout_minutes),
            **_urgency_args(tier),
            opts=pulumi.ResourceOptions.merge(child, HISTORY),
        )
        self.service_id = service.id
        _severity_orchestration(site, service.id, child)
        pagerduty.AlertGroupingSetting(
            f"{site.id}-grouping",
            name=f"{site.id} alert grouping",
            description="Alarm storms of one site within minutes become one incident.",
            type="time",
            config=pagerduty.AlertGroupingSettingConfigArgs(timeout=specs.ALERT_GROUPING_SECONDS),
            services=[service.id],
            opts=child,
        )
        secret = pulumi.ResourceOptions(parent=self, additional_secret_outputs=["integrationKey"])
        cloudwatch = pagerduty.ServiceIntegration(
            f"{site.id}-cloudwatch",
            name="Amazon CloudWatch",
            service=service.id,
            vendor=cloudwatch_vendor_id,
            opts=secret,
        )
        zabbix = pagerduty.ServiceIntegration(
            f"{site.id}-zabbix", name="Zabbix", service=service.id, type=EVENTS_V2, opts=secret
        )
        grafana = pagerduty.ServiceIntegration(
            f"{site.id}-grafana", name="Grafana", service=service.id, type=EVENTS_V2, opts=secret
        )
        self.cloudwatch_key = pulumi.Output.secret(cloudwatch.integration_key)
        self.cloudwatch_endpoint = cloudwatch_endpoint(cloudwatch.integration_key)
        self.zabbix_key = pulumi.Output.secret(zabbix.integration_key)
        self.grafana_key = pulumi.Output.secret(grafana.integration_key)
        self.html_url = service.html_url  # dashboards link to the service
        self.register_outputs({**props, "serviceId": service.id})
