"""Budget-based assignment: deterministic, stable, and moving the fewest clients possible."""

from __future__ import annotations

import itertools
import random

import pytest

from vigil.fleet.assign import Move, assign, next_stack_names


def random_fleet(seed: int, clients: int = 30, budget: int = 3000) -> tuple[dict[str, int], int]:
    rng = random.Random(seed)
    return {f"c{i:03d}": rng.randint(40, 900) for i in range(clients)}, budget


def test_first_assignment_fills_stacks_first_fit_largest_first() -> None:
    sizes = {"a": 500, "b": 1500, "c": 1200, "d": 400}
    result = assign({"s-1": []}, sizes, 2000, overhead=10)
    # b (1510 with overhead) → s-1; c does not fit s-1 → new s-2; a: s-1 would be 2010 → s-2;
    # d fits s-1 (1910)
    assert result.stacks == {"s-1": ["b", "d"], "s-2": ["a", "c"]}
    assert result.loads == {"s-1": 1910, "s-2": 1710}
    assert result.new_stacks == ["s-2"]
    assert {m.source for m in result.moves} == {None}


@pytest.mark.parametrize("seed", range(20))
def test_every_client_once_every_stack_within_budget(seed: int) -> None:
    sizes, budget = random_fleet(seed)
    result = assign({"site-1": []}, sizes, budget, overhead=3)
    placed = [c for cs in result.stacks.values() for c in cs]
    assert sorted(placed) == sorted(sizes)
    assert max(result.loads.values()) <= budget
    assert result.loads == {s: 3 + sum(sizes[c] for c in cs) for s, cs in result.stacks.items()}


@pytest.mark.parametrize("seed", range(10))
def test_deterministic_whatever_the_order_of_the_inputs(seed: int) -> None:
    sizes, budget = random_fleet(seed)
    first = assign({"site-1": []}, sizes, budget)
    items = list(sizes.items())
    random.Random(seed).shuffle(items)
    again = assign({"site-1": []}, dict(items), budget)
    assert again.stacks == first.stacks and again.moves == first.moves


@pytest.mark.parametrize("seed", range(10))
def test_stable_an_assignment_is_its_own_assignment(seed: int) -> None:
    sizes, budget = random_fleet(seed)
    first = assign({"site-1": []}, sizes, budget)
    again = assign(first.stacks, sizes, budget, order=list(first.stacks))
    assert again.moves == [] and again.new_stacks == []
    assert again.stacks == first.stacks


@pytest.mark.parametrize("seed", range(10))
def test_growth_keeps_every_existing_client_where_it_is(seed: int) -> None:
    sizes, budget = random_fleet(seed)
    before = assign({"site-1": []}, sizes, budget)
    rng = random.Random(seed + 100)
    grown = {**sizes, **{f"n{i:03d}": rng.randint(40, 900) for i in range(15)}}
    after = assign(before.stacks, grown, budget, order=list(before.stacks))
    for stack, clients in before.stacks.items():
        assert set(clients) <= set(after.stacks[stack])
    assert {m.client for m in after.moves} == set(grown) - set(sizes)
    assert all(m.source is None for m in after.moves)
    assert max(after.loads.values()) <= budget


def test_a_new_client_goes_to_the_first_stack_with_room() -> None:
    current = {"p-1": ["a"], "p-2": ["b"]}
    sizes = {"a": 2900, "b": 1000, "new": 500}
    result = assign(current, sizes, 3000, order=["p-1", "p-2"])
    assert result.moves == [Move("new", None, "p-2")]
    assert result.stacks == {"p-1": ["a"], "p-2": ["b", "new"]}


def test_no_room_anywhere_opens_the_next_numbered_stack() -> None:
    current = {"prod-eu-1": ["a"], "prod-eu-2": ["b"]}
    result = assign(current, {"a": 2900, "b": 2900, "new": 500}, 3000, order=list(current))
    assert result.new_stacks == ["prod-eu-3"]
    assert result.moves == [Move("new", None, "prod-eu-3")]


def test_removed_clients_leave_without_moving_anyone() -> None:
    result = assign({"s-1": ["a", "gone"], "s-2": ["b"]}, {"a": 10, "b": 10}, 100)
    assert result.stacks == {"s-1": ["a"], "s-2": ["b"]} and result.moves == []


def fewest_leaving(sizes: dict[str, int], clients: list[str], budget: int) -> int:
    """Brute force: the fewest clients that must leave for the rest to fit the budget."""
    for k in range(len(clients) + 1):
        for leaving in itertools.combinations(clients, k):
            if sum(sizes[c] for c in clients if c not in leaving) <= budget:
                return k
    raise AssertionError("unreachable")


@pytest.mark.parametrize("seed", range(25))
def test_a_stack_over_budget_moves_the_fewest_clients_possible(seed: int) -> None:
    rng = random.Random(seed)
    clients = [f"c{i}" for i in range(rng.randint(3, 8))]
    sizes = {c: rng.randint(50, 1500) for c in clients}
    budget = max(max(sizes.values()), sum(sizes.values()) // 2)
    current = {"s-1": clients, "s-2": []}
    result = assign(current, sizes, budget, order=["s-1", "s-2"])
    moved = [m for m in result.moves if m.source == "s-1"]
    assert len(moved) == fewest_leaving(sizes, clients, budget)
    assert max(result.loads.values()) <= budget
    assert set(result.stacks["s-1"]) == set(clients) - {m.client for m in moved}


def test_a_client_alone_over_the_budget_is_a_problem_not_a_split() -> None:
    result = assign({"s-1": []}, {"huge": 4000, "ok": 100}, 3000)
    assert result.problems and "client huge plans 4000 resources" in result.problems[0]
    assert result.stack_of("huge") is None and result.stack_of("ok") == "s-1"


def test_new_stack_names_continue_the_numbering_and_skip_taken_ones() -> None:
    name = next_stack_names(["shared", "prod-eu-1", "prod-eu-3"])
    assert [name(), name()] == ["prod-eu-4", "prod-eu-5"]
    assert next_stack_names(["alpha"])() == "site-1"
