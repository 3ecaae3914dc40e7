"""Auto Scaling groups: fewer in-service instances than the group's required minimum.

Needs group metrics collection on the group; missing data is treated as breaching so a group
without metrics shows up instead of staying silently green.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vigil.catalog import sources as src
from vigil.catalog.spec import Doc, ResolveThresholds, ResourceKind, Row, Signal, Target
from vigil.models import ResourceType, Site, Threshold, Thresholds, frozen_map

RESOURCE_TYPE = ResourceType.ASG


@dataclass(frozen=True)
class AutoScalingGroup:
    name: str
    min_in_service: int
    thresholds: Thresholds = field(default_factory=frozen_map)


def build(doc: Doc, thresholds: ResolveThresholds) -> AutoScalingGroup:
    return AutoScalingGroup(
        name=doc["name"],
        min_in_service=doc["min_in_service"],
        thresholds=thresholds(RESOURCE_TYPE, doc.get("thresholds")),
    )


SCHEMA = {
    "type": "object",
    "description": "An Auto Scaling group.",
    "additionalProperties": False,
    "required": ["name", "min_in_service"],
    "properties": {
        "name": {
            "type": "string",
            "minLength": 1,
            "maxLength": 255,
            "description": "Auto Scaling group name.",
        },
        "min_in_service": {
            "type": "integer",
            "minimum": 1,
            "description": "Fewer in-service instances than this is an outage.",
        },
    },
}

SIGNALS: tuple[Signal, ...] = (
    Signal(
        key="in_service_instances",
        namespace="AWS/AutoScaling",
        metric="GroupInServiceInstances",
        statistic="Minimum",
        comparison="LessThanThreshold",
        default=Threshold(critical=1.0),
        treat_missing_data="breaching",
        availability=True,
        relative_to="min_in_service",
        unit="ratio",
        title="In-service instances",
        description="In-service instances below the group's minimum (threshold x min_in_service).",
        source=src.metrics(
            "asg", "GroupInServiceInstances", "published only with group metrics collection enabled"
        ),
    ),
)


def targets(site: Site) -> tuple[Target, ...]:
    return tuple(
        Target(g.name, {"AutoScalingGroupName": g.name}, g.thresholds, g)
        for g in site.resources.auto_scaling_groups
    )


KIND = ResourceKind(
    type=RESOURCE_TYPE,
    title="EC2 Auto Scaling groups",
    signals=SIGNALS,
    targets=targets,
    row=Row("Auto Scaling groups", 50),
    inventory_key="auto_scaling_groups",
    build=build,
    schema=SCHEMA,
    id_field="name",
)
