"""On-call arithmetic over one reference week, for the plan's hour-by-hour HTML view only.

Proofs (``vigil validate``, the ``schedules-cover-24x7`` policy) use ``vigil.oncall_calendar``:
every minute of the coming year, every DST date, layer starts and ends. ``minutes_of_day`` is
shared by the defaults checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from vigil.models import WEEKDAYS, Layer, Schedule

WEEK_MINUTES = 7 * 24 * 60
REFERENCE_WEEKS: tuple[date, ...] = (date(2026, 1, 5), date(2026, 7, 6))
"""Mondays of the weeks coverage is checked on (no DST change happens inside either)."""

Window = tuple[int, int]
"""Half-open ``[start, end)`` minutes since Monday 00:00 UTC of a reference week."""


def _parse_hhmm(value: str) -> time:
    hours, minutes = (int(part) for part in value.split(":"))
    return time(hour=hours % 24, minute=minutes)


def minutes_of_day(hhmm: str) -> int:
    """``"17:30"`` → 1050 (``"24:00"`` → 1440, the end of a day)."""
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _minutes_since(monday: date, instant: datetime) -> int:
    origin = datetime.combine(monday, time(0), tzinfo=UTC)
    return int((instant - origin).total_seconds() // 60)


def layer_windows(layer: Layer, monday: date = REFERENCE_WEEKS[0]) -> list[Window]:
    """UTC windows of the reference week during which ``layer`` is on call (merged, sorted)."""
    if not layer.restrictions:
        return [(0, WEEK_MINUTES)]
    zone = ZoneInfo(layer.timezone)
    raw: list[Window] = []
    # Start a day early and end a day late: a local window can fall into the UTC week from
    # the neighbouring local day.
    for offset in range(-1, 8):
        day = monday + timedelta(days=offset)
        weekday = WEEKDAYS[day.weekday()]
        for restriction in layer.restrictions:
            if restriction.days and weekday not in restriction.days:
                continue
            local_start = datetime.combine(day, _parse_hhmm(restriction.start), tzinfo=zone)
            start = _minutes_since(monday, local_start.astimezone(UTC))
            raw.append((start, start + restriction.duration_minutes))
    return merge_windows(_clip_to_week(raw))


def _clip_to_week(windows: Iterable[Window]) -> list[Window]:
    clipped = []
    for start, end in windows:
        lo, hi = max(start, 0), min(end, WEEK_MINUTES)
        if lo < hi:
            clipped.append((lo, hi))
    return clipped


def merge_windows(windows: Iterable[Window]) -> list[Window]:
    merged: list[Window] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def schedule_windows(schedule: Schedule, monday: date = REFERENCE_WEEKS[0]) -> list[Window]:
    """Minutes at least one layer of ``schedule`` is on call (layers with members only)."""
    return merge_windows(
        window
        for layer in schedule.layers
        if layer.members
        for window in layer_windows(layer, monday)
    )


def gaps(covered: Sequence[Window]) -> list[Window]:
    """The complement of ``covered`` within the week, joining the Sunday→Monday wrap."""
    result: list[Window] = []
    cursor = 0
    for start, end in merge_windows(covered):
        if start > cursor:
            result.append((cursor, start))
        cursor = max(cursor, end)
    if cursor < WEEK_MINUTES:
        result.append((cursor, WEEK_MINUTES))
    if len(result) > 1 and result[0][0] == 0 and result[-1][1] == WEEK_MINUTES:
        last = result.pop()
        first = result.pop(0)
        result.append((last[0], WEEK_MINUTES + first[1]))
    return result


def uncovered(schedules: Iterable[Schedule]) -> list[Window]:
    """Gaps in the union of ``schedules`` on any reference week (union of each week's gaps)."""
    schedules = tuple(schedules)
    found: list[Window] = []
    for monday in REFERENCE_WEEKS:
        covered = [w for s in schedules for w in schedule_windows(s, monday)]
        found.extend(gaps(covered))
    return merge_windows(found)


def format_minute(minute: int) -> str:
    minute %= WEEK_MINUTES
    day, rest = divmod(minute, 24 * 60)
    return f"{WEEKDAYS[day].capitalize()} {rest // 60:02d}:{rest % 60:02d}"


def format_window(window: Window) -> str:
    """``(8520, 9000)`` → ``Sat 22:00–Sun 06:00 UTC``."""
    return f"{format_minute(window[0])}–{format_minute(window[1])} UTC"


def on_call_member(layer: Layer, instant: datetime) -> str | None:
    """Who of ``layer`` is on call at ``instant`` (rotation arithmetic), ignoring restrictions."""
    if not layer.members:
        return None
    zone = ZoneInfo(layer.timezone)
    start = datetime.fromisoformat(layer.start)
    start = start.replace(tzinfo=zone) if start.tzinfo is None else start
    turns = int((instant - start).total_seconds() // layer.turn_length_seconds)
    return layer.members[turns % len(layer.members)]


def is_active(layer: Layer, instant: datetime) -> bool:
    """Whether ``layer``'s restrictions put it on call at ``instant``."""
    monday = (instant.astimezone(UTC) - timedelta(days=instant.astimezone(UTC).weekday())).date()
    minute = _minutes_since(monday, instant.astimezone(UTC))
    return any(start <= minute < end for start, end in layer_windows(layer, monday))


def on_call(schedule: Schedule, instant: datetime) -> str | None:
    """The member on call at ``instant``: the last active layer wins, as in PagerDuty."""
    for layer in reversed(schedule.layers):
        if is_active(layer, instant):
            return on_call_member(layer, instant)
    return None
