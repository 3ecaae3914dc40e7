"""Coverage over the calendar: DST-only gaps, layer start/end, overlaps, hand-offs."""

from __future__ import annotations

from datetime import UTC, date, datetime

from vigil import oncall_calendar as cal
from vigil.models import EscalationLevel, Layer, Restriction, Schedule, SupportHours, Team, Tier

YEAR = cal.Horizon(date(2026, 1, 1))


def layer(name: str, zone: str, start: str, minutes: int, members=("a@x",), **kw) -> Layer:
    return Layer(name=name, timezone=zone, rotation=kw.pop("rotation", "weekly"),
                 members=tuple(members), start=kw.pop("begin", "2025-12-29T00:00:00"),
                 restrictions=(Restriction(start=start, duration_minutes=minutes),), **kw)


def schedule(*layers: Layer) -> Schedule:
    return Schedule(key="s", name="s", timezone="Etc/UTC", layers=layers)


def at(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


def test_us_vs_eu_gap_only_while_their_dst_dates_differ():
    # Berlin 08:00 + 12 h and New York 14:00 + 12 h meet exactly while both are on standard
    # time or both on summer time; US summer time starts three weeks before the EU's and ends
    # a week after it, and only then 06:00-07:00 UTC is nobody's.
    s = schedule(layer("EMEA", "Europe/Berlin", "08:00", 720),
                 layer("AMER", "America/New_York", "14:00", 720))
    gaps = cal.uncovered([s], YEAR)
    assert cal.describe(gaps) == [
        "2026-03-09..2026-03-28 daily 06:00–07:00 UTC",
        "2026-10-25..2026-11-01 daily 06:00–07:00 UTC",
    ]
    # the two reference weeks (January, July) of the old proof saw none of it
    assert not any(cal.contains(gaps, at(d)) for d in ("2026-01-07T06:30", "2026-07-08T06:30"))


def test_sydney_vs_berlin_gap_follows_both_dst_calendars():
    # Sydney 17:00 + 12 h, Berlin 19:00 + 12 h: contiguous while Sydney is 10 h ahead of Berlin
    # (northern winter). The EU switches to summer time on 29 Mar (Berlin's evening window
    # then ends at 05:00 UTC from the 30th), Sydney to standard time on 5 Apr (its window then
    # starts at 07:00 UTC), back on 4 Oct, and the EU back on 25 Oct: 9 h, 8 h, 9 h ahead.
    s = schedule(layer("APAC", "Australia/Sydney", "17:00", 720),
                 layer("EMEA", "Europe/Berlin", "19:00", 720))
    assert cal.describe(cal.uncovered([s], YEAR)) == [
        "2026-03-30..2026-04-04 daily 05:00–06:00 UTC",
        "2026-04-05..2026-10-03 daily 05:00–07:00 UTC",
        "2026-10-04..2026-10-25 daily 05:00–06:00 UTC",
    ]


def test_a_layer_that_starts_later_covers_nothing_before():
    s = schedule(Layer(name="all", timezone="Europe/Berlin", rotation="weekly",
                       members=("a@x",), start="2026-02-02T09:00:00"))
    assert cal.describe(cal.uncovered([s], YEAR)) == ["2026-01-01 00:00–2026-02-02 08:00 UTC"]


def test_a_layer_end_opens_a_gap_unless_another_layer_takes_over():
    ending = Layer(name="old", timezone="Etc/UTC", rotation="weekly", members=("a@x",),
                   start="2025-01-01T00:00:00", end="2026-06-01T00:00:00")
    assert cal.describe(cal.uncovered([schedule(ending)], YEAR)) == [
        "2026-06-01 00:00–2027-01-01 00:00 UTC"
    ]
    successor = Layer(name="new", timezone="Etc/UTC", rotation="weekly", members=("b@x",),
                      start="2026-06-01T00:00:00")
    assert cal.uncovered([schedule(ending, successor)], YEAR) == []


def test_overlapping_layers_of_one_zone_page_the_later_layer_only():
    base = Layer(name="base", timezone="Etc/UTC", rotation="weekly", members=("base@x",),
                 start="2026-01-05T00:00:00")
    day = layer("day", "Etc/UTC", "09:00", 480, members=("day@x",), begin="2026-01-05T09:00:00")
    c = cal.Calendar.of(schedule(base, day), YEAR)
    assert c.paged_at(at("2026-03-03T10:00")) == ("day@x",)  # PagerDuty's final schedule
    assert c.paged_at(at("2026-03-03T20:00")) == ("base@x",)


def test_overlapping_zones_page_one_person_each():
    # vigil deploys one PagerDuty schedule per zone, all targets of the same rule
    s = schedule(layer("EMEA", "Europe/Berlin", "06:00", 600, members=("eu@x",)),
                 layer("AMER", "America/New_York", "09:00", 540, members=("us@x",)))
    c = cal.Calendar.of(s, YEAR)
    assert c.paged_at(at("2026-01-07T14:30")) == ("eu@x", "us@x")  # 15:30 Berlin, 09:30 NY
    assert c.paged_at(at("2026-01-07T12:00")) == ("eu@x",)


def test_weekly_hand_off_keeps_local_time_across_dst():
    rot = Layer(name="r", timezone="Europe/Berlin", rotation="weekly",
                members=("one@x", "two@x"), start="2026-03-23T09:00:00")
    c = cal.Calendar.of(schedule(rot), YEAR)
    # 30 Mar 09:00 CEST = 07:00 UTC is the hand-off (08:00 UTC a week earlier, CET)
    assert c.paged_at(at("2026-03-30T06:59")) == ("one@x",)
    assert c.paged_at(at("2026-03-30T07:00")) == ("two@x",)
    assert cal.turn_index(rot, at("2026-03-23T08:00")) == 0


def test_business_hours_gaps_only_inside_support_hours():
    hours = SupportHours(always=False, timezone="Europe/Berlin",
                         days=("mon", "tue", "wed", "thu", "fri"), start="08:00", end="18:00")
    tier = Tier(name="bronze", response_sla_minutes=60, support_hours=hours)
    office = Layer(name="office", timezone="Europe/Berlin", rotation="daily", members=("a@x",),
                   start="2026-01-05T09:00:00",
                   restrictions=(Restriction("09:00", 540, ("mon", "tue", "wed", "thu", "fri")),))
    team = Team(key="web", name="Web", members=(), schedules=(
        Schedule(key="office", name="office", timezone="Europe/Berlin", layers=(office,)),),
        escalation=(EscalationLevel(level="L1", description="", schedule="office"),))
    gaps = cal.coverage_gaps(team, tier, cal.Horizon(date(2026, 3, 2), months=1))
    # 08:00-09:00 Berlin: 07:00-08:00 UTC on weekdays until the EU switch, then 06:00-07:00
    assert cal.describe(gaps) == [
        "2026-03-02..2026-03-27 Mon–Fri 07:00–08:00 UTC",
        "2026-03-30..2026-04-01 daily 06:00–07:00 UTC",
    ]


def test_horizon_is_configurable_and_months_clamp():
    assert cal.Horizon(date(2026, 1, 31), months=1).describe() == "2026-01-31..2026-02-28"
    assert cal.Horizon(date(2026, 12, 2)).describe() == "2026-12-02..2027-12-02"
