"""`vigil fleet check`: the fleet is a partition of the sites and its stacks never collide.

Three proofs, each from the real inputs (stack files, inventory, the stacks' offline
recordings), each problem naming the sites, files and stacks involved:

1. every site is in exactly one site stack (``vigil:clients``);
2. no two stacks would create an object with the same name or uid in the same account or tool
   (`vigil.fleet.objects`), and no stack exceeds the fleet's resource budget;
3. every shared object a site stack needs (its teams' escalation policies, the Grafana
   notification policy tree, the Zabbix media type) has exactly one owner, and the one tree
   routes every contact point of the fleet (`unrouted`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from vigil import pagerduty as pd_specs
from vigil import resource_types as rt
from vigil.catalog.alarms import GLOBAL_REGION
from vigil.fleet.definition import Fleet, StackEntry
from vigil.fleet.objects import SHARED_KINDS, Key, object_keys
from vigil.grafana.settings import SITE_LABEL
from vigil.inventory import load_inventory
from vigil.models import Inventory, Site
from vigil.plan.engine import ProgramError
from vigil.plan.record import Recording

Record = Callable[[StackEntry], Recording]


@dataclass
class FleetReport:
    problems: list[str] = field(default_factory=list)
    resources: dict[str, int] = field(default_factory=dict)  # stack → resources recorded
    sites: dict[str, list[str]] = field(default_factory=dict)  # stack → its sites

    @property
    def passed(self) -> bool:
        return not self.problems


def membership(fleet: Fleet, inventory: Inventory) -> list[str]:
    """Sites in no site stack or in several, each with its file and the stacks' files."""
    problems = []
    for site in inventory.sites:
        holders = [s for s in fleet.site_stacks if s.clients is None or site.client in s.clients]
        if len(holders) == 1:
            continue
        where = ", ".join(f"{s.name} ({s.file})" for s in holders)
        if not holders:
            problems.append(
                f"{site.source}: site {site.id} (client {site.client}) is in no stack: "
                "add the client to one stack's vigil:clients"
            )
        else:
            problems.append(
                f"{site.source}: site {site.id} (client {site.client}) is in {len(holders)} "
                f"stacks: {where}; keep it in one"
            )
    for stack in fleet.site_stacks:
        for client in sorted(set(stack.clients or ()) - set(inventory.clients)):
            problems.append(f"{stack.file}: vigil:clients: unknown client {client!r}")
    if fleet.shared is not None and fleet.stack(fleet.shared).role != "shared":
        shared = fleet.stack(fleet.shared)
        problems.append(
            f"{shared.file}: vigil:fleetRole: {shared.name} is the fleet's shared stack "
            f"(fleet.yaml) but its role is {shared.role!r}; set vigil:fleetRole: shared"
        )
    for stack in fleet.site_stacks:
        if stack.role == "shared":
            problems.append(
                f"{stack.file}: vigil:fleetRole: {stack.name} is a shared stack but fleet.yaml "
                f"names {fleet.shared!r} as the fleet's shared stack"
            )
    return problems


def needed_shared(recording: Recording, sites: Iterable[Site], inventory: Inventory) -> set[Key]:
    """The shared objects a site stack's sites page through (owned by whichever stack)."""
    keys = {
        Key(
            "pagerduty",
            "",
            "escalation policy",
            pd_specs.escalation_spec(inventory.teams[s.owner_team], s.tier).name,
        )
        for s in sites
    }
    settings = recording.settings
    if settings is not None and settings.grafana.enabled and list(sites):
        keys.add(Key("grafana", "", "notification policy tree", "organisation"))
    if settings is not None and settings.grafana.enabled:
        access = settings.grafana.access
        for site in sites:
            for region in (site.aws_region, GLOBAL_REGION):
                reader = access.reader(site.aws_account_id, region)
                if reader.method != "existing":  # one vigil creates, in some stack
                    keys.add(Key("grafana", "", "data source", reader.uid))
    for key in object_keys(recording):
        if key.kind == "action":  # a Zabbix routing action sends through the media type
            keys.add(Key("zabbix", key.scope, "media type", "vigil-zabbix-pagerduty-media"))
    return keys


def tree_routes(recording: Recording) -> dict[str, str]:
    """Site id → contact point of the routes of a recorded notification policy tree."""
    routes: dict[str, str] = {}
    for tree in recording.of_type(rt.GRAFANA_NOTIFICATION_POLICY):
        for route in tree.inputs.get("policies") or []:
            for matcher in route.get("matchers") or []:
                if matcher.get("label") == SITE_LABEL and matcher.get("match") == "=":
                    routes[str(matcher.get("value"))] = str(route.get("contactPoint"))
    return routes


