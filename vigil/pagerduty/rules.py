"""What the PagerDuty provider and API accept from vigil, as data: each rule once, with its source.

vigil sends PagerDuty objects through pulumi-pagerduty 4.37, bridged from
terraform-provider-pagerduty (v3.x; files below are in that repository), which sends them to
PagerDuty's REST API v2. A value one of them rejects fails ``pulumi up`` for the whole service
and everything that depends on it, while an offline plan would say all is well. So every rule
lives here, and two entry points apply it:

- ``check_inputs(type_token, inputs)``: the generated inputs of one resource of the plan, in
  the camelCase form the program sends (the ``pagerduty-provider-rules`` policy), so a
  generator bug cannot slip through;
- ``inventory_problems(defaults, teams, sites)``: the inventory values those inputs come from,
  as ``(document, path, message)`` so ``vigil validate`` points at the line to fix.

Rules are pure functions ``value -> message | None``; ``RULES`` names them with their source.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from vigil.models import DEFAULT_TIME_ZONE
from vigil.resource_types import (
    PD_ALERT_GROUPING,
    PD_ESCALATION_POLICY,
    PD_SCHEDULE,
    PD_SERVICE,
)

PROVIDER = "terraform-provider-pagerduty"

PROVIDER_TIME_ZONES: frozenset[str] = frozenset((
    "Africa/Algiers", "Africa/Cairo", "Africa/Casablanca", "Africa/Harare", "Africa/Johannesburg",
    "Africa/Monrovia", "Africa/Nairobi", "America/Argentina/Buenos_Aires", "America/Bogota",
    "America/Caracas", "America/Chicago", "America/Chihuahua", "America/Denver",
    "America/Godthab", "America/Guatemala", "America/Guyana", "America/Halifax",
    "America/Indiana/Indianapolis", "America/Juneau", "America/La_Paz", "America/Lima",
    "America/Los_Angeles", "America/Mazatlan", "America/Mexico_City", "America/Monterrey",
    "America/Montevideo", "America/New_York", "America/Phoenix", "America/Puerto_Rico",
    "America/Regina", "America/Santiago", "America/Sao_Paulo", "America/St_Johns",
    "America/Tijuana", "Asia/Almaty", "Asia/Baghdad", "Asia/Baku", "Asia/Bangkok",
    "Asia/Chongqing", "Asia/Colombo", "Asia/Dhaka", "Asia/Hong_Kong", "Asia/Irkutsk",
    "Asia/Jakarta", "Asia/Jerusalem", "Asia/Kabul", "Asia/Kamchatka", "Asia/Karachi",
    "Asia/Kathmandu", "Asia/Kolkata", "Asia/Krasnoyarsk", "Asia/Kuala_Lumpur", "Asia/Kuwait",
    "Asia/Magadan", "Asia/Muscat", "Asia/Novosibirsk", "Asia/Rangoon", "Asia/Riyadh",
    "Asia/Seoul", "Asia/Shanghai", "Asia/Singapore", "Asia/Srednekolymsk", "Asia/Taipei",
    "Asia/Tashkent", "Asia/Tbilisi", "Asia/Tehran", "Asia/Tokyo", "Asia/Ulaanbaatar",
    "Asia/Urumqi", "Asia/Vladivostok", "Asia/Yakutsk", "Asia/Yekaterinburg", "Asia/Yerevan",
    "Atlantic/Azores", "Atlantic/Cape_Verde", "Atlantic/South_Georgia", "Australia/Adelaide",
    "Australia/Brisbane", "Australia/Darwin", "Australia/Hobart", "Australia/Melbourne",
    "Australia/Perth", "Australia/Sydney", "Etc/GMT+12", "Etc/UTC", "Europe/Amsterdam",
    "Europe/Athens", "Europe/Belgrade", "Europe/Berlin", "Europe/Bratislava", "Europe/Brussels",
    "Europe/Bucharest", "Europe/Budapest", "Europe/Copenhagen", "Europe/Dublin",
    "Europe/Helsinki", "Europe/Istanbul", "Europe/Kaliningrad", "Europe/Kiev", "Europe/Lisbon",
    "Europe/Ljubljana", "Europe/London", "Europe/Madrid", "Europe/Minsk", "Europe/Moscow",
    "Europe/Paris", "Europe/Prague", "Europe/Riga", "Europe/Rome", "Europe/Samara",
    "Europe/Sarajevo", "Europe/Skopje", "Europe/Sofia", "Europe/Stockholm", "Europe/Tallinn",
    "Europe/Vienna", "Europe/Vilnius", "Europe/Volgograd", "Europe/Warsaw", "Europe/Zagreb",
    "Europe/Zurich", "Pacific/Apia", "Pacific/Auckland", "Pacific/Chatham", "Pacific/Fakaofo",
    "Pacific/Fiji", "Pacific/Guadalcanal", "Pacific/Guam", "Pacific/Honolulu", "Pacific/Majuro",
    "Pacific/Midway", "Pacific/Noumea", "Pacific/Pago_Pago", "Pacific/Port_Moresby",
    "Pacific/Tongatapu",
))
"""Every name ``util/util.go`` ``ValidTZ`` lists (checked by ``ValidateTZValueDiagFunc``): the IANA
names PagerDuty's API accepts ("Types: Time Zone"). ``UTC`` is not on it, ``Etc/UTC`` is."""

