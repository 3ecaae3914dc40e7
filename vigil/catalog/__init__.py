"""Catalog of default alarms per AWS resource type (one module per type, data over code).

``CATALOG`` maps each ``ResourceType`` to its tuple of ``Signal`` entries; the loader takes the
built-in thresholds from here as the bottom of the cascade.
"""

from __future__ import annotations

from vigil.catalog.spec import Signal
from vigil.models import ResourceType, Threshold

CATALOG: dict[ResourceType, tuple[Signal, ...]] = {}


def signals(resource_type: ResourceType) -> tuple[Signal, ...]:
    return CATALOG.get(resource_type, ())


def signal_keys(resource_type: ResourceType) -> tuple[str, ...]:
    return tuple(s.key for s in signals(resource_type))


def default_thresholds(resource_type: ResourceType) -> dict[str, Threshold]:
    return {s.key: s.default for s in signals(resource_type)}
