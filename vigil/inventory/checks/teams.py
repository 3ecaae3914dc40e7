"""teams.yaml checks: members, schedules, layers and the escalation ladder.

Schedule and layer time zones are checked against the PagerDuty provider's list (stricter than
IANA) by ``checks.pagerduty``; members' zones are never sent to PagerDuty, so IANA suffices."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from vigil.inventory.checks import pagerduty
from vigil.inventory.checks.identifiers import timezone_problem
from vigil.inventory.problems import Path, Problem, did_you_mean
from vigil.inventory.yaml_source import Source

LEVELS = ("L1", "L2", "L3", "L4")


def check_teams(src: Source) -> tuple[list[Problem], set[str]]:
    """Problems of teams.yaml and the keys of the teams that have none."""
    problems: list[Problem] = []
    clean: set[str] = set()
    for key, team in src.data["teams"].items():
        found = list(_team_problems(src, ("teams", key), team))
        found += pagerduty.teams_problems(src, key)
        problems += found
        if not found:
            clean.add(key)
    return problems, clean


def _team_problems(src: Source, base: Path, team: Mapping[str, Any]) -> Iterator[Problem]:
    emails: dict[str, int] = {}
    for index, member in enumerate(team["members"]):
        path = (*base, "members", index)
        email = member["email"].lower()
        if email in emails:
            yield src.problem((*path, "email"), f"member '{member['email']}' is listed twice")
        emails.setdefault(email, index)
        if "timezone" in member and (tz := timezone_problem(member["timezone"])):
            yield src.problem((*path, "timezone"), tz)

    def member_ref(path: Path, email: str) -> Iterator[Problem]:
        if email.lower() not in emails:
            yield src.problem(
                path, f"'{email}' is not a member of this team{did_you_mean(email, emails)}"
            )

    schedules = team.get("schedules") or {}
    for skey, schedule in schedules.items():
        spath = (*base, "schedules", skey)
        for index, layer in enumerate(schedule["layers"]):
            lpath = (*spath, "layers", index)
            try:
                datetime.fromisoformat(layer["start"])
            except ValueError:
                yield src.problem((*lpath, "start"), f"'{layer['start']}' is not a valid date-time")
            for m_index, email in enumerate(layer["members"]):
                yield from member_ref((*lpath, "members", m_index), email)

    seen: list[str] = []
    for index, level in enumerate(team["escalation"]):
        path = (*base, "escalation", index)
        name = level["level"]
        if name in seen:
            yield src.problem((*path, "level"), f"level {name} appears twice")
        elif seen and LEVELS.index(name) < LEVELS.index(seen[-1]):
            yield src.problem(
                (*path, "level"), f"level {name} comes after {seen[-1]}; order L1 → L4"
            )
        elif not seen and name != "L1":
            yield src.problem((*path, "level"), f"escalation must start with L1, not {name}")
        seen.append(name)
        if "schedule" not in level and "users" not in level:
            yield src.problem(path, "level needs a 'schedule' or 'users' to page")
        if "schedule" in level and level["schedule"] not in schedules:
            yield src.problem(
                (*path, "schedule"),
                f"unknown schedule '{level['schedule']}'"
                + did_you_mean(level["schedule"], schedules),
            )
        for u_index, email in enumerate(level.get("users", ())):
            yield from member_ref((*path, "users", u_index), email)