UTC_ALIASES = frozenset({"UTC", "UCT", "GMT", "Z", "Zulu", "Universal", "Greenwich",
                         "Etc/GMT", "Etc/GMT0", "Etc/GMT+0", "Etc/GMT-0", "Etc/UCT",
                         "Etc/Universal", "Etc/Zulu", "Etc/Greenwich", "GMT0", "GMT+0", "GMT-0"})

DAY_SECONDS = 86_400
WEEK_SECONDS = 7 * DAY_SECONDS
GROUPING_TIMEOUT_SECONDS = (60, 86_400)
NAME_SPECIAL = frozenset("\\/&<>")
URGENCIES = frozenset({"low", "high", "severity_based"})
TIME_OF_DAY = re.compile(r"^([0-1][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$")

Check = Callable[[Any], "str | None"]


@dataclass(frozen=True)
class Rule:
    """One constraint of the provider or API on one kind of value."""

    key: str
    source: str  # file + function of the provider, or the API reference section
    check: Check


def _int(value: Any) -> int | None:
    """An integer value; whole floats count (the engine's wire format carries numbers as
    doubles), booleans and fractions do not."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


# --------------------------------------------------------------------------- time zones


@cache
def _offsets(name: str) -> tuple[timedelta | None, ...]:
    """UTC offsets of ``name`` twice a day over two years: equal tuples mean the same clock."""
    zone = ZoneInfo(name)
    origin = datetime(2026, 1, 1, tzinfo=UTC)
    return tuple((origin + timedelta(hours=12 * i)).astimezone(zone).utcoffset()
                 for i in range(2 * 730))


def zone_suggestion(name: str) -> str | None:
    """The listed zone to use instead of ``name``: ``UTC`` → ``Etc/UTC``; an IANA zone the
    provider does not list → a listed zone with the same offsets (same region first), e.g.
    ``Europe/Oslo`` → ``Europe/Berlin``; otherwise the closest spelling."""
    if name in UTC_ALIASES:
        return DEFAULT_TIME_ZONE
    if name in available_timezones():
        try:
            own = _offsets(name)
        except (ZoneInfoNotFoundError, ValueError):
            own = ()
        same = [z for z in sorted(PROVIDER_TIME_ZONES) if own and _offsets(z) == own]
        region = name.split("/")[0]
        same.sort(key=lambda z: (z.split("/")[0] != region,
                                 -difflib.SequenceMatcher(None, name, z).ratio()))
        if same:
            return same[0]
    close = difflib.get_close_matches(name, sorted(PROVIDER_TIME_ZONES), n=1, cutoff=0.6)
    return close[0] if close else None


def time_zone(value: Any) -> str | None:
    if value in PROVIDER_TIME_ZONES:
        return None
    hint = zone_suggestion(str(value))
    suffix = f"; did you mean '{hint}'?" if hint else ""
    return (f"time zone '{value}' is not one PagerDuty accepts (the provider's list of "
            f"{len(PROVIDER_TIME_ZONES)} zones){suffix}")


# --------------------------------------------------------------------------- schedules


def restriction(value: Any) -> str | None:
    """A layer restriction: its type, its day and its length."""
    kind = value.get("type")
    seconds = value.get("durationSeconds")
    day = value.get("startDayOfWeek")
    day = _int(day) if day is not None else None
    if kind not in ("daily_restriction", "weekly_restriction"):
        return f"restriction type '{kind}' is neither daily_restriction nor weekly_restriction"
    if kind == "daily_restriction" and day:
        return "start_day_of_week must only be set for a weekly_restriction"
    if kind == "weekly_restriction" and not day:
        return "start_day_of_week must be set for a weekly_restriction"
    if day is not None and not 0 <= day <= 7:
        return f"start_day_of_week {day} is not 1 (Monday) … 7 (Sunday)"
    return restriction_seconds(kind, seconds)


def restriction_seconds(kind: str, seconds: Any) -> str | None:
    """Daily restrictions are shorter than a day; any restriction is at most a week minus 1 s."""
    given, seconds = seconds, _int(seconds)
    if seconds is None or seconds < 1:
        return f"restriction duration {given!r} is not a positive number of seconds"
    if kind == "daily_restriction" and seconds >= DAY_SECONDS:
        return (f"a daily restriction of {seconds} s is not shorter than a day "
                f"({DAY_SECONDS} s); drop the restriction to be on call all day")
    if seconds > WEEK_SECONDS - 1:
        return (f"a restriction of {seconds} s is longer than {WEEK_SECONDS - 1} s "
                "(a week minus one second); drop the restriction to be on call all week")
    return None


def time_of_day(value: Any) -> str | None:
    if isinstance(value, str) and TIME_OF_DAY.match(value):
        return None
    return f"start_time_of_day '{value}' is not HH:MM:SS"


def turn_length(value: Any) -> str | None:
    if (n := _int(value)) is not None and 3600 <= n <= 365 * DAY_SECONDS:
        return None
    return f"rotation turn length {value!r} s is not between 3600 and {365 * DAY_SECONDS}"


def layer_users(value: Any) -> str | None:
    return None if isinstance(value, Sequence) and len(value) >= 1 else "a layer needs a user"


def rfc3339(value: Any) -> str | None:
    """Go's ``time.Parse(time.RFC3339, …)``: a date, ``T``, a time and an offset or ``Z``."""
    text = str(value)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None or "T" not in text:
        return f"'{value}' is not an RFC 3339 date-time with an offset"
    return None


