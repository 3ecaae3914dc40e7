"""The catalog: one module per AWS resource type, each the whole unit of its type.

Every module of this package that defines ``KIND`` (a ``ResourceKind``) is a resource type:
its inventory key, model, builder, schema fragment, signals, alarm targets and dashboard row.
The registry below collects them, so adding a type is adding one module (and regenerating
the schema with ``python -m vigil.catalog.schema_gen``); ``HELPERS`` lists the modules of the
package that are not types, and a test pins that every other module declares ``KIND``.

``CATALOG``/``TARGETS`` and the lookups below are views of the registry; ``alarms_for_site``
(in ``vigil.catalog.alarms``) turns a site into concrete ``AlarmSpec``s.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from functools import cache

from vigil.catalog.spec import ResourceKind, Row, Signal, Target, ThresholdKey, ZabbixThreshold
from vigil.models import ResourceType, Site, Threshold

HELPERS = frozenset({"alarms", "matrix", "schema_gen", "sizing", "sources", "spec"})
"""Modules of this package that are not resource types."""


def _discover() -> dict[ResourceType, ResourceKind]:
    kinds: dict[ResourceType, ResourceKind] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name in HELPERS or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        kind = getattr(module, "KIND", None)
        if not isinstance(kind, ResourceKind):
            raise ImportError(
                f"vigil.catalog.{info.name} declares no KIND (a ResourceKind); "
                "add one, or list the module in vigil.catalog.HELPERS"
            )
        if kind.type in kinds:
            raise ImportError(f"resource type {kind.type!r} is declared twice")
        kinds[kind.type] = kind
    return kinds


KINDS: dict[ResourceType, ResourceKind] = _discover()
"""Resource type → its declaration, in module-name order (stable)."""

CATALOG: dict[ResourceType, tuple[Signal, ...]] = {t: k.signals for t, k in KINDS.items()}
TARGETS: dict[ResourceType, Callable[[Site], tuple[Target, ...]]] = {
    t: k.targets for t, k in KINDS.items()
}
LISTED: tuple[ResourceKind, ...] = tuple(k for k in KINDS.values() if k.inventory_key)
"""Kinds a site lists under ``resources`` (the others are nested or top-level, like URLs)."""


def resource_types() -> tuple[ResourceType, ...]:
    return tuple(KINDS)


def kind(resource_type: ResourceType) -> ResourceKind:
    return KINDS[resource_type]


@cache
def inventory_keys() -> frozenset[str]:
    """Keys of a site's ``resources`` mapping (``rds_instances``, …)."""
    return frozenset(k.inventory_key for k in LISTED if k.inventory_key)


def rows() -> dict[ResourceType, Row]:
    """Dashboard rows by resource type."""
    return {t: k.row for t, k in KINDS.items()}


def signals(resource_type: ResourceType) -> tuple[Signal, ...]:
    """The CloudWatch alarms of a type (what alarms, panels and detection times read)."""
    return CATALOG.get(resource_type, ())


def thresholds(resource_type: ResourceType) -> tuple[ThresholdKey, ...]:
    """Every threshold key of a type: its signals, then the levels only Zabbix applies."""
    found = KINDS.get(resource_type)
    return signals(resource_type) + (found.zabbix_thresholds if found else ())


def signal_keys(resource_type: ResourceType) -> tuple[str, ...]:
    """The threshold keys the inventory may set for a type (signals and Zabbix levels)."""
    return tuple(s.key for s in thresholds(resource_type))


def default_thresholds(resource_type: ResourceType) -> dict[str, Threshold]:
    return {s.key: s.default for s in thresholds(resource_type)}


# Last: ``alarms`` reads CATALOG and TARGETS defined above.
from vigil.catalog.alarms import AlarmSpec, alarms_for_site  # noqa: E402

__all__ = [
    "CATALOG",
    "KINDS",
    "LISTED",
    "TARGETS",
    "AlarmSpec",
    "ResourceKind",
    "Signal",
    "Target",
    "ThresholdKey",
    "ZabbixThreshold",
    "alarms_for_site",
    "default_thresholds",
    "inventory_keys",
    "kind",
    "resource_types",
    "rows",
    "signal_keys",
    "signals",
    "thresholds",
]
