"""Grafana uids an inventory produces: valid, and unique across the whole inventory.

Dashboards (one per site) and folders (one per client) are rows of one table in Grafana with a
unique ``(org_id, uid)`` index, so one namespace is checked for both. A collision would let one
site's dashboard silently overwrite another's and both sites' alarms link to it: reported at
both places, before anything is provisioned.
"""

from __future__ import annotations

from collections.abc import Iterable

from vigil import naming
from vigil.inventory.problems import Problem
from vigil.inventory.yaml_source import Source


def _owners(sites: Iterable[Source]) -> list[tuple[str, str, Source, str]]:
    """(uid, what owns it, where, field) for every dashboard and client folder."""
    owners: list[tuple[str, str, Source, str]] = []
    clients: set[str] = set()
    for src in sites:
        data = src.data if isinstance(src.data, dict) else {}
        site_id, client = data.get("id"), data.get("client")
        if isinstance(site_id, str) and site_id:
            uid = naming.dashboard_uid(site_id)
            owners.append((uid, f"site {site_id!r}'s dashboard", src, "id"))
        if isinstance(client, str) and client and client not in clients:
            clients.add(client)
            owners.append((naming.folder_uid(client), f"client {client!r}'s folder", src, "client"))
    return owners


def grafana_uid_problems(sites: Iterable[Source]) -> list[Problem]:
    """Each uid Grafana would refuse, and each uid two owners share (with both file:lines)."""
    problems: list[Problem] = []
    first: dict[str, tuple[str, Source, str]] = {}
    for uid, owner, src, field in _owners(sites):
        bad = naming.grafana_uid_problem(uid)
        if bad:
            problems.append(src.problem((field,), f"{owner}: {bad}"))
            continue
        if uid not in first:
            first[uid] = (owner, src, field)
            continue
        other, other_src, other_field = first[uid]
        line, _ = other_src.locate((other_field,))
        problems.append(
            src.problem(
                (field,),
                f"Grafana uid {uid!r} of {owner} is also the uid of {other} "
                f"({other_src.file}:{line}); rename one of them",
            )
        )
    return problems