# --------------------------------------------------------------------------- names


def _printable(text: str) -> bool:
    """Go's ``unicode.IsPrint``: letters, marks, numbers, punctuation, symbols and ASCII space."""
    return all(ch == " " or unicodedata.category(ch)[0] in "LMNPS" for ch in text)


def _name(value: Any, special: bool) -> str | None:
    text = str(value)
    if not text or text.endswith(" ") or not _printable(text):
        return f"name '{text}' is blank, ends with a space or has a non-printable character"
    bad = sorted(NAME_SPECIAL.intersection(text)) if special else []
    if bad:
        return f"name '{text}' contains {' '.join(bad)}; PagerDuty forbids \\ / & < >"
    return None


def escalation_policy_name(value: Any) -> str | None:
    return _name(value, special=True)


def service_name(value: Any) -> str | None:
    return _name(value, special=False)


def name_characters(value: Any) -> str | None:
    """A fragment of an escalation policy name (team name): the characters only."""
    return escalation_policy_name(str(value).strip() or "x")


# --------------------------------------------------------------------------- escalation


def num_loops(value: Any) -> str | None:
    if (n := _int(value)) is not None and 0 <= n <= 9:
        return None
    return f"num_loops {value!r} is not between 0 and 9"


def escalation_delay(value: Any) -> str | None:
    if (n := _int(value)) is not None and n >= 1:
        return None
    return f"escalation delay {value!r} min is less than 1 minute"


