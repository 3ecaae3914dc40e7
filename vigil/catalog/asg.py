"""Auto Scaling groups: fewer in-service instances than the group's required minimum.

``GroupInServiceInstances`` exists only for a group with group metrics collection enabled, which
is off by default (EC2 Auto Scaling User Guide, "Amazon CloudWatch metrics for Amazon EC2 Auto
Scaling": "you must enable the collection of group metrics"; botocore autoscaling model,
operation ``EnableMetricsCollection``). The alarm treats missing data as breaching, so on a group
without collection it would be a 24x7 critical that means nothing. vigil does not own the group,
so the inventory says whether collection is on (``group_metrics_collection``): on, the alarm;
off, no alarm and an "unwatched" plan note with the command that turns it on.
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
    group_metrics_collection: bool = False
    thresholds: Thresholds = field(default_factory=frozen_map)

    @property
    def unwatched_reason(self) -> str:
        """Why the group has no alarm (empty when it has its alarm): the plan's note."""
        if self.group_metrics_collection:
            return ""
        return (
            "group metrics collection is off (the AWS default), so GroupInServiceInstances is "
            "never published and the in-service alarm is not created; turn it on with "
            f"`aws autoscaling enable-metrics-collection --auto-scaling-group-name {self.name} "
            "--granularity 1Minute`, then set group_metrics_collection: true"
        )


def build(doc: Doc, thresholds: ResolveThresholds) -> AutoScalingGroup:
    return AutoScalingGroup(
        name=doc["name"],
        min_in_service=doc["min_in_service"],
        group_metrics_collection=bool(doc.get("group_metrics_collection", False)),
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
        "group_metrics_collection": {
            "type": "boolean",
            "description": "Group metrics collection is enabled on the group (aws autoscaling "
            "enable-metrics-collection --granularity 1Minute). Leave out (false) when it is not: "
            "it is off by default in AWS, and without "
            "it GroupInServiceInstances is never published, so vigil creates no in-service "
            "alarm and the plan says so.",
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
        applies=lambda g: g.group_metrics_collection,
        unit="ratio",
        title="In-service instances",
        description="In-service instances below the group's minimum (threshold x min_in_service). "
        "Only on groups with group_metrics_collection: true (the metric exists only with group "
        "metrics collection, off by default); other groups get an 'unwatched' plan note.",
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
