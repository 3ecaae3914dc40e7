"""On-call over the calendar: who PagerDuty pages at every minute of the coming year.

The proof that a 24×7 tier is always covered must hold on the dates PagerDuty will really
evaluate, not on sample weeks: zones whose daylight-saving dates differ (US vs EU in March and
Oct/Nov, Sydney vs the north) open hours that exist for only a few weeks, and a layer that
starts next month covers nothing today. So everything here is interval arithmetic over a
``Horizon`` (the plan date through N months, default 12), in UTC seconds since the epoch:

- a layer is active only inside ``[start, end)`` and, when restricted, inside its restriction
  windows, each built from the local wall-clock time of its own day in the layer's (= its
  PagerDuty schedule's) time zone, so every DST change of every zone in use is on its date;
- within one PagerDuty schedule the *final schedule* is the last active layer ("the lowest
  layer always takes precedence … essentially acts as an override", PagerDuty Knowledge Base,
  Schedule Basics): one person at a time; coverage is the union of the layers' windows;
- vigil splits a multi-zone inventory schedule into one PagerDuty schedule per zone, all
  targets of the same escalation rule, so overlapping zones page one person each
  (``paged_at``);
- hand-offs: a turn of whole days keeps its local wall-clock hand-off time across DST (the
  schedule's times are in the schedule's zone, PagerDuty Knowledge Base "Time Zone Settings →
  Daylight Saving Time": a schedule set in a DST-observing zone keeps its local times while
  users in other zones see them move); hand-off *k* is ``rotation_virtual_start + k × turn``
  in that zone's wall time, other turn lengths count elapsed seconds (``turn_index``).

A restriction's duration is elapsed time from its local start (a 9-hour window over the
spring-forward night is 9 real hours). Gaps print as dated windows (``describe``):
``2026-03-09..2026-03-28 daily 04:00–05:00 UTC``.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from vigil.models import WEEKDAYS, Layer, Restriction, Schedule, SupportHours, Team, Tier

Span = tuple[int, int]
"""Half-open ``[start, end)`` in seconds since 1970-01-01 00:00 UTC."""

DAY = 86_400
DEFAULT_MONTHS = 12


@dataclass(frozen=True)
class Horizon:
    """The instants a proof covers: ``plan_date`` 00:00 UTC up to the same day ``months`` on."""

    plan_date: date
    months: int = DEFAULT_MONTHS

    @classmethod
    def coming_year(cls, today: date | None = None, months: int = DEFAULT_MONTHS) -> Horizon:
        return cls(today or datetime.now(UTC).date(), months)

    @property
    def start(self) -> int:
        return _epoch(datetime.combine(self.plan_date, time(0), tzinfo=UTC))

    @property
    def end(self) -> int:
        year, month = divmod(self.plan_date.month - 1 + self.months, 12)
        last = date(self.plan_date.year + year, month + 1, 1)
        day = min(self.plan_date.day, _month_days(last))
        return _epoch(datetime.combine(last.replace(day=day), time(0), tzinfo=UTC))

    @property
    def span(self) -> Span:
        return (self.start, self.end)

    def describe(self) -> str:
        end = datetime.fromtimestamp(self.end, UTC).date()
        return f"{self.plan_date.isoformat()}..{end.isoformat()}"


def _month_days(first: date) -> int:
    nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return (nxt - first).days


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def parse_instant(value: str, zone: str) -> int:
    """An ISO date-time; without an offset it is wall time in ``zone``."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_zone(zone))
    return _epoch(moment)


def _hhmm(value: str) -> time:
    hours, minutes = (int(part) for part in value.split(":")[:2])
    return time(hour=hours % 24, minute=minutes)


# --------------------------------------------------------------------------- interval algebra