def target_type(value: Any) -> str | None:
    if value in ("user_reference", "schedule_reference"):
        return None
    return f"target type '{value}' is neither user_reference nor schedule_reference"


# --------------------------------------------------------------------------- services


def _urgency(part: Any) -> Any:
    return part.get("urgency") if isinstance(part, Mapping) else None


def urgency_rule(service: Any) -> str | None:
    """The combination of incident urgency rule, support hours and scheduled actions."""
    rule = service.get("incidentUrgencyRule") or {}
    kind = rule.get("type")
    actions = service.get("scheduledActions") or []
    for where, urgency in (("urgency", rule.get("urgency")),
                           ("during_support_hours", _urgency(rule.get("duringSupportHours"))),
                           ("outside_support_hours", _urgency(rule.get("outsideSupportHours")))):
        if urgency is not None and urgency not in URGENCIES:
            return f"incident_urgency_rule {where} '{urgency}' is not low, high or severity_based"
    if kind == "use_support_hours":
        if rule.get("urgency"):
            return "general urgency cannot be set for a use_support_hours incident urgency rule"
        if not service.get("supportHours"):
            return "use_support_hours needs exactly one support_hours block"
        during = _urgency(rule.get("duringSupportHours"))
        outside = _urgency(rule.get("outsideSupportHours"))
        if actions and (during, outside) != ("high", "low"):
            return (f"scheduled_actions are only possible with urgency high during and low "
                    f"outside support hours, not {during} / {outside}")
    elif actions:
        return "scheduled_actions need incident_urgency_rule type use_support_hours"
    return None


def incident_timeout(value: Any) -> str | None:
    """``auto_resolve_timeout`` / ``acknowledgement_timeout``: seconds as a string, or "null"."""
    text = str(value)
    if text == "null" or text.isdigit():
        return None
    return f"timeout '{value}' is neither a whole number of seconds nor \"null\" (off)"


def grouping_timeout(value: Any) -> str | None:
    low, high = GROUPING_TIMEOUT_SECONDS
    if (n := _int(value)) is not None and low <= n <= high:
        return None
    return (f"alert grouping timeout {value!r} is not between {low} and {high} seconds "
            "(the API counts seconds, not minutes)")


SCHEDULE_GO = f"{PROVIDER} pagerduty/resource_pagerduty_schedule.go resourcePagerDutySchedule"
SERVICE_GO = f"{PROVIDER} pagerduty/resource_pagerduty_service.go"
EP_GO = (f"{PROVIDER} pagerduty/resource_pagerduty_escalation_policy.go "
         "resourcePagerDutyEscalationPolicy")
