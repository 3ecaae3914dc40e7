"""Fixtures for policy tests (builders live in ``policy_fixtures``, a uniquely named module)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from policy_fixtures import Stack, build_stack

from policies import pack
from policies.evaluate import Violation, evaluate


@pytest.fixture
def stack() -> Stack:
    return build_stack()


@pytest.fixture
def run() -> Callable[..., list[Violation]]:
    """``run(name, resources, config=None)``: violations of one policy."""

    def _run(name: str, resources, config: dict | None = None) -> list[Violation]:
        return evaluate(resources, config, [pack.policy(name)])

    return _run
