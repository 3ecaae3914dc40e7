"""The PagerDuty provider's and API's rules (``vigil.pagerduty.rules``) at inventory lines.

The rules module owns the constraints and their sources; this only turns its issues into
``Problem``s of the file that holds the value, so ``vigil validate`` stops a value the first
``pulumi up`` would reject (time zones not on the provider's list, restriction lengths, names).
"""

from __future__ import annotations

from collections.abc import Iterable

from vigil.inventory.problems import Problem
from vigil.inventory.yaml_source import Source
from vigil.pagerduty import rules


def _problems(src: Source, issues: Iterable[rules.Issue]) -> list[Problem]:
    return [src.problem(path, message) for path, message in issues]


def defaults_problems(src: Source) -> list[Problem]:
    return _problems(src, rules.defaults_issues(src.data))


def teams_problems(src: Source, team_key: str) -> list[Problem]:
    """Problems of one team (``teams.<key>``), so a team with one stays out of coverage math."""
    team = src.data["teams"][team_key]
    return _problems(src, rules.teams_issues({"teams": {team_key: team}}))


def site_problems(src: Source) -> list[Problem]:
    return _problems(src, rules.site_issues(src.data))