RULES: dict[str, Rule] = {rule.key: rule for rule in (
    Rule("time-zone", f"{PROVIDER} util/util.go ValidateTZValueDiagFunc (ValidTZ), used by "
         "schedule time_zone and service support_hours.time_zone; API reference Types: Time Zone",
         time_zone),
    Rule("restriction", f"{SCHEDULE_GO}: CustomizeDiff (daily shorter than a day, "
         "start_day_of_week only and always for weekly) and restriction.duration_seconds "
         "IntBetween(1, 7*24*3600-1)", restriction),
    Rule("start-time-of-day", f"{SCHEDULE_GO}: restriction.start_time_of_day StringMatch "
         "00:00:00", time_of_day),
    Rule("rotation-turn-length", f"{SCHEDULE_GO}: rotation_turn_length_seconds "
         "IntBetween(3600, 365*24*3600)", turn_length),
    Rule("layer-users", f"{SCHEDULE_GO}: layer.users MinItems 1", layer_users),
    Rule("rfc3339", f"{SCHEDULE_GO}: layer.start time.Parse(time.RFC3339), "
         "rotation_virtual_start validateRFC3339", rfc3339),
    Rule("escalation-policy-name", f"{EP_GO}: name validateIsAllowedString("
         "NoNonPrintableCharsOrSpecialChars) (util/util.go ValidateIsAllowedString)",
         escalation_policy_name),
    Rule("name-characters", f"{EP_GO}: name (the team name is part of it)", name_characters),
    Rule("num-loops", f"{EP_GO}: num_loops IntBetween(0, 9)", num_loops),
    Rule("escalation-delay", f"{EP_GO}: rule.escalation_delay_in_minutes IntAtLeast(1)",
         escalation_delay),
    Rule("target-type", f"{EP_GO}: rule.target.type user_reference | schedule_reference",
         target_type),
    Rule("service-name", f"{SERVICE_GO} resourcePagerDutyService: name "
         "validateIsAllowedString(NoNonPrintableChars)", service_name),
    Rule("urgency-rule", f"{SERVICE_GO} customizePagerDutyServiceDiff (no general urgency "
         "with use_support_hours, exactly one support_hours); website/docs/r/service.html"
         ".markdown scheduled_actions: \"only possible … high for during_support_hours and "
         "low for outside_support_hours\"", urgency_rule),
    Rule("incident-timeout", f"{SERVICE_GO}: auto_resolve_timeout / acknowledgement_timeout "
         "strings; website/docs/r/service.html.markdown: seconds, \"null\" disables; API "
         "reference schema Service.auto_resolve_timeout: seconds, not negative, 0/null = off",
         incident_timeout),
    Rule("grouping-timeout", f"{PROVIDER} pagerdutyplugin/resource_pagerduty_alert_grouping"
         "_setting.go Schema (config.timeout: seconds, NoneOf(0)); PagerDuty support "
         "\"Time-Based Alert Grouping\": 2 minutes … 24 hours; API reference Alert Grouping "
         "Settings: config.timeout in seconds", grouping_timeout),
)}


# --------------------------------------------------------------------------- generated inputs

INPUT_RULES: tuple[tuple[str, str, str], ...] = (
    (PD_SCHEDULE, "timeZone", "time-zone"),
    (PD_SCHEDULE, "layers[].start", "rfc3339"),
    (PD_SCHEDULE, "layers[].rotationVirtualStart", "rfc3339"),
    (PD_SCHEDULE, "layers[].end", "rfc3339"),
    (PD_SCHEDULE, "layers[].rotationTurnLengthSeconds", "rotation-turn-length"),
    (PD_SCHEDULE, "layers[].users", "layer-users"),
    (PD_SCHEDULE, "layers[].restrictions[]", "restriction"),
    (PD_SCHEDULE, "layers[].restrictions[].startTimeOfDay", "start-time-of-day"),
    (PD_ESCALATION_POLICY, "name", "escalation-policy-name"),
    (PD_ESCALATION_POLICY, "numLoops", "num-loops"),
    (PD_ESCALATION_POLICY, "rules[].escalationDelayInMinutes", "escalation-delay"),
    (PD_ESCALATION_POLICY, "rules[].targets[].type", "target-type"),
    (PD_SERVICE, "name", "service-name"),
    (PD_SERVICE, "supportHours.timeZone", "time-zone"),
    (PD_SERVICE, "", "urgency-rule"),
    (PD_SERVICE, "autoResolveTimeout", "incident-timeout"),
    (PD_SERVICE, "acknowledgementTimeout", "incident-timeout"),
    (PD_ALERT_GROUPING, "config.timeout", "grouping-timeout"),
)
"""(type token, path in the camelCase inputs, rule): ``[]`` walks a list, ``""`` is the whole."""

RULE_TYPES = frozenset(token for token, _, _ in INPUT_RULES)


