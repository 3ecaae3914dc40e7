"""Catalog of default alarms per AWS resource type (one module per type, data over code).

``CATALOG`` maps each ``ResourceType`` to its tuple of ``Signal`` entries; the loader takes the
built-in thresholds from here as the bottom of the cascade. ``alarms_for_site`` (in
``vigil.catalog.alarms``) turns a site into concrete ``AlarmSpec``s.
"""

from __future__ import annotations

from collections.abc import Callable

from vigil.catalog import (
    alb,
    asg,
    aurora,
    cloudfront,
    ec2,
    elasticache,
    opensearch,
    rds,
    target_group,
    url,
)
from vigil.catalog.spec import Signal, Target
from vigil.models import ResourceType, Site, Threshold

MODULES = (alb, target_group, ec2, asg, rds, aurora, elasticache, cloudfront, opensearch, url)

CATALOG: dict[ResourceType, tuple[Signal, ...]] = {m.RESOURCE_TYPE: m.SIGNALS for m in MODULES}
TARGETS: dict[ResourceType, Callable[[Site], tuple[Target, ...]]] = {
    m.RESOURCE_TYPE: m.targets for m in MODULES
}


def signals(resource_type: ResourceType) -> tuple[Signal, ...]:
    return CATALOG.get(resource_type, ())


def signal_keys(resource_type: ResourceType) -> tuple[str, ...]:
    return tuple(s.key for s in signals(resource_type))


def default_thresholds(resource_type: ResourceType) -> dict[str, Threshold]:
    return {s.key: s.default for s in signals(resource_type)}


# Last: ``alarms`` reads CATALOG and TARGETS defined above.
from vigil.catalog.alarms import AlarmSpec, alarms_for_site  # noqa: E402

__all__ = [
    "CATALOG",
    "TARGETS",
    "AlarmSpec",
    "Signal",
    "Target",
    "alarms_for_site",
    "default_thresholds",
    "signal_keys",
    "signals",
]
