"""Target groups idle on purpose (blue/green standby) get no alarm that would page for ever.

An empty group reports HealthyHostCount 0; "fewer than 1 healthy target" with missing data
breaching would be a 24x7 critical on the standby colour. ``standby: true`` drops its alarms and
says so in the plan; a load balancer whose every group is standby is refused by validate.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tests.inventory.util import edit, only
from vigil.catalog import target_group
from vigil.catalog.alarms import alarms_for_site, unwatched
from vigil.models import ResourceType
from vigil.plan.gate import unwatched_notes

SHOP = "sites/acme/shop.yaml"
ARN = "arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup"
GROUP = f"          arn: {ARN}/acme-shop-varnish/73e2d6bc24d8a067\n"
STANDBY = (
    "        - name: acme-shop-green\n"
    f"          arn: {ARN}/acme-shop-green/0123456789abcdef\n"
    "          standby: true\n"
)


def _site(inventory, standby: bool):
    site = inventory.site("acme-shop")
    (lb,) = site.resources.load_balancers
    (live,) = lb.target_groups
    idle = replace(live, name="acme-shop-green", standby=standby)
    lb = replace(lb, target_groups=(live, idle))
    return replace(site, resources=site.resources.replace(load_balancers=(lb,))), live, idle


def _host_alarms(site, group):
    return [
        a for a in alarms_for_site(site)
        if a.resource_id == group.name and a.namespace == target_group.NS
    ]  # fmt: skip


def test_a_standby_group_has_no_alarm_and_the_live_one_keeps_both(inventory):
    site, live, idle = _site(inventory, standby=True)
    assert _host_alarms(site, idle) == []
    live_alarms = {a.metric for a in _host_alarms(site, live)}
    assert live_alarms == {"HealthyHostCount", "UnHealthyHostCount"}


def test_a_live_second_group_is_alarmed_like_the_first(inventory):
    site, live, idle = _site(inventory, standby=False)
    assert {a.metric for a in _host_alarms(site, idle)} == {
        a.metric for a in _host_alarms(site, live)
    }
    assert unwatched(site) == ()


def test_the_standby_group_is_a_plan_note_with_the_swap_to_make(inventory):
    site, _live, idle = _site(inventory, standby=True)
    (note,) = unwatched(site)
    assert (note.resource_type, note.resource_id) == (ResourceType.TARGET_GROUP, idle.name)
    assert note.message.startswith(
        f"acme-shop: {ResourceType.TARGET_GROUP} {idle.name} has no alarm"
    )
    assert "set standby: false here and standby: true on the group it replaces" in note.message
    (plan_note,) = unwatched_notes(replace(inventory, sites=(site,)))
    assert (plan_note.kind, plan_note.tool) == ("unwatched", "cloudwatch")


def test_standby_is_read_from_the_inventory_and_off_by_default(inv: Path) -> None:
    from vigil.inventory import load_inventory

    edit(inv / SHOP, GROUP, GROUP + STANDBY)
    site = next(s for s in load_inventory(inv).sites if s.id == "acme-shop")
    groups = {g.name: g.standby for g in site.resources.load_balancers[0].target_groups}
    assert groups == {"acme-shop-varnish": False, "acme-shop-green": True}


def test_a_load_balancer_with_only_standby_groups_is_refused_at_the_line(inv: Path) -> None:
    edit(inv / SHOP, GROUP, GROUP + "          standby: true\n")
    file, line, _col, path, message = only(inv)
    assert (file, path) == (SHOP, "resources.load_balancers[0].target_groups[0].standby")
    assert "every target group of load balancer 'acme-shop-prod' is standby" in message
    assert inv.joinpath(SHOP).read_text().splitlines()[line - 1].strip() == "standby: true"
