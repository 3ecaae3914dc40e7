"""`vigil fleet assign`: measure every client, assign (`vigil.fleet.assign`), report or write.

Sizes come from offline recordings (`vigil.fleet.sizes`): each site stack as its file stands,
and one extra recording, on the last site stack's config, of the clients no stack holds yet.
``--write`` changes only ``vigil:clients`` of the stack files concerned, writes a new stack
file (a copy of the last site stack's, with its own clients) for each new stack and adds it to
``fleet.yaml``'s ``stacks``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path
from typing import Any

from vigil import cli_options
from vigil.fleet.assign import Assignment, assign
from vigil.fleet.definition import FLEET_FILE, Fleet
from vigil.fleet.rewrite import replace_list, set_clients
from vigil.fleet.sizes import client_sizes
from vigil.inventory import load_inventory
from vigil.plan.interrupt import atomic_write

EXIT_OK, EXIT_MOVES, EXIT_INVALID = 0, 1, 2


class AssignError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def measure(fleet: Fleet) -> tuple[dict[str, int], int]:
    """(client → resources, per-stack overhead) of the fleet's clients; ``AssignError``."""
    from vigil.fleet.cli import shared_first
    from vigil.fleet.record import record_with_shared
    from vigil.plan.engine import load_stack_config

    problems = [
        f"{s.file}: vigil:clients: lists every client ('*'); a fleet's site stack names its clients"
        for s in fleet.site_stacks
        if s.clients is None
    ]
    if not fleet.site_stacks:
        problems.append(f"{FLEET_FILE}: the fleet has no site stack to assign clients to")
    inventories = sorted({s.inventory for s in fleet.site_stacks})
    if len(inventories) > 1:
        problems.append(
            f"{FLEET_FILE}: site stacks read different inventories ({inventories}); "
            "assign works on one"
        )
    if problems:
        raise AssignError(problems)
    inventory = load_inventory(fleet.project_dir / inventories[0])
    record = shared_first(fleet)
    sizes: dict[str, int] = {}
    overheads = [0]
    for stack in fleet.site_stacks:
        held = set(stack.clients or ())
        measured = client_sizes(record(stack), [s for s in inventory.sites if s.client in held])
        for client, size in measured.clients.items():
            sizes.setdefault(client, size)
        overheads.append(measured.overhead)
    new = [c for c in inventory.clients if c not in sizes]
    if new:
        template = fleet.site_stacks[-1]
        config = load_stack_config(
            fleet.project_dir, template.name, {"vigil:clients": json.dumps(new)}
        )
        shared = record(fleet.stack(fleet.shared)) if fleet.shared else None
        measured = client_sizes(
            record_with_shared(config, shared=shared),
            [s for s in inventory.sites if s.client in new],
        )
        sizes.update(measured.clients)
        overheads.append(measured.overhead)
    return sizes, max(overheads)


def cmd_assign(args: argparse.Namespace, fleet: Fleet) -> int:
    try:
        sizes, overhead = measure(fleet)
    except AssignError as error:
        sys.stderr.write(f"{error}\n")
        return EXIT_INVALID
    current = {s.name: list(s.clients or ()) for s in fleet.site_stacks}
    result = assign(
        current,
        sizes,
        fleet.budget,
        order=[s.name for s in fleet.site_stacks],
        overhead=overhead,
    )
    changed = bool(result.moves) or any(
        sorted(set(current.get(s, ()))) != cs for s, cs in result.stacks.items()
    )
    if args.write and not result.problems and changed:
        write(fleet, result)
    if args.json_file:
        cli_options.emit_json(args.json_file, document(fleet, result, sizes, overhead))
    if args.json_file != "-":
        report(fleet, result, sizes, overhead, written=args.write)
    if result.problems:
        return EXIT_INVALID
    return EXIT_MOVES if changed and not args.write else EXIT_OK


def document(
    fleet: Fleet, result: Assignment, sizes: dict[str, int], overhead: int
) -> dict[str, Any]:
    return {
        "budget": fleet.budget,
        "overhead": overhead,
        "sizes": dict(sorted(sizes.items())),
        "stacks": [
            {"name": s, "clients": cs, "resources": result.loads[s], "new": s in result.new_stacks}
            for s, cs in result.stacks.items()
        ],
        "moves": [{"client": m.client, "from": m.source, "to": m.dest} for m in result.moves],
        "problems": result.problems,
    }


def report(
    fleet: Fleet, result: Assignment, sizes: dict[str, int], overhead: int, *, written: bool
) -> None:
    out = sys.stdout
    for stack, clients in result.stacks.items():
        new = " (new)" if stack in result.new_stacks else ""
        listed = ", ".join(f"{c} ({sizes[c]})" for c in clients) or "no clients"
        print(
            f"stack {stack}{new}: {result.loads[stack]}/{fleet.budget} resources "
            f"({overhead} per stack): {listed}",
            file=out,
        )
    for move in result.moves:
        print(f"move {move}", file=out)
    for problem in result.problems:
        print(problem, file=out)
    if not result.moves and not result.problems:
        print("assignment unchanged", file=out)
    elif written and not result.problems:
        print("stack files written: review, then `vigil fleet check`", file=out)


NEW_STACK_HEADER = (
    "# A site stack of the fleet (fleet.yaml), opened by `vigil fleet assign` from the config of\n"
    "# the fleet's last site stack: it manages only the clients in vigil:clients.\n"
)


def _header_end(text: str) -> int:
    """Index of the last line of the file's leading comment block (-1: none)."""
    end = -1
    for i, line in enumerate(text.splitlines()):
        if not line.startswith("#"):
            break
        end = i
    return end


def write(fleet: Fleet, result: Assignment) -> None:
    """``vigil:clients`` of changed stacks, new stack files, ``fleet.yaml``'s ``stacks``."""
    template = fleet.project_dir / fleet.site_stacks[-1].file
    for stack, clients in result.stacks.items():
        if stack in result.new_stacks:
            path = template.with_name(f"Pulumi.{stack}.yaml")
            text = NEW_STACK_HEADER + "".join(
                line
                for i, line in enumerate(template.read_text().splitlines(keepends=True))
                if not line.startswith("#") or i > _header_end(template.read_text())
            )
        else:
            path = fleet.project_dir / fleet.stack(stack).file
            text = path.read_text()
        new_text = set_clients(text, clients)
        if new_text != text or stack in result.new_stacks:
            atomic_write(str(path), new_text)
    if fleet.file is not None and result.new_stacks:
        text = Path(fleet.file).read_text()
        names = [s.name for s in fleet.stacks] + result.new_stacks
        # no stacks list: every stack file is in the fleet, the new ones too
        with contextlib.suppress(KeyError):
            atomic_write(str(fleet.file), replace_list(text, ("stacks",), names))
