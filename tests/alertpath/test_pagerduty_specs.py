"""Pure PagerDuty specs: layers reproduce the inventory's hours, delays equal SLAs, urgency."""

from __future__ import annotations

import re
from datetime import date, datetime

from vigil import oncall_calendar as cal
from vigil import pagerduty as pd
from vigil.catalog.alarms import alarms_for_site
from vigil.models import WEEKDAYS, Layer, Restriction, Schedule

YEAR = cal.Horizon(date(2026, 1, 5))


def _as_layer(spec: pd.ScheduleSpec, layer: pd.LayerSpec) -> Layer:
    """Read a PagerDuty layer back as the inventory model (restrictions in the schedule zone)."""
    return Layer(
        name=layer.name,
        timezone=spec.time_zone,
        rotation="daily" if layer.rotation_turn_length_seconds == 86_400 else "weekly",
        members=layer.users,
        start=layer.start,
        end=layer.end,
        rotation_virtual_start=layer.rotation_virtual_start,
        turn_seconds=layer.rotation_turn_length_seconds,
        restrictions=tuple(
            Restriction(
                start=r.start_time_of_day[:5],
                duration_minutes=r.duration_seconds // 60,
                days=(WEEKDAYS[r.start_day_of_week - 1],) if r.start_day_of_week else (),
            )
            for r in layer.restrictions
        ),
    )


def test_schedule_layers_reproduce_inventory_hours(inventory):
    for team in inventory.teams.values():
        for schedule in team.schedules:
            specs = pd.schedule_specs(team, schedule)
            for spec in specs:
                assert spec.source == schedule.key
                assert len({layer.timezone for layer in schedule.layers}) == 1 or len(specs) > 1
            rebuilt = Schedule(
                schedule.key, schedule.name, schedule.timezone,
                tuple(_as_layer(s, lay) for s in specs for lay in s.layers),
            )
            # every minute of the year, and the same person paged at every hour
            assert cal.schedule_spans(rebuilt, YEAR) == cal.schedule_spans(schedule, YEAR)
            deployed, written = cal.Calendar.of(rebuilt, YEAR), cal.Calendar.of(schedule, YEAR)
            for hour in range(YEAR.start, YEAR.end, 3600):
                assert deployed.paged_at(hour) == written.paged_at(hour), (schedule.key, hour)


def test_follow_the_sun_layers(inventory):
    ops = inventory.team("ops")
    specs = pd.schedule_specs(ops, ops.schedule("l1-follow-the-sun"))
    assert [(s.time_zone, s.layers[0].restrictions[0]) for s in specs] == [
        ("Australia/Sydney", pd.RestrictionSpec("daily_restriction", "07:00:00", 9 * 3600)),
        ("Europe/Berlin", pd.RestrictionSpec("daily_restriction", "06:00:00", 9 * 3600)),
        ("America/New_York", pd.RestrictionSpec("daily_restriction", "09:00:00", 9 * 3600)),
    ]
    apac = specs[0].layers[0]
    assert apac.rotation_turn_length_seconds == 604_800
    assert apac.users == ("mia.chen@agency.example", "liam.walker@agency.example")
    assert datetime.fromisoformat(apac.start).utcoffset().total_seconds() == 11 * 3600
    # the union of the split schedules covers every minute of the year
    rebuilt = [
        Schedule(s.resource_name, s.name, s.time_zone, tuple(_as_layer(s, x) for x in s.layers))
        for s in specs
    ]
    assert cal.uncovered(rebuilt, YEAR) == []


def test_weekly_restrictions_per_day(inventory):
    web = inventory.team("web")
    (spec,) = pd.schedule_specs(web, web.schedule("office-hours"))
    assert spec.resource_name == "web-office-hours" and spec.time_zone == "Europe/Berlin"
    layer = spec.layers[0]
    assert layer.rotation_turn_length_seconds == 86_400
    assert [(r.type, r.start_day_of_week, r.start_time_of_day, r.duration_seconds)
            for r in layer.restrictions] == [
        ("weekly_restriction", day, "08:00:00", 36_000) for day in range(1, 6)
    ]