def unrouted(recordings: Mapping[str, Recording], files: Mapping[str, Path]) -> list[str]:
    """Every contact point a stack creates for a site must be the target of the tree's route
    ``site=<id>``; otherwise the site's Grafana alerts reach only the default contact point."""
    owners = [n for n, r in recordings.items() if r.of_type(rt.GRAFANA_NOTIFICATION_POLICY)]
    if len(owners) != 1:
        return []  # no tree or two: reported as a shared object without owner / two owners
    owner = owners[0]
    routes = tree_routes(recordings[owner])
    problems = []
    for name, recording in recordings.items():
        for point in recording.of_type(rt.GRAFANA_CONTACT_POINT):
            target = str(point.inputs.get("name") or point.name)
            if point.site and routes.get(point.site) != target:
                problems.append(
                    f"{files[name]}: site {point.site}'s contact point {target!r} (stack {name}) "
                    f"has no route site={point.site} in the notification policy tree of stack "
                    f"{owner} ({files[owner]}): its Grafana alerts reach only the default "
                    "contact point"
                )
    return problems


def collisions(keys_by_stack: Mapping[str, set[Key]], files: Mapping[str, Path]) -> list[str]:
    owners: dict[Key, list[str]] = {}
    for stack, keys in keys_by_stack.items():
        for key in keys:
            owners.setdefault(key, []).append(stack)
    problems = []
    for key, stacks in sorted(owners.items()):
        if len(stacks) < 2:
            continue
        where = ", ".join(f"{s} ({files[s]})" for s in stacks)
        what = "shared object has two owners" if key.kind in SHARED_KINDS else "overlap"
        problems.append(f"{what}: {key} is created by stacks {where}")
    return problems


def check_fleet(fleet: Fleet, record: Record) -> FleetReport:
    """Every proof over ``fleet``; ``record(stack)`` runs one stack's program offline."""
    report = FleetReport()
    inventories: dict[str, Inventory] = {}
    for stack in fleet.stacks:
        if stack.inventory not in inventories:
            inventories[stack.inventory] = load_inventory(fleet.project_dir / stack.inventory)
    for _path, inventory in sorted(inventories.items()):
        report.problems += membership(fleet, inventory)
    files = {s.name: s.file for s in fleet.stacks}
    keys_by_stack: dict[str, set[Key]] = {}
    needed: dict[str, set[Key]] = {}
    recordings: dict[str, Recording] = {}
    for stack in fleet.stacks:
        try:
            recording = recordings[stack.name] = record(stack)
        except ProgramError as error:
            if stack.name == fleet.shared or not stack.shared_stack:
                raise
            # e.g. an output of the shared stack it reads is gone: a fleet problem, named
            report.problems.append(f"{stack.file}: stack {stack.name} cannot run: {error}")
            report.resources[stack.name], report.sites[stack.name] = 0, []
            continue
        inventory = inventories[stack.inventory]
        sites = [
            s
            for s in inventory.sites
            if stack.name != fleet.shared and (stack.clients is None or s.client in stack.clients)
        ]
        report.resources[stack.name] = len(recording.resources)
        report.sites[stack.name] = [s.id for s in sites]
        if len(recording.resources) > fleet.budget:
            report.problems.append(
                f"{stack.file}: stack {stack.name} plans {len(recording.resources)} resources, "
                f"over the fleet budget of {fleet.budget}: move clients to another stack"
            )
        keys_by_stack[stack.name] = set(object_keys(recording))
        needed[stack.name] = needed_shared(recording, sites, inventory)
        if stack.shared_stack and stack.shared_stack.rsplit("/", 1)[-1] != fleet.shared:
            report.problems.append(
                f"{stack.file}: vigil:sharedStack: {stack.shared_stack!r} is not the fleet's "
                f"shared stack ({fleet.shared or 'none declared in fleet.yaml'})"
            )
    report.problems += collisions(keys_by_stack, files)
    report.problems += unrouted(recordings, files)
    for name, keys in sorted(needed.items()):
        for key in sorted(keys):
            if not any(key in owned for owned in keys_by_stack.values()):
                report.problems.append(
                    f"{files[name]}: shared object has no owner: stack {name} needs {key}, "
                    "which no stack of the fleet creates"
                )
    return report
