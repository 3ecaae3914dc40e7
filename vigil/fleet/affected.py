"""Which stacks of the fleet a change touches: the PR workflow previews only those.

A changed path is matched against `RULES` (first match wins); each rule names what the path
feeds:

- a site file (``<inventory>/sites/<client>/…``) feeds the site stack holding that client and
  the shared stack (it creates the site's team escalation policy, its accounts' data sources
  and the Grafana route to its contact point);
- any other inventory file (``defaults.yaml``, ``teams.yaml``) cascades into every site;
- a stack file feeds its stack; the shared stack's file feeds every stack (site stacks read its
  outputs); ``fleet.yaml`` reassigns stacks: every stack;
- documentation, tests and benchmarks feed no stack;
- anything else (the program, components, policies, requirements, ``Pulumi.yaml``, a path no
  rule knows) may change every resource: every stack. Unknown is never "nothing".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fnmatch import fnmatchcase
from pathlib import PurePosixPath

from vigil.fleet.definition import FLEET_FILE, Fleet

Rule = Callable[[Fleet, PurePosixPath], set[str] | None]
"""``None``: the rule does not apply to the path."""


def _all(fleet: Fleet) -> set[str]:
    return {s.name for s in fleet.stacks}


def _site_file(fleet: Fleet, path: PurePosixPath) -> set[str] | None:
    for stack in fleet.stacks:
        inventory = PurePosixPath(stack.inventory)
        parts = path.parts[len(inventory.parts) :]
        if path.parts[: len(inventory.parts)] != inventory.parts or len(parts) < 3:
            continue
        if parts[0] != "sites":
            continue
        client = parts[1]
        holders = {
            s.name
            for s in fleet.stacks
            if s.inventory == stack.inventory
            and s.name != fleet.shared
            and (s.clients is None or client in s.clients)
        }
        return holders | ({fleet.shared} if fleet.shared else set())
    return None


def _inventory_file(fleet: Fleet, path: PurePosixPath) -> set[str] | None:
    using = {s.name for s in fleet.stacks if path.is_relative_to(PurePosixPath(s.inventory))}
    return using or None


def _stack_file(fleet: Fleet, path: PurePosixPath) -> set[str] | None:
    for stack in fleet.stacks:
        if path == PurePosixPath(stack.file.as_posix()):
            return _all(fleet) if stack.name == fleet.shared else {stack.name}
    return None


def _glob(*patterns: str, stacks: Callable[[Fleet], set[str]]) -> Rule:
    def rule(fleet: Fleet, path: PurePosixPath) -> set[str] | None:
        return stacks(fleet) if any(fnmatchcase(str(path), p) for p in patterns) else None

    return rule


def _none(_: Fleet) -> set[str]:
    return set()


RULES: tuple[Rule, ...] = (
    _site_file,
    _inventory_file,
    _stack_file,
    _glob(FLEET_FILE, stacks=_all),
    _glob("stacks/Pulumi.*.yaml", stacks=_none),  # a stack outside the fleet (dev)
    _glob("docs/*", "*.md", "tests/*", "bench/*", "LICENSE", ".gitignore", stacks=_none),
    _glob("*", stacks=_all),
)


def affected_stacks(fleet: Fleet, changed: Iterable[str]) -> list[str]:
    """The fleet's stacks the changed paths (relative to the project) feed, in fleet order."""
    touched: set[str] = set()
    for name in changed:
        path = PurePosixPath(name.strip())
        if not str(path) or str(path) == ".":
            continue
        for rule in RULES:
            found = rule(fleet, path)
            if found is not None:
                touched |= found
                break
    return [s.name for s in fleet.stacks if s.name in touched]