@dataclass(frozen=True)
class Violation:
    rule: str
    path: str
    message: str

    @property
    def source(self) -> str:
        return RULES[self.rule].source


def walk(value: Any, path: str, shown: str = "") -> Iterator[tuple[str, Any]]:
    """(shown path, value) of every value at ``path``; absent values yield nothing."""
    if not path:
        if value is not None:
            yield shown, value
        return
    head, _, rest = path.partition(".")
    many = head.endswith("[]")
    key = head.removesuffix("[]")
    if not isinstance(value, Mapping) or value.get(key) is None:
        return
    item = value[key]
    where = f"{shown}.{key}" if shown else key
    if not many:
        yield from walk(item, rest, where)
        return
    for index, element in enumerate(item if isinstance(item, Sequence) else ()):
        yield from walk(element, rest, f"{where}[{index}]")


def check_inputs(type_token: str, inputs: Mapping[str, Any],
                 skip: Callable[[Any], bool] = lambda _: False) -> list[Violation]:
    """Every rule broken by one resource's inputs; values ``skip`` says (unknowns) are left out."""
    found: list[Violation] = []
    for token, path, key in INPUT_RULES:
        if token != type_token:
            continue
        for shown, value in walk(inputs, path):
            if skip(value):
                continue
            message = RULES[key].check(value)
            if message:
                found.append(Violation(key, shown or "(inputs)", message))
    return found


# --------------------------------------------------------------------------- inventory

Path = tuple[str | int, ...]
Issue = tuple[Path, str]
"""(path in the document, message with the rule's source)."""


def _issue(path: Path, key: str, value: Any) -> Iterator[Issue]:
    message = RULES[key].check(value)
    if message:
        yield path, f"{message} [{RULES[key].source}]"


def defaults_issues(doc: Mapping[str, Any]) -> Iterator[Issue]:
    """defaults.yaml: support-hours zones and loops of each tier."""
    for name, tier in (doc.get("tiers") or {}).items():
        base: Path = ("tiers", name)
        hours = tier.get("support_hours")
        if isinstance(hours, Mapping) and "timezone" in hours:
            yield from _issue((*base, "support_hours", "timezone"), "time-zone", hours["timezone"])
        if "escalation_loops" in tier:
            yield from _issue((*base, "escalation_loops"), "num-loops", tier["escalation_loops"])


def teams_issues(doc: Mapping[str, Any]) -> Iterator[Issue]:
    """teams.yaml: team names (escalation policy names), zones, restrictions, delays."""
    for key, team in (doc.get("teams") or {}).items():
        base: Path = ("teams", key)
        if "name" in team:
            yield from _issue((*base, "name"), "name-characters", team["name"])
        for skey, schedule in (team.get("schedules") or {}).items():
            spath: Path = (*base, "schedules", skey)
            if "timezone" in schedule:
                yield from _issue((*spath, "timezone"), "time-zone", schedule["timezone"])
            for index, layer in enumerate(schedule.get("layers") or ()):
                lpath: Path = (*spath, "layers", index)
                if "timezone" in layer:
                    yield from _issue((*lpath, "timezone"), "time-zone", layer["timezone"])
                for r_index, item in enumerate(layer.get("restrictions") or ()):
                    kind = "weekly_restriction" if item.get("days") else "daily_restriction"
                    message = restriction_seconds(kind, int(item["duration_minutes"]) * 60)
                    if message:
                        yield ((*lpath, "restrictions", r_index, "duration_minutes"),
                               f"{message} [{RULES['restriction'].source}]")
        for index, level in enumerate(team.get("escalation") or ()):
            if "delay_minutes" in level:
                yield from _issue((*base, "escalation", index, "delay_minutes"),
                                  "escalation-delay", level["delay_minutes"])


def site_issues(doc: Mapping[str, Any]) -> Iterator[Issue]:
    """A site file: its name is the PagerDuty service name."""
    if "name" in doc:
        yield from _issue(("name",), "service-name", doc["name"])
