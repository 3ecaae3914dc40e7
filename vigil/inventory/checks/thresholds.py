"""Threshold layers as written: unknown signal keys and non-finite levels.

The warning/critical order of the folded cascade is ``vigil.inventory.cascade``'s.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

from vigil import catalog
from vigil.inventory.checks.context import Where
from vigil.inventory.problems import Path, Problem, did_you_mean
from vigil.inventory.yaml_source import Source
from vigil.models import ResourceType


def signal_problems(
    where: Where, rtype: ResourceType, signals: Mapping[str, Any]
) -> Iterator[Problem]:
    """Unknown signal keys and non-finite levels in one ``{signal: threshold}`` layer."""
    known = catalog.signal_keys(rtype)
    for key, threshold in signals.items():
        # Every type has signals (tests/alertpath/test_catalog.py); the guard only lets tests
        # install a partial fake catalog without every other type's keys becoming unknown.
        if known and key not in known:
            yield Where(where.src, (*where.path, key)).problem(
                f"unknown signal '{key}' for {rtype.value}{did_you_mean(key, known)}", at_key=True
            )
        for severity, value in threshold.items():
            if isinstance(value, float) and not math.isfinite(value):
                yield Where(where.src, (*where.path, key, severity)).problem(
                    "must be a finite number"
                )


def layer_problems(src: Source, path: Path, layer: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    for rtype_key, signals in layer.items():
        problems += signal_problems(
            Where(src, (*path, rtype_key)), ResourceType(rtype_key), signals
        )
    return problems
