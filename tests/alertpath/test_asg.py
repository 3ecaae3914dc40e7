"""Auto Scaling groups: the in-service alarm exists only where its metric can exist.

GroupInServiceInstances is published only with group metrics collection on (off by default in
AWS); with missing data breaching, an alarm on a group without it would be a permanent critical.
"""

from __future__ import annotations

from dataclasses import replace

from vigil.catalog import asg
from vigil.catalog.alarms import alarms_for_site, unwatched
from vigil.models import ResourceType
from vigil.plan.gate import unwatched_notes


def _site(inventory, collection: bool):
    site = inventory.site("acme-shop")
    group = replace(site.resources.auto_scaling_groups[0], group_metrics_collection=collection)
    return replace(site, resources=site.resources.replace(auto_scaling_groups=(group,))), group


def _in_service(site, group):
    return [
        a for a in alarms_for_site(site)
        if a.resource_id == group.name and a.metric == "GroupInServiceInstances"
    ]  # fmt: skip


def test_collection_on_gives_the_alarm_and_no_note(inventory):
    site, group = _site(inventory, True)
    (alarm,) = _in_service(site, group)
    assert alarm.treat_missing_data == "breaching"
    assert unwatched(site) == ()


def test_collection_off_gives_no_alarm_and_a_note_with_the_fix(inventory):
    site, group = _site(inventory, False)
    assert _in_service(site, group) == []
    (note,) = unwatched(site)
    assert (note.resource_type, note.resource_id) == (ResourceType.ASG, group.name)
    assert (
        "aws autoscaling enable-metrics-collection --auto-scaling-group-name "
        f"{group.name} --granularity 1Minute"
    ) in note.message
    assert note.message.startswith(f"acme-shop: {ResourceType.ASG} {group.name} has no alarm")


def test_the_plan_notes_carry_the_unwatched_group(inventory):
    site, group = _site(inventory, False)
    (note,) = unwatched_notes(replace(inventory, sites=(site,)))
    assert (note.kind, note.tool) == ("unwatched", "cloudwatch") and group.name in note.message
    site, _ = _site(inventory, True)
    assert unwatched_notes(replace(inventory, sites=(site,))) == []


def test_collection_is_read_from_the_inventory_and_off_by_default():
    doc = {"name": "web", "min_in_service": 2}
    assert asg.build(doc, lambda *_: {}).group_metrics_collection is False
    on = asg.build({**doc, "group_metrics_collection": True}, lambda *_: {})
    assert on.group_metrics_collection is True
    prop = asg.SCHEMA["properties"]["group_metrics_collection"]
    assert prop["type"] == "boolean" and "off by default" in prop["description"]


def test_the_example_group_has_collection_on(inventory):
    (group,) = inventory.site("acme-shop").resources.auto_scaling_groups
    assert group.group_metrics_collection is True
