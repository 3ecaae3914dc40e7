"""Threshold layers: unknown signal keys, non-finite levels, warning/critical order.

The cascade is folded lowest layer first; a conflict is reported where the later of the two
values was written, naming where the other one is.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from vigil import catalog
from vigil.catalog.spec import Signal
from vigil.inventory.checks.context import Context, Where, catalog_signals
from vigil.inventory.problems import Path, Problem, did_you_mean
from vigil.inventory.yaml_source import Source
from vigil.models import ResourceType

LayerList = list[tuple[Where, Mapping[str, Any]]]


def _direction(comparison: str) -> int:
    """+1 if the alarm fires above the level (warning must be lower), -1 below, 0 unknown."""
    if "Lower" in comparison and "Upper" in comparison:  # anomaly band: no ordering
        return 0
    if comparison.startswith("GreaterThan"):
        return 1
    if comparison.startswith("LessThan"):
        return -1
    return 0


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


def cascade_problems(
    layers: list[tuple[Where, Mapping[str, Any]]],
    rtype: ResourceType,
    signals: Mapping[str, Signal] | None = None,
) -> Iterator[Problem]:
    """Warning on the safe side of critical after folding ``layers`` (lowest first).

    Each layer is ``(where its {signal: threshold} mapping is, that mapping)``; ``signals`` is
    the catalog of ``rtype`` (looked up when not given). Only signals some layer touches are
    checked: the catalog's own defaults are the catalog's business. A conflict is reported
    where the later of the two values was written, naming where the other one is.
    """
    signals = catalog_signals(rtype) if signals is None else signals
    if not signals:
        return
    # signal → severity → (value, layer where it was set, layer rank)
    touched: dict[str, dict[str, tuple[Any, Where, int]]] = {}
    for rank, (where, layer) in enumerate(layers):
        for key, threshold in layer.items():
            entry = touched.setdefault(key, {})
            for severity in ("warning", "critical"):
                if severity in threshold:
                    entry[severity] = (threshold[severity], where, rank)
    for key, entry in touched.items():
        signal = signals.get(key)
        direction = _direction(signal.comparison) if signal else 0
        if not direction or signal is None:
            continue
        warning, w_layer, w_rank = entry.get("warning", (signal.default.warning, None, -1))
        critical, c_layer, c_rank = entry.get("critical", (signal.default.critical, None, -1))
        if warning is None or critical is None or (critical - warning) * direction > 0:
            continue
        w_at = w_layer and Where(w_layer.src, (*w_layer.path, key, "warning"))
        c_at = c_layer and Where(c_layer.src, (*c_layer.path, key, "critical"))
        at, other, other_name = (
            (w_at, c_at, "critical") if w_rank >= c_rank else (c_at, w_at, "warning")
        )
        assert at is not None
        if other is None:
            origin = f" ({other_name} is the catalog default)"
        elif other.src is not at.src or other.path[:-1] != at.path[:-1]:
            origin = f" ({other_name} set at {other.ref()})"
        else:
            origin = ""
        side = "above" if direction > 0 else "below"
        yield at.problem(
            f"warning {warning:g} must be {'below' if direction > 0 else 'above'} critical "
            f"{critical:g}{origin}: {rtype.value}.{key} alarms when the value is {side} the level"
        )


def layer_problems(src: Source, path: Path, layer: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    for rtype_key, signals in layer.items():
        problems += signal_problems(
            Where(src, (*path, rtype_key)), ResourceType(rtype_key), signals
        )
    return problems


def layers_above(ctx: Context, tier: str) -> Callable[[ResourceType], LayerList] | None:
    """The defaults and tier layers above a site of ``tier``, per resource type."""
    defaults = ctx.defaults
    if defaults is None or tier not in defaults.data["tiers"]:
        return None
    global_layer = defaults.data.get("thresholds") or {}
    tier_layer = defaults.data["tiers"][tier].get("thresholds") or {}

    def above(rtype: ResourceType) -> LayerList:
        return [
            (Where(defaults, ("thresholds", rtype.value)), global_layer.get(rtype.value) or {}),
            (
                Where(defaults, ("tiers", tier, "thresholds", rtype.value)),
                tier_layer.get(rtype.value) or {},
            ),
        ]

    return above