def test_escalation_first_delay_is_the_tier_sla(inventory):
    for team in inventory.teams.values():
        for tier in inventory.tiers.values():
            esc = pd.escalation_spec(team, tier)
            assert esc.resource_name == f"{team.key}-{tier.name}"
            assert esc.rules[0].delay_minutes == tier.response_sla_minutes
            assert esc.num_loops == tier.escalation_loops
            assert [r.level for r in esc.rules] == [lvl.level for lvl in team.escalation]
            assert all(r.delay_minutes >= pd.MIN_ESCALATION_DELAY for r in esc.rules)
            assert all(r.schedules or r.users for r in esc.rules)
    ops_gold = pd.escalation_spec(inventory.team("ops"), inventory.tiers["gold"])
    assert [r.delay_minutes for r in ops_gold.rules] == [5, 15, 30, 30]
    assert ops_gold.rules[0].schedules == (
        "ops-l1-follow-the-sun-australia-sydney",
        "ops-l1-follow-the-sun-europe-berlin",
        "ops-l1-follow-the-sun-america-new-york",
    )
    assert ops_gold.rules[1].schedules == ("ops-devops-oncall",)
    assert ops_gold.rules[3].users == ("support@hosting-vendor.example",)


def test_urgency_per_tier(inventory):
    gold = pd.urgency_spec(inventory.tiers["gold"])
    assert (gold.type, gold.urgency) == ("constant", "severity_based")
    bronze = pd.urgency_spec(inventory.tiers["bronze"])
    assert bronze.type == "use_support_hours"
    assert (bronze.during_support_hours, bronze.outside_support_hours) == ("severity_based", "low")
    assert (bronze.time_zone, bronze.start_time, bronze.end_time) == (
        "Europe/Berlin", "08:00:00", "18:00:00",
    )
    assert bronze.days_of_week == (1, 2, 3, 4, 5)
    assert not hasattr(bronze, "scheduled_change_to")  # only allowed with high / low


def test_incident_urgency_by_severity_and_hours(inventory):
    """critical pages around the clock on 24×7 tiers; warning never pages; bronze sleeps."""
    for tier in inventory.tiers.values():
        spec = pd.urgency_spec(tier)
        for in_hours in (True, False):
            assert pd.incident_urgency(spec, "warning", in_hours) == "low"
            assert pd.incident_urgency(spec, "info", in_hours) == "low"
        assert pd.incident_urgency(spec, "critical", True) == "high"
        assert pd.incident_urgency(spec, "error", True) == "high"  # Zabbix "High"
        expected_night = "high" if tier.is_24x7 else "low"
        assert pd.incident_urgency(spec, "critical", False) == expected_night, tier.name
    assert inventory.tiers["gold"].is_24x7 and not inventory.tiers["bronze"].is_24x7


def pcl_regex(expression: str) -> tuple[str, str]:
    """``<field> matches regex '<re>'`` → (field, re)."""
    match = re.fullmatch(r"(\S+) matches regex '([^']*)'", expression)
    assert match, expression
    return match.group(1), match.group(2)


def test_severity_rules_classify_every_alarm_by_its_name(inventory):
    rules = pd.severity_rules()
    assert [r.severity for r in rules] == ["critical", "warning"]
    parsed = [(pcl_regex(r.expression), r.severity) for r in rules]
    assert {field for (field, _), _ in parsed} == {"event.custom_details.AlarmName"}
    names = [(a.name, a.severity) for site in inventory.sites for a in alarms_for_site(site)]
    assert {sev for _, sev in names} == {"critical", "warning"}
    for name, severity in names:
        # the same answer whether PagerDuty searches the value or matches it whole
        for match in (re.search, re.fullmatch):
            hits = [sev for (_, regex), sev in parsed if match(regex, name)]
            assert hits == [severity], (name, hits)
    # a resource or signal containing a severity word does not fool the anchored pattern
    for match in (re.search, re.fullmatch):
        hits = [sev for (_, rx), sev in parsed if match(rx, "s-warning-db-cpu-critical")]
        assert hits == ["critical"]
        assert not [sev for (_, rx), sev in parsed if match(rx, "zabbix: disk warning")]
