"""What the dashboard reads from the catalog's ``AlarmSpec``s, and in which unit it draws them.

A panel plots the metric exactly as CloudWatch returns it, so the threshold lines it draws are
the alarm's own ``threshold`` (metric unit) and the panel's unit is the *metric's* unit. The
inventory's unit (``AlarmSpec.unit``, ``display_threshold``) differs when the catalog scales
the inventory value (seconds → milliseconds for ``AuroraReplicaLag``) or multiplies it by a
model attribute (ASG in-service ratio × ``min_in_service``); it is shown in the panel's
description, never drawn.
"""

from __future__ import annotations

from collections.abc import Mapping

from vigil.catalog.alarms import AlarmSpec
from vigil.catalog.spec import Signal

GRAFANA_UNITS: Mapping[str, str] = {
    "percent": "percent",
    "bytes": "bytes",
    "megabytes": "mbytes",
    "seconds": "s",
    "milliseconds": "ms",
    "count": "short",
    "bool": "bool",
}
"""Catalog unit → Grafana unit id."""

SCALED_UNITS: Mapping[tuple[str, float], str] = {("seconds", 1000.0): "milliseconds"}
"""(inventory unit, catalog scale) → the metric's unit."""

RELATIVE_UNIT = "count"
"""Metric unit of signals whose threshold is a ratio of a model attribute (in-service ≥ min)."""


def catalog_signal(alarm: AlarmSpec) -> Signal:
    return alarm.signal


def metric_unit_of(signal: Signal) -> str:
    """The catalog unit the metric itself is in (raises for a scale nobody mapped yet)."""
    if signal.relative_to is not None:
        return signal.metric_unit or RELATIVE_UNIT
    if signal.scale == 1:
        return signal.unit
    try:
        return SCALED_UNITS[(signal.unit, float(signal.scale))]
    except KeyError:
        raise ValueError(
            f"{signal.key}: no metric unit for {signal.unit} x {signal.scale}; add it to "
            "vigil.grafana.alarm.SCALED_UNITS"
        ) from None


def grafana_unit(alarm: AlarmSpec) -> str:
    """Grafana unit of the panel drawing ``alarm``'s metric (and its ``threshold``)."""
    unit = metric_unit_of(catalog_signal(alarm))
    try:
        return GRAFANA_UNITS[unit]
    except KeyError:
        raise ValueError(
            f"{alarm.name}: no Grafana unit for {unit!r}; add it to GRAFANA_UNITS"
        ) from None


def is_lower_bound(alarm: AlarmSpec) -> bool:
    """True when the alarm fires below its threshold (free storage, healthy hosts…)."""
    return alarm.comparison.startswith("LessThan")


def format_number(value: float) -> str:
    return f"{value:g}"


_BINARY = ((2**40, "TiB"), (2**30, "GiB"), (2**20, "MiB"), (2**10, "KiB"))
_SUFFIX = {"percent": " %", "milliseconds": " ms", "bool": ""}


def readable(value: float, unit: str) -> str:
    """A threshold as a person reads it: ``5368709120`` bytes → ``5 GiB``, ``300`` seconds →
    ``5 min``, ``80`` percent → ``80 %`` (exact values only: ``1.5 GiB``, never rounded)."""
    if unit in ("bytes", "megabytes"):
        size = value * (2**20 if unit == "megabytes" else 1)
        for factor, name in _BINARY:
            if size >= factor and (size / factor) == round(size / factor, 2):
                return f"{size / factor:g} {name}"
        return f"{value:g} {'MB' if unit == 'megabytes' else 'bytes'}"
    if unit == "seconds":
        if value >= 60 and value % 60 == 0:
            return f"{value / 60:g} min"
        return f"{value:g} s"
    return f"{value:g}{_SUFFIX.get(unit, '')}"
