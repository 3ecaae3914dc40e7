"""The fleet definition: which stacks form the fleet, which one owns shared objects, the budget.

``fleet.yaml`` at the project root (optional; without it every stack file is in the fleet)::

    budget: 3000            # resources per stack at most (Pulumi previews slow down past it)
    shared: shared          # the stack owning schedules, escalation policies, Grafana tree …
    stacks: [shared, site-1, site-2]

Which clients a stack manages stays where the program reads it, ``vigil:clients`` in the stack
file: the fleet file names the stacks, the stack files assign the clients, `vigil fleet check`
proves the assignment is a partition.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vigil.stack_file import ConfigFileError, read_config_document

FLEET_FILE = "fleet.yaml"
DEFAULT_BUDGET = 3000
"""Resources per stack: below where the SDK and real previews get slow (docs/DEPLOY.md §8)."""
ALL = "*"


@dataclass(frozen=True)
class StackEntry:
    """One stack of the fleet as its file declares it."""

    name: str
    file: Path
    clients: tuple[str, ...] | None  # None: every client ("*")
    inventory: str
    shared_stack: str
    role: str  # vigil:fleetRole


@dataclass(frozen=True)
class Fleet:
    project_dir: Path
    stacks: tuple[StackEntry, ...]
    shared: str | None
    budget: int
    file: Path | None

    def stack(self, name: str) -> StackEntry:
        return next(s for s in self.stacks if s.name == name)

    @property
    def site_stacks(self) -> tuple[StackEntry, ...]:
        return tuple(s for s in self.stacks if s.name != self.shared)


def _project(project_dir: Path) -> dict[str, Any]:
    return read_config_document(project_dir / "Pulumi.yaml")


def _default(project: dict[str, Any], key: str, fallback: Any) -> Any:
    spec = (project.get("config") or {}).get(key.removeprefix("vigil:"))
    return spec.get("default", fallback) if isinstance(spec, dict) else fallback


def read_fleet(project_dir: str | Path) -> Fleet:
    """The fleet of ``project_dir``; ``ConfigFileError`` (FILE:LINE: field) for a bad file."""
    project_dir = Path(project_dir).resolve()
    project = _project(project_dir)
    stack_dir = project_dir / str(project.get("stackConfigDir") or ".")
    fleet_path = project_dir / FLEET_FILE
    doc: dict[str, Any] = read_config_document(fleet_path) if fleet_path.is_file() else {}
    problems: list[str] = []
    shown = fleet_path.relative_to(project_dir)
    unknown = sorted(set(doc) - {"budget", "shared", "stacks"})
    problems += [f"{shown}: {k}: unknown key (budget, shared, stacks)" for k in unknown]
    budget = doc.get("budget", DEFAULT_BUDGET)
    if not isinstance(budget, int) or isinstance(budget, bool) or budget < 1:
        problems.append(f"{shown}: budget: a positive number of resources, not {budget!r}")
    names = doc.get("stacks")
    if names is None:
        names = sorted(
            p.name[len("Pulumi.") : -len(".yaml")] for p in stack_dir.glob("Pulumi.*.yaml")
        )
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        problems.append(f"{shown}: stacks: a list of stack names")
        names = []
    shared = doc.get("shared")
    if shared is not None and shared not in names:
        problems.append(f"{shown}: shared: {shared!r} is not one of stacks {names}")
    entries = []
    for name in names:
        file = stack_dir / f"Pulumi.{name}.yaml"
        if not file.is_file():
            problems.append(
                f"{shown}: stacks: {name!r} has no stack file {file.relative_to(project_dir)}"
            )
            continue
        config = read_config_document(file).get("config") or {}
        clients = config.get("vigil:clients", _default(project, "vigil:clients", [ALL]))
        entries.append(
            StackEntry(
                name=name,
                file=file.relative_to(project_dir),
                clients=None if ALL in clients else tuple(clients),
                inventory=str(
                    config.get("vigil:inventory", _default(project, "inventory", "inventory"))
                ),
                shared_stack=str(config.get("vigil:sharedStack", "") or ""),
                role=str(config.get("vigil:fleetRole", "") or "standalone"),
            )
        )
    if problems:
        raise ConfigFileError(problems)
    return Fleet(project_dir, tuple(entries), shared, int(budget), fleet_path if doc else None)
