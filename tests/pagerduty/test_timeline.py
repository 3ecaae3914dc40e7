"""Escalation timeline: the minute each level is first paged, loops, auto-resolve."""

from __future__ import annotations

import dataclasses

import pytest

from vigil.inventory import load_inventory
from vigil.pagerduty.timeline import timeline
from vigil.plan.report_text import Painter, escalation_section

from ..alertpath.conftest import INVENTORY


@pytest.fixture(scope="module")
def inventory():
    return load_inventory(INVENTORY)


def test_levels_and_loops(inventory):
    t = timeline(inventory.team("ops"), inventory.tiers["gold"])
    first = [(p.level, p.minute) for p in t.pages if p.loop == 1]
    assert first == [("L1", 0), ("L2", 5), ("L3", 20), ("L4", 50)]
    assert t.num_loops == 3 and t.ends_at == 4 * 80  # num_loops repeats after the first pass
    assert [p.minute for p in t.pages if p.level == "L1"] == [0, 80, 160, 240]
    assert t.pages[1].targets == ("ops-devops-oncall",)
    assert t.auto_resolve_minutes is None and not t.cut
    assert t.summary().startswith("L1 0′ · L2 5′ · L3 20′ · L4 50′ · loop 2 from 80′")


def test_auto_resolve_cuts_the_escalation(inventory):
    tier = dataclasses.replace(inventory.tiers["gold"], auto_resolve_timeout_minutes=30)
    t = timeline(inventory.team("ops"), tier)
    assert [(p.level, p.minute) for p in t.pages] == [("L1", 0), ("L2", 5), ("L3", 20)]
    assert t.cut and "auto-resolve at 30′ cuts it short" in t.summary()
    assert "cuts it short" in escalation_section([t], Painter(False))


def test_l1_delay_from_the_inventory_is_honoured(inventory):
    team = inventory.team("ops")
    l1 = dataclasses.replace(team.escalation[0], delay_minutes=10)
    team = dataclasses.replace(team, escalation=(l1, *team.escalation[1:]))
    t = timeline(team, inventory.tiers["silver"])  # SLA 15: a 10-minute L1 is allowed
    assert t.first("L2") == 10


def test_business_hours_note(inventory):
    t = timeline(inventory.team("web"), inventory.tiers["bronze"])
    assert "outside support hours: L1 only (low urgency)" in t.summary()
    assert t.as_json()["support24x7"] is False
