"""One owner for shared objects: the shared stack creates them, site stacks reference them.

The shared stack (``vigil:fleetRole: shared``) owns what several site stacks need: every team's
schedules and one escalation policy per tier any site of the inventory uses, the CloudWatch
data sources of every site account, and the Zabbix PagerDuty media type and routing group. It
exports their ids (`SHARED_EXPORTS`); a site stack (``vigil:fleetRole: site``) reads them with
``pulumi.StackReference`` (Pulumi's own cross-stack mechanism; ``vigil plan`` answers it from
the shared stack's offline recording) and creates only its sites' own objects.

The Grafana notification policy tree is one per organisation, so the shared stack owns it
(``notificationPolicy: manage``; site stacks say ``shared``), with one route per site of the
fleet. A route may only name a contact point that exists: Grafana refuses the whole tree
otherwise (``Route.ValidateReceivers``, "receiver '%s' does not exist", grafana
pkg/services/ngalert/api/tooling/definitions), and a contact point still routed to cannot be
deleted. So the tree routes exactly the sites that are both in the inventory and published by
their site stack (`CONTACT_POINTS`, read through a ``StackReference`` per site stack): the
shared stack's ``pulumi up`` before the site stacks drops the routes of removed sites (their
contact points are deleted after), the one after them adds the routes of new sites (their
contact points now exist). The deploy workflow runs it both times.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from components.grafana import cloudwatch_datasources, policy_tree, site_route
from components.pagerduty import Directory, TeamOnCall
from components.zabbix import ZabbixConnection, ZabbixSharedRouting
from vigil.models import Inventory, Site, Tier
from vigil.settings import StackSettings

PAGERDUTY, ZABBIX, GRAFANA = "pagerduty", "zabbix", "grafana"
CONTACT_POINTS = "grafanaContactPoints"
"""Output of every stack with Grafana: site id → the name of the contact point it created."""
SHARED_EXPORTS = (PAGERDUTY, ZABBIX, GRAFANA)
"""Outputs of the shared stack: ``pagerduty.<team>.<tier>`` escalation policy id,
``zabbix.{mediatypeid,usrgrpid,roleid}``, ``grafana.datasources.<account/region>`` uid."""


def tiers_by_team(sites: Sequence[Site]) -> dict[str, dict[str, Tier]]:
    used: dict[str, dict[str, Tier]] = {}
    for site in sites:
        used.setdefault(site.owner_team, {})[site.tier.name] = site.tier
    return used


def shared_main(settings: StackSettings, inventory: Inventory) -> None:
    """The shared stack's program: shared objects for every site of the inventory, exported."""
    directory = Directory()
    teams = {
        key: TeamOnCall(inventory.team(key), tiers, directory)
        for key, tiers in sorted(tiers_by_team(inventory.sites).items())
    }
    pulumi.export(
        PAGERDUTY, {team: dict(on_call.escalation_policy_ids) for team, on_call in teams.items()}
    )
    if settings.zabbix.enabled:
        media = ZabbixSharedRouting(
            "vigil-zabbix-pagerduty",
            ZabbixConnection.of(settings.zabbix),
            pagerduty_region=settings.zabbix.pagerduty_region,
        ).media
        pulumi.export(
            ZABBIX,
            {k: getattr(media, k) for k in ("mediatypeid", "usrgrpid", "roleid")},
        )
    if settings.grafana.enabled:
        sources = cloudwatch_datasources(inventory.sites, settings.grafana)
        pulumi.export(GRAFANA, {"datasources": {k: ds.uid for k, ds in sources.items()}})
        if settings.grafana.notification_policy == "manage":
            fleet_policy_tree(settings, inventory)


def site_stack_names(project_dir: str, shared: str) -> list[str]:
    """The fleet's site stacks that read this shared stack (``vigil:sharedStack``)."""
    from vigil.fleet.definition import read_fleet

    return [
        s.name
        for s in read_fleet(project_dir).stacks
        if s.role == "site" and s.shared_stack.rsplit("/", 1)[-1] == shared
    ]


def fleet_policy_tree(settings: StackSettings, inventory: Inventory) -> Any:
    """The org's one tree, routing every site of the fleet whose site stack published its
    contact point (see the module docstring for why not every site of the inventory)."""
    org, project, me = pulumi.get_organization(), pulumi.get_project(), pulumi.get_stack()
    root = pulumi.get_root_directory() or "."
    published = [
        pulumi.StackReference(f"vigil-site-{name}", f"{org}/{project}/{name}").get_output(
            CONTACT_POINTS
        )
        for name in site_stack_names(root, me)
    ]
    site_ids = sorted(site.id for site in inventory.sites)

    def routes(exports: list[Any]) -> list[Any]:
        contact_points: dict[str, str] = {}
        for export in exports:
            contact_points.update(export if isinstance(export, Mapping) else {})
        return [site_route(i, contact_points[i]) for i in site_ids if i in contact_points]

    return policy_tree(pulumi.Output.all(*published).apply(routes), settings.grafana)


class SharedStack:
    """A site stack's view of the shared stack: ids read through one ``StackReference``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.ref = pulumi.StackReference(f"vigil-shared-{name.rsplit('/', 1)[-1]}", name)

    def get(self, *path: str) -> pulumi.Output[Any]:
        """``outputs[path[0]][path[1]]…``; a missing id stops the program, naming it."""

        def walk(outputs: Any) -> Any:
            value = outputs
            for i, part in enumerate(path):
                if not isinstance(value, Mapping) or part not in value:
                    raise pulumi.RunError(
                        f"shared stack {self.name!r} does not export {'.'.join(path[: i + 1])} "
                        "(is it deployed, and does it serve this site's team and tier?)"
                    )
                value = value[part]
            return value

        return self.ref.outputs.apply(walk)


class ReferencedTeam:
    """Stands in for `TeamOnCall` in a site stack: the escalation policy ids of one team."""

    def __init__(self, shared: SharedStack, team: str, tiers: Mapping[str, Tier]) -> None:
        self.escalation_policy_ids = {
            tier: shared.get(PAGERDUTY, team, tier) for tier in sorted(tiers)
        }


class ReferencedMedia:
    """Stands in for the Zabbix shared media resource: its ids from the shared stack."""

    def __init__(self, shared: SharedStack) -> None:
        self.mediatypeid = shared.get(ZABBIX, "mediatypeid")
        self.usrgrpid = shared.get(ZABBIX, "usrgrpid")
        self.roleid = shared.get(ZABBIX, "roleid")


class ReferencedRouting:
    """Stands in for `ZabbixSharedRouting` (``.media``) in a site stack."""

    def __init__(self, shared: SharedStack) -> None:
        self.media = ReferencedMedia(shared)
