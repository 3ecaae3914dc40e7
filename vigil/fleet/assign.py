"""Budget-based assignment of clients to site stacks: stable, deterministic, few moves.

Moving a client between stacks is the expensive operation of a fleet (every one of its
resources goes through ``pulumi state move``, docs/DEPLOY.md §8), so the rule optimises for it:

1. every client keeps the stack it is in (its ``vigil:clients``), clients gone from the
   inventory leave;
2. a stack over the budget gives up its *largest* clients until it fits: taking the k largest
   frees the most resources any k clients can, so this moves the fewest clients possible;
3. new and displaced clients are placed first-fit decreasing (largest first, ties by name) into
   the stacks in fleet order; a client that fits nowhere opens the next new stack.

A client is never split across stacks: its sites share its Grafana folder (one uid per org).
Sizes are resources per client (`vigil.fleet.sizes`); ``overhead`` is what a stack plans
besides its clients (providers, the shared stack reference, its stack resource).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Move:
    client: str
    source: str | None  # None: a new client
    dest: str

    def __str__(self) -> str:
        where = f"from {self.source}" if self.source else "new"
        return f"{self.client}: {where} → {self.dest}"


@dataclass
class Assignment:
    stacks: dict[str, list[str]]  # stack → its clients (sorted), fleet order then new stacks
    loads: dict[str, int]  # stack → resources it would plan (overhead included)
    moves: list[Move] = field(default_factory=list)
    new_stacks: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def stack_of(self, client: str) -> str | None:
        return next((s for s, cs in self.stacks.items() if client in cs), None)


def next_stack_names(existing: Sequence[str], fallback: str = "site") -> Callable[[], str]:
    """New stack names continuing the fleet's numbering (``prod-eu-2`` → ``prod-eu-3``)."""
    numbered = [m for m in (re.fullmatch(r"(.*?)(\d+)", s) for s in existing) if m]
    prefix = numbered[-1].group(1) if numbered else f"{fallback}-"
    taken = set(existing)
    counter = [max((int(m.group(2)) for m in numbered if m.group(1) == prefix), default=0)]

    def name() -> str:
        counter[0] += 1
        while f"{prefix}{counter[0]}" in taken:
            counter[0] += 1
        taken.add(f"{prefix}{counter[0]}")
        return f"{prefix}{counter[0]}"

    return name


def assign(
    current: Mapping[str, Sequence[str]],
    sizes: Mapping[str, int],
    budget: int,
    *,
    order: Sequence[str] | None = None,
    overhead: int = 0,
    new_name: Callable[[], str] | None = None,
) -> Assignment:
    """Assign every client of ``sizes`` to a stack of at most ``budget`` resources.

    ``current``: stack → the clients it holds now; ``order``: the fleet's stack order
    (first-fit tries them in it; default: ``current``'s keys sorted).
    """
    order = list(order if order is not None else sorted(current))
    new_name = new_name or next_stack_names(order)
    stacks: dict[str, list[str]] = {s: [] for s in order}
    placed: set[str] = set()
    for stack in order:  # 1. keep (a client listed twice stays in the first stack)
        for client in sorted(set(current.get(stack, ())) & set(sizes) - placed):
            stacks[stack].append(client)
            placed.add(client)

    def load(stack: str) -> int:
        return overhead + sum(sizes[c] for c in stacks[stack])

    def largest_first(clients: Sequence[str]) -> list[str]:
        return sorted(clients, key=lambda c: (-sizes[c], c))

    source: dict[str, str | None] = {c: None for c in sizes if c not in placed}
    for stack in order:  # 2. over budget: the largest clients leave, fewest moves
        for client in largest_first(stacks[stack]):
            if load(stack) <= budget:
                break
            stacks[stack].remove(client)
            source[client] = stack
    result = Assignment(stacks, {})
    for client in largest_first(list(source)):  # 3. first-fit decreasing
        if overhead + sizes[client] > budget:
            result.problems.append(
                f"client {client} plans {sizes[client]} resources (+{overhead} per stack), "
                f"over the budget of {budget} on its own: raise budget in fleet.yaml "
                "(a client is never split: its sites share one Grafana folder)"
            )
            continue
        dest = next((s for s in stacks if load(s) + sizes[client] <= budget), None)
        if dest is None:
            dest = new_name()
            stacks[dest] = []
            result.new_stacks.append(dest)
        stacks[dest].append(client)
        if source[client] != dest:
            result.moves.append(Move(client, source[client], dest))
    for stack in stacks:
        stacks[stack].sort()
    result.loads = {s: load(s) for s in stacks}
    result.moves.sort(key=lambda m: m.client)
    return result
