"""The shared stack owns the one Grafana notification policy tree and routes every contact
point the site stacks publish; site stacks fail, naming it, when an output they read is gone."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from vigil.cli import main
from vigil.fleet import record as fleet_record
from vigil.fleet.check import tree_routes, unrouted
from vigil.fleet.definition import read_fleet
from vigil.fleet.record import record_shared, record_stack
from vigil.inventory import load_inventory
from vigil.plan.engine import ProgramError, load_stack_config, record_program
from vigil.plan.mocks import OfflineMocks
from vigil.plan.record import Recording

ROOT = Path(__file__).resolve().parents[2]
TREE = "grafana:alerting/notificationPolicy:NotificationPolicy"
CONTACT_POINT = "grafana:alerting/contactPoint:ContactPoint"

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def fleet_recordings() -> tuple[Recording, dict[str, Recording]]:
    return record_shared(load_stack_config(ROOT, "shared"))


def test_one_tree_in_the_shared_stack_routing_every_site_of_the_fleet(
    fleet_recordings: tuple[Recording, dict[str, Recording]],
) -> None:
    shared, sites = fleet_recordings
    assert sorted(sites) == ["prod-eu-1", "prod-eu-2"]
    assert len(shared.of_type(TREE)) == 1
    assert all(not r.of_type(TREE) for r in sites.values())  # site stacks create none
    created = {
        str(point.site): str(point.inputs["name"])
        for recording in sites.values()
        for point in recording.of_type(CONTACT_POINT)
    }
    inventory = load_inventory(ROOT / "inventory")
    assert sorted(created) == sorted(s.id for s in inventory.sites)
    assert tree_routes(shared) == created  # every contact point, each by its site label


def test_before_the_site_stacks_publish_the_tree_routes_nothing_and_check_says_so(
    fleet_recordings: tuple[Recording, dict[str, Recording]],
) -> None:
    """The first `pulumi up` of the shared stack (no site stack deployed): Grafana would refuse
    a route to a contact point that does not exist yet, so there is none; fleet check names
    every contact point left unrouted."""
    first = record_program(load_stack_config(ROOT, "shared"))
    assert tree_routes(first) == {}
    _, sites = fleet_recordings
    files = {s.name: s.file for s in read_fleet(ROOT).stacks}
    problems = unrouted({"shared": first, **sites}, files)
    assert len(problems) == 6
    assert (
        "stacks/Pulumi.prod-eu-2.yaml: site nova-api's contact point 'nova-api-pagerduty' "
        "(stack prod-eu-2) has no route site=nova-api in the notification policy tree of stack "
        "shared (stacks/Pulumi.shared.yaml)"
    ) in "\n".join(problems)


def test_a_removed_site_loses_its_route_before_its_contact_point_goes() -> None:
    """The site is gone from the inventory but its stack still publishes the contact point
    (the shared stack deploys first): the tree no longer routes it, so deleting it succeeds."""
    published = {
        "prod-eu-1": {"grafanaContactPoints": {"acme-shop": "acme-shop-pagerduty"}},
        "prod-eu-2": {"grafanaContactPoints": {"gone-site": "gone-site-pagerduty"}},
    }
    shared = record_program(load_stack_config(ROOT, "shared"), mocks=OfflineMocks(published))
    assert tree_routes(shared) == {"acme-shop": "acme-shop-pagerduty"}


def leaves(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    if isinstance(value, dict) and value:
        for key, child in value.items():
            yield from leaves(child, (*path, key))
    else:
        yield path


def without(recording: Recording, path: tuple[str, ...]) -> Recording:
    exports = json.loads(json.dumps(recording.exports))
    node = exports
    for part in path[:-1]:
        node = node[part]
    del node[path[-1]]
    return dataclasses.replace(recording, exports=exports)


INVENTORY = load_inventory(ROOT / "inventory")
SHARED_OUTPUTS = sorted(
    {("pagerduty", s.owner_team, s.tier.name) for s in INVENTORY.sites}
    | {("zabbix", key) for key in ("mediatypeid", "usrgrpid", "roleid")}
)
"""What site stacks read through the reference: each team's escalation policy per tier its
sites use, and the Zabbix media ids (Grafana data source uids are deterministic, not read)."""


def readers(path: tuple[str, ...]) -> list[str]:
    """The site stacks that read ``path`` of the shared stack's outputs."""
    if path[0] == "zabbix":
        return ["prod-eu-1", "prod-eu-2"]
    team, tier = path[1], path[2]
    clients = {s.client for s in INVENTORY.sites if s.owner_team == team and s.tier.name == tier}
    return [s.name for s in read_fleet(ROOT).site_stacks if set(s.clients or ()) & clients]


def test_the_shared_stack_exports_exactly_what_site_stacks_read(
    fleet_recordings: tuple[Recording, dict[str, Recording]],
) -> None:
    shared, _ = fleet_recordings
    exported = sorted(
        p for p in leaves(json.loads(json.dumps(shared.exports))) if p[0] != "grafana"
    )
    assert exported == SHARED_OUTPUTS
    assert all(readers(p) for p in SHARED_OUTPUTS)


@pytest.mark.parametrize("path", SHARED_OUTPUTS, ids=".".join)
def test_a_missing_shared_output_stops_the_site_stacks_that_read_it_naming_it(
    path: tuple[str, ...], fleet_recordings: tuple[Recording, dict[str, Recording]]
) -> None:
    shared, _ = fleet_recordings
    broken = without(shared, path)
    fleet = read_fleet(ROOT)
    for stack in readers(path):
        with pytest.raises(ProgramError) as error:
            record_stack(fleet, stack, broken)
        assert f"shared stack 'organization/vigil/shared' does not export {'.'.join(path)}" in str(
            error.value
        )


def test_fleet_check_names_each_site_stack_a_missing_output_stops(
    fleet_recordings: tuple[Recording, dict[str, Recording]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shared, _ = fleet_recordings
    broken = without(shared, ("zabbix", "mediatypeid"))
    monkeypatch.setattr(
        fleet_record, "record_shared", lambda config, on_resource=None: (broken, {})
    )
    code = main(["fleet", "check", "--project", str(ROOT)])
    out = capsys.readouterr().out
    assert code == 1, out
    for stack in ("prod-eu-1", "prod-eu-2"):
        assert (
            f"stacks/Pulumi.{stack}.yaml: stack {stack} cannot run: shared stack "
            "'organization/vigil/shared' does not export zabbix.mediatypeid"
        ) in out


def test_only_a_site_stack_may_leave_the_tree_to_the_shared_stack() -> None:
    from vigil.settings import SettingsError, parse_stack_settings

    grafana = '{"enabled": true, "notificationPolicy": "shared"}'
    base = {"grafana:url": "https://grafana.example", "vigil:grafana": grafana}
    with pytest.raises(SettingsError, match="'shared' is for a fleet site stack"):
        parse_stack_settings(base, seal=str, env={})
    site = parse_stack_settings(
        {**base, "vigil:fleetRole": "site", "vigil:sharedStack": "organization/vigil/shared"},
        seal=str,
        env={},
    )
    assert site.grafana.notification_policy == "shared"
    assert site.grafana.manual_routes(["acme-shop"]) == []  # the shared stack routes it
