"""Load an inventory directory into validated, immutable models — or report every mistake.

``load_inventory(dir)`` reads ``defaults.yaml``, ``teams.yaml`` and ``sites/<client>/<site>.yaml``,
checks each file against its JSON Schema, runs the semantic checks and only then builds the
models. Any problem anywhere raises one ``InventoryError`` listing all of them, so a pull
request shows every mistake at once and nothing half-valid is ever provisioned.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vigil.inventory import checks, schema
from vigil.inventory.build import build_inventory
from vigil.inventory.cascade import Cascade
from vigil.inventory.checks.grafana_uids import grafana_uid_problems
from vigil.inventory.problems import InventoryError, Problem
from vigil.inventory.yaml_source import Source, load_source
from vigil.models import Inventory
from vigil.oncall_calendar import Horizon

__all__ = ["InventoryError", "Problem", "load_inventory"]

SITE_SUFFIXES = (".yaml", ".yml")


@dataclass
class _Loaded:
    src: Source | None  # None: the file does not exist
    valid: bool  # parsed and schema-valid: semantic checks may run


def _load(path: Path, display: str, kind: str, problems: list[Problem], why: str) -> _Loaded:
    if not path.is_file():
        problems.append(Problem(display, 1, 1, "", f"missing file: {why}"))
        return _Loaded(None, False)
    src = load_source(path, display)
    problems += src.problems
    if src.data is None:
        return _Loaded(src, False)
    schema_problems = schema.validate(src, kind)
    problems += schema_problems
    return _Loaded(src, not schema_problems)


def _site_files(root: Path, problems: list[Problem]) -> list[tuple[Path, str, str]]:
    """``(path, display path, client folder)`` of every site file, reporting misplaced ones."""
    sites_dir = root / "sites"
    if not sites_dir.is_dir():
        problems.append(
            Problem(
                str(sites_dir), 1, 1, "", "missing directory: site files live in sites/<client>/"
            )
        )
        return []
    found = []
    for path in sorted(sites_dir.rglob("*")):
        rel = path.relative_to(sites_dir)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        if path.suffix.lower() not in SITE_SUFFIXES:
            continue
        display = str(path)
        if len(rel.parts) != 2:
            problems.append(
                Problem(
                    display,
                    1,
                    1,
                    "",
                    "site file is not loaded: put it in sites/<client>/<site>.yaml",
                )
            )
        elif path.suffix != ".yaml":
            problems.append(
                Problem(
                    display, 1, 1, "", f"site file is not loaded: rename it to {path.stem}.yaml"
                )
            )
        else:
            found.append((path, display, rel.parts[0]))
    return found


def load_inventory(root: str | Path, horizon: Horizon | None = None) -> Inventory:
    """The validated inventory under ``root``; raises ``InventoryError`` with every problem.

    On-call coverage is proven over ``horizon`` (default: today through the next 12 months).
    """
    root = Path(root)
    if not root.is_dir():
        raise InventoryError([Problem(str(root), 1, 1, "", "inventory directory not found")])
    problems: list[Problem] = []
    defaults = _load(
        root / "defaults.yaml",
        str(root / "defaults.yaml"),
        "defaults",
        problems,
        "defaults.yaml defines the tiers sites refer to",
    )
    teams = _load(
        root / "teams.yaml",
        str(root / "teams.yaml"),
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
    ids: dict[str, Source] = {}
    for path, display, folder in _site_files(root, problems):
        site = _load(path, display, "site", problems, "")
        src = site.src
        if src is None or src.data is None:
            continue
        if site.valid:
            problems += checks.check_site(src, folder, ctx)
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
    problems += grafana_uid_problems(ids.values())

    if problems:
        raise InventoryError(problems)
    assert defaults.src is not None and teams.src is not None and ctx.cascade is not None
    return build_inventory(str(root), defaults.src.data, teams.src.data, sites, ctx.cascade)
