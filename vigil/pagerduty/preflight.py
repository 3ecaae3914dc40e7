"""``vigil preflight``: what PagerDuty must already have before the first ``pulumi up``.

The program looks every user up by e-mail and the CloudWatch vendor by name (data sources
``pagerduty_user`` and ``pagerduty_vendor``); one miss fails the preview of the whole stack,
AWS and Zabbix included, and the offline plan cannot see it. Preflight asks PagerDuty the same
questions the provider will, and reports every miss at once with its inventory line:

- a user must exist with exactly the e-mail the inventory writes: the provider lists users
  with ``query=<email>`` and keeps ``user.Email == email`` (pagerdutyplugin/
  data_source_pagerduty_user.go ``Read``; a case-insensitive match is commented out there);
- the vendor ``Amazon CloudWatch``: the provider lists vendors and keeps a case-insensitive
  name match, else the first regex match (data_source_pagerduty_vendor.go ``Read``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from vigil.inventory.yaml_source import Source, load_source
from vigil.pagerduty.api import Client

CLOUDWATCH_VENDOR = "Amazon CloudWatch"


@dataclass(frozen=True)
class Reference:
    """One e-mail as the inventory writes it, and where."""

    email: str
    where: str  # FILE:LINE:COL: field.path


@dataclass(frozen=True)
class Miss:
    where: str
    message: str

    def format(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


def user_references(teams_file: Path, team_keys: Iterable[str]) -> list[Reference]:
    """E-mails the program looks up for ``team_keys``: layer members and escalation users."""
    src: Source = load_source(teams_file)
    teams = (src.data or {}).get("teams") or {}
    found: list[Reference] = []

    def ref(path: tuple[str | int, ...], email: str) -> None:
        line, col = src.locate(path)
        shown = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in path)
        found.append(Reference(email, f"{src.file}:{line}:{col}: {shown.replace('.[', '[')}"))

    for key in sorted(set(team_keys)):
        team = teams.get(key) or {}
        for skey, schedule in (team.get("schedules") or {}).items():
            for li, layer in enumerate(schedule.get("layers") or ()):
                for mi, email in enumerate(layer.get("members") or ()):
                    ref(("teams", key, "schedules", skey, "layers", li, "members", mi), email)
        for ei, level in enumerate(team.get("escalation") or ()):
            for ui, email in enumerate(level.get("users") or ()):
                ref(("teams", key, "escalation", ei, "users", ui), email)
    return found


def user_misses(client: Client, references: Iterable[Reference]) -> Iterator[Miss]:
    """One ``Miss`` per reference whose exact e-mail PagerDuty does not have."""
    by_email: dict[str, list[Reference]] = {}
    for reference in references:
        by_email.setdefault(reference.email, []).append(reference)
    for email, refs in sorted(by_email.items()):
        users = list(client.list("/users", "users", query=email))
        if any(u.get("email") == email for u in users):
            continue
        near = [str(u["email"]) for u in users if str(u.get("email", "")).lower() == email.lower()]
        hint = (f"; PagerDuty has '{near[0]}' (the provider matches the e-mail exactly, "
                "case included)") if near else ""
        for reference in refs:
            yield Miss(reference.where, f"no PagerDuty user with e-mail '{email}'{hint}")


def vendor_miss(client: Client, name: str = CLOUDWATCH_VENDOR) -> Miss | None:
    """A ``Miss`` when the provider's vendor look-up would find nothing for ``name``."""
    vendors = list(client.list("/vendors", "vendors", query=name))
    if any(str(v.get("name", "")).lower() == name.lower() for v in vendors):
        return None
    pattern = re.compile(name, re.IGNORECASE)
    if any(pattern.search(str(v.get("name", ""))) for v in vendors):
        return None
    return Miss("", f"no PagerDuty vendor named '{name}' (needed by every site's CloudWatch "
                "integration)")
