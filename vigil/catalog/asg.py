"""Auto Scaling groups: fewer in-service instances than the group's required minimum.

Needs group metrics collection on the group; missing data is treated as breaching so a group
without metrics shows up instead of staying silently green.
"""

from __future__ import annotations

from vigil.catalog.spec import Signal, Target
from vigil.models import ResourceType, Site, Threshold

RESOURCE_TYPE = ResourceType.ASG

SIGNALS: tuple[Signal, ...] = (
    Signal(
        key="in_service_instances", namespace="AWS/AutoScaling", metric="GroupInServiceInstances",
        statistic="Minimum", comparison="LessThanThreshold", default=Threshold(critical=1.0),
        treat_missing_data="breaching", availability=True, relative_to="min_in_service",
        unit="ratio", title="In-service instances",
        description="In-service instances below the group's minimum (threshold x min_in_service).",
    ),
)


def targets(site: Site) -> tuple[Target, ...]:
    return tuple(
        Target(g.name, {"AutoScalingGroupName": g.name}, g.thresholds, g)
        for g in site.resources.auto_scaling_groups
    )
