"""Load an inventory directory into validated, immutable models — or report every mistake.

``load_inventory(dir)`` reads ``defaults.yaml``, ``teams.yaml`` and ``sites/<client>/<site>.yaml``
(``discovery`` finds them and reports every other entry under ``sites/``; ``yaml_source`` reads
each within fixed bounds), checks each file against its JSON Schema, runs the semantic checks
and only then builds the models. Any problem anywhere raises one ``InventoryError`` listing all
of them, so a pull request shows every mistake at once and nothing half-valid is ever provisioned.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from vigil.inventory import checks, schema
from vigil.inventory.build import build_inventory
from vigil.inventory.cascade import Cascade
from vigil.inventory.checks import aws as aws_checks
from vigil.inventory.checks.grafana_uids import grafana_uid_problems
from vigil.inventory.checks.zabbix_hosts import zabbix_host_problems
from vigil.inventory.discovery import SiteFile, resolve_file, site_files
from vigil.inventory.problems import InventoryError, Problem
from vigil.inventory.yaml_source import Source, load_source
from vigil.models import Inventory
from vigil.oncall_calendar import Horizon

__all__ = ["InventoryError", "Problem", "load_inventory"]

MAX_INVENTORY_NODES = 500_000
"""YAML nodes all site files may hold together: the 1,000-site benchmark inventory has about
110,000 (the example sites have 30–140 each). With the per-file bounds of ``yaml_source`` this
bounds the memory of ``vigil validate`` on any input (``tests/inventory/test_memory.py``)."""


@dataclass
class _Loaded:
    src: Source | None  # None: the file does not exist
    valid: bool  # parsed and schema-valid: semantic checks may run


def _load(path: Path, root: Path, kind: str, problems: list[Problem], why: str) -> _Loaded:
    display = str(path)
    target = resolve_file(path, root)
    if isinstance(target, str):
        message = f"missing file: {why}" if target == "missing" else target
        problems.append(Problem(display, 1, 1, "", message))
        return _Loaded(None, False)
    return _read(target, display, kind, problems)


def _read(path: Path, display: str, kind: str, problems: list[Problem]) -> _Loaded:
    """Parse and schema-check one file, collecting its problems."""
    src = load_source(path, display)
    problems += src.problems
    if src.data is None:
        return _Loaded(src, False)
    schema_problems = schema.validate(src, kind)
    problems += schema_problems
    return _Loaded(src, not schema_problems)


def _cross_file_path(path: tuple[str | int, ...]) -> bool:
    """Paths that checks across site files point at once every file is checked: top-level
    keys (site id, client) and the servers (Zabbix host names); deeper problems fall back to
    the nearest kept ancestor."""
    return len(path) <= 1 or (path[0] == "servers" and len(path) <= 3)


def _over_budget(src: Source, rest: list[SiteFile]) -> Problem:
    unread = f"; {len(rest)} more site file(s) not read" if rest else ""
    return Problem(
        src.file,
        1,
        1,
        "",
        f"the inventory passes {MAX_INVENTORY_NODES} YAML nodes in all here{unread}: split it "
        "into several inventories (one per stack)",
    )


def load_inventory(
    root: str | Path, horizon: Horizon | None = None, clients: Collection[str] | None = None
) -> Inventory:
    """The validated inventory under ``root``; raises ``InventoryError`` with every problem.

    On-call coverage is proven over ``horizon`` (default: today through the next 12 months).
    ``clients`` (a site stack's ``vigil:clients``) reads only those clients' folders: a
    1,000-site fleet would otherwise parse and check every site file once per stack (a fifth
    of a fleet plan's CPU). Checks across site files (site ids, Grafana uids, Zabbix host
    names) then cover the shard only; the whole inventory is proven by ``vigil validate``,
    by the shared stack (which reads every client) and by ``vigil fleet check``.
    """
    root = Path(root)
    if not root.is_dir():
        raise InventoryError([Problem(str(root), 1, 1, "", "inventory directory not found")])
    problems: list[Problem] = []
    real_root = root.resolve()
    defaults = _load(
        root / "defaults.yaml",
        real_root,
        "defaults",
        problems,
        "defaults.yaml defines the tiers sites refer to",
    )
    teams = _load(
        root / "teams.yaml",
        real_root,
        "teams",
        problems,
        "teams.yaml defines the on-call teams sites refer to",
    )
    defaults_clean = False
    cascade: Cascade | None = None
    if defaults.valid and defaults.src is not None:
        cascade = Cascade(defaults.src)  # folded once: the checks and the models share it
        found = checks.check_defaults(defaults.src, cascade)
        problems += found
        defaults_clean = not found
    clean_teams: set[str] = set()
    if teams.valid and teams.src is not None:
        found, clean_teams = checks.check_teams(teams.src)
        problems += found
    ctx = checks.build_context(
        defaults.src, defaults_clean, teams.src, clean_teams, cascade, horizon
    )

    sites: list[Source] = []
    ids: dict[str, Source] = {}  # site id → the file that uses it first
    files, discovery_problems = site_files(root)
    problems += discovery_problems
    if clients is not None:
        wanted = set(clients)
        files = [file for file in files if file.client in wanted]
    budget = MAX_INVENTORY_NODES
    for index, file in enumerate(files):
        site = _read(file.path, file.display, "site", problems)
        src = site.src
        if src is None or src.data is None:
            continue
        budget -= src.size
        if budget < 0:
            problems.append(_over_budget(src, files[index + 1 :]))
            break
        if site.valid:
            found = checks.check_site(src, file.client, ctx)
            # The AWS rules need the site's model: only for a site with no other problem.
            problems += found or aws_checks.site_problems(src, ctx)
            sites.append(src)
        site_id = src.data.get("id") if isinstance(src.data, dict) else None
        if isinstance(site_id, str):
            if site_id in ids:
                first = ids[site_id]
                line, _ = first.locate(("id",))
                problems.append(
                    src.problem(
                        ("id",), f"site id '{site_id}' is already used by {first.file}:{line}"
                    )
                )
            else:
                ids[site_id] = src
        src.release_nodes(keep=_cross_file_path)  # memory stays bounded by the data
    problems += grafana_uid_problems(ids.values())
    problems += zabbix_host_problems(ids.values())

    if problems:
        raise InventoryError(problems)
    assert defaults.src is not None and teams.src is not None and ctx.cascade is not None
    return build_inventory(
        str(root), defaults.src.data, teams.src.data, sites, ctx.cascade, ctx.built
    )