def merge(spans: Iterable[Span]) -> list[Span]:
    """Sorted, disjoint, non-touching spans covering the same instants."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def clip(spans: Iterable[Span], within: Span) -> list[Span]:
    lo, hi = within
    return merge((max(s, lo), min(e, hi)) for s, e in spans if max(s, lo) < min(e, hi))


def subtract(base: Sequence[Span], cut: Sequence[Span]) -> list[Span]:
    """``base`` minus ``cut`` (both merged)."""
    out: list[Span] = []
    j = 0
    for start, end in base:
        cursor = start
        while j < len(cut) and cut[j][1] <= cursor:
            j += 1
        k = j
        while k < len(cut) and cut[k][0] < end:
            if cut[k][0] > cursor:
                out.append((cursor, cut[k][0]))
            cursor = max(cursor, cut[k][1])
            k += 1
        if cursor < end:
            out.append((cursor, end))
    return out


def contains(spans: Sequence[Span], instant: int) -> bool:
    """Whether merged ``spans`` hold ``instant`` (binary search)."""
    index = bisect.bisect_right(spans, (instant, float("inf"))) - 1
    return index >= 0 and spans[index][0] <= instant < spans[index][1]


# --------------------------------------------------------------------------- layers


def restriction_spans(
    restrictions: Sequence[Restriction], zone: str, within: Span
) -> list[Span]:
    """UTC spans of local restriction windows, day by day (each day's own UTC offset)."""
    tz = _zone(zone)
    lo, hi = within
    first = datetime.fromtimestamp(lo, tz).date() - timedelta(days=7)
    last = datetime.fromtimestamp(hi, tz).date() + timedelta(days=1)
    raw: list[Span] = []
    starts = [(r, _hhmm(r.start), frozenset(r.days)) for r in restrictions]
    day = first
    while day <= last:
        weekday = WEEKDAYS[day.weekday()]
        for r, at, days in starts:
            if days and weekday not in days:
                continue
            begin = _epoch(datetime.combine(day, at, tzinfo=tz))
            raw.append((begin, begin + r.duration_minutes * 60))
        day += timedelta(days=1)
    return clip(raw, within)


def layer_bounds(layer: Layer, horizon: Horizon) -> Span:
    """``[start, end)`` of ``layer`` within the horizon (empty when it never overlaps)."""
    start = max(horizon.start, parse_instant(layer.start, layer.timezone))
    end = horizon.end
    if layer.end:
        end = min(end, parse_instant(layer.end, layer.timezone))
    return (start, max(start, end))


def layer_spans(layer: Layer, horizon: Horizon) -> list[Span]:
    """When ``layer`` puts someone on call within ``horizon``."""
    if not layer.members:
        return []
    bounds = layer_bounds(layer, horizon)
    if bounds[0] >= bounds[1]:
        return []
    if not layer.restrictions:
        return [bounds]
    return restriction_spans(layer.restrictions, layer.timezone, bounds)


def schedule_spans(schedule: Schedule, horizon: Horizon) -> list[Span]:
    """When at least one layer of ``schedule`` is on call."""
    return merge(s for layer in schedule.layers for s in layer_spans(layer, horizon))


def uncovered(schedules: Iterable[Schedule], horizon: Horizon) -> list[Span]:
    """Instants of the horizon no layer of any of ``schedules`` covers."""
    covered = merge(s for schedule in schedules for s in schedule_spans(schedule, horizon))
    return subtract([horizon.span], covered)


def support_spans(hours: SupportHours, horizon: Horizon) -> list[Span]:
    """A tier's support hours as UTC spans (the whole horizon for 24×7)."""
    if hours.always:
        return [horizon.span]
    start, end = _hhmm(hours.start), hours.end
    minutes = (24 * 60 if end == "24:00" else _hhmm(end).hour * 60 + _hhmm(end).minute) - (
        start.hour * 60 + start.minute
    )
    restriction = Restriction(start=hours.start, duration_minutes=minutes, days=hours.days)
    return restriction_spans((restriction,), hours.timezone, horizon.span)


def coverage_gaps(team: Team, tier: Tier, horizon: Horizon) -> list[Span]:
    """Instants of ``tier``'s support hours within ``horizon`` with nobody on ``team``'s L1.

    Users L1 pages directly are reachable at any hour, so such a level has no gaps.
    """
    l1 = next((lvl for lvl in team.escalation if lvl.level == "L1"), None)
    if l1 is None:
        return support_spans(tier.support_hours, horizon)
    if l1.users:
        return []
    covered = merge(
        s for schedule in team.first_line_schedules for s in schedule_spans(schedule, horizon)
    )
    return subtract(support_spans(tier.support_hours, horizon), covered)


# --------------------------------------------------------------------------- who is paged


def turn_index(layer: Layer, instant: int) -> int:
    """How many hand-offs of ``layer`` happened by ``instant`` (negative before the first).

    Whole-day turns hand off at the same local wall-clock time across DST; others after a fixed
    number of elapsed seconds.
    """
    tz = _zone(layer.timezone)
    virtual = parse_instant(layer.rotation_virtual_start or layer.start, layer.timezone)
    turn = layer.turn_length_seconds
    if turn % DAY:
        return (instant - virtual) // turn
    origin = datetime.fromtimestamp(virtual, tz).replace(tzinfo=None)
    here = datetime.fromtimestamp(instant, tz).replace(tzinfo=None)
    return int((here - origin) // timedelta(seconds=turn))


def member_at(layer: Layer, instant: int) -> str:
    return layer.members[turn_index(layer, instant) % len(layer.members)]


@dataclass(frozen=True)
class Calendar:
    """One inventory schedule's layers over a horizon, indexed for "who is paged at t"."""

    schedule: Schedule
    spans: tuple[tuple[Span, ...], ...]  # per layer, merged

    @classmethod
    def of(cls, schedule: Schedule, horizon: Horizon) -> Calendar:
        return cls(schedule, tuple(tuple(layer_spans(lay, horizon)) for lay in schedule.layers))

    def paged_at(self, instant: int) -> tuple[str, ...]:
        """Everyone paged at ``instant``: per time zone (one PagerDuty schedule each, as vigil
        deploys them) the last active layer's member on turn; several zones may overlap."""
        final: dict[str, str] = {}
        for layer, spans in zip(self.schedule.layers, self.spans, strict=True):
            if spans and contains(spans, instant):
                final[layer.timezone] = member_at(layer, instant)  # later layers override
        return tuple(dict.fromkeys(final.values()))


def paged_at(calendars: Iterable[Calendar], instant: int) -> tuple[str, ...]:
    """Everyone an escalation rule targeting these schedules pages at ``instant``."""
    return tuple(dict.fromkeys(m for c in calendars for m in c.paged_at(instant)))


# --------------------------------------------------------------------------- reporting


def _utc(instant: int) -> datetime:
    return datetime.fromtimestamp(instant, UTC)


def _clock(moment: datetime) -> str:
    return moment.strftime("%H:%M")


def _weekday(moment: datetime) -> str:
    return WEEKDAYS[moment.weekday()].capitalize()


def _single(start: int, end: int) -> str:
    a, b = _utc(start), _utc(end)
    if a.date() == b.date() or (b - a <= timedelta(days=1) and b.time() == time(0)):
        until = _clock(b) if b.time() != time(0) else "24:00"
        return f"{a.date().isoformat()} {_clock(a)}–{until} UTC"
    return f"{a.date().isoformat()} {_clock(a)}–{b.date().isoformat()} {_clock(b)} UTC"


def _window(start: int, length: int, weekly: bool) -> str:
    """``06:00–07:00``, ``17:00–07:00 next day`` or, for weekly runs, ``Fri 17:00–Mon 07:00``."""
    a, b = _utc(start), _utc(start + length)
    if weekly and length > DAY:
        return f"{_weekday(a)} {_clock(a)}–{_weekday(b)} {_clock(b)}"
    if b.time() == time(0) and length <= DAY:
        return f"{_clock(a)}–24:00"
    return f"{_clock(a)}–{_clock(b)}" + ("" if a.date() == b.date() else " next day")


def _days(weekdays: frozenset[int]) -> str:
    """``{0..4}`` → ``Mon–Fri``; ``{0, 2}`` → ``Mon, Wed``; one day → ``weekly Fri``."""
    names = [WEEKDAYS[d].capitalize() for d in sorted(weekdays)]
    ordered = sorted(weekdays)
    if len(ordered) == 1:
        return f"weekly {names[0]}"
    if ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{names[0]}–{names[-1]}"
    return ", ".join(names)


def _runs(starts: list[int]) -> list[list[int]]:
    """Split sorted ``starts`` into runs of consecutive days."""
    runs: list[list[int]] = []
    for start in starts:
        if runs and start - runs[-1][-1] == DAY:
            runs[-1].append(start)
        else:
            runs.append([start])
    return runs


def _weekly(starts: list[int], length: int) -> list[tuple[int, str]]:
    """Starts that repeat on the same weekdays week after week, as ``first..last Mon–Fri``."""
    weeks: dict[date, list[int]] = {}
    for start in starts:
        day = _utc(start).date()
        weeks.setdefault(day - timedelta(days=day.weekday()), []).append(start)
    out: list[tuple[int, str]] = []
    groups: list[list[list[int]]] = []
    for monday in sorted(weeks):
        pattern = frozenset(_utc(x).weekday() for x in weeks[monday])
        last = groups[-1] if groups else None
        if (last and frozenset(_utc(x).weekday() for x in last[-1]) == pattern
                and _utc(last[-1][0]).date() - timedelta(days=_utc(last[-1][0]).weekday())
                == monday - timedelta(days=7)):
            last.append(weeks[monday])
        else:
            groups.append([weeks[monday]])
    for group in groups:
        first, final = group[0][0], group[-1][-1]
        pattern = frozenset(_utc(x).weekday() for x in group[0])
        if len(group) == 1 and len(group[0]) == 1:
            out.append((first, _single(first, first + length)))
            continue
        dates = f"{_utc(first).date().isoformat()}..{_utc(final).date().isoformat()}"
        ordered = sorted(pattern)
        if len(group) == 1 and ordered == list(range(ordered[0], ordered[-1] + 1)):
            out.append((first, f"{dates} daily {_window(first, length, False)} UTC"))
            continue
        label = "weekly" if len(pattern) == 1 and length > DAY else _days(pattern)
        out.append((first, f"{dates} {label} {_window(first, length, True)} UTC"))
    return out


def describe(spans: Sequence[Span]) -> list[str]:
    """Gaps as dated windows, in order: runs of a week or more of consecutive days as
    ``first..last daily HH:MM–HH:MM UTC``, windows repeating on the same weekdays as
    ``first..last Mon–Fri …`` / ``weekly Fri …``, anything else (or a week or longer) alone."""
    groups: dict[tuple[int, int], list[int]] = {}
    found: list[tuple[int, str]] = []
    for start, end in spans:
        if end - start >= 7 * DAY:
            found.append((start, _single(start, end)))
        else:
            groups.setdefault((start % DAY, end - start), []).append(start)
    for (_, length), starts in groups.items():
        rest: list[int] = []
        for run in _runs(sorted(starts)):
            if len(run) >= 7:
                dates = f"{_utc(run[0]).date().isoformat()}..{_utc(run[-1]).date().isoformat()}"
                found.append((run[0], f"{dates} daily {_window(run[0], length, False)} UTC"))
            else:
                rest.extend(run)
        found.extend(_weekly(rest, length))
    return [text for _, text in sorted(found)]


def summarize(spans: Sequence[Span], limit: int = 10) -> str:
    """``describe`` joined, at most ``limit`` windows, then "and N more"."""
    windows = describe(spans)
    text = ", ".join(windows[:limit])
    if len(windows) > limit:
        text += f" and {len(windows) - limit} more"
    return text
