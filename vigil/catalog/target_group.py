"""ALB target groups: healthy and unhealthy targets (availability of the backend pool).

A target group idle on purpose (the inactive colour of a blue/green pair, no registered
targets) reports ``HealthyHostCount`` 0: deregistering targets lowers it (Elastic Load
Balancing ALB guide, "Health checks for Application Load Balancer target groups"), so
"fewer than 1 healthy target" would page around the clock for a group nobody sends traffic
to. The inventory marks such a group ``standby: true``: it gets no alarm and an "unwatched"
plan note that says to swap the flag with the live group in the change that switches traffic.
A load balancer may not have only standby groups (``vigil validate``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vigil.catalog import sources as src
from vigil.catalog.spec import Doc, ResolveThresholds, ResourceKind, Row, Signal, Target
from vigil.models import ResourceType, Site, Threshold, Thresholds, frozen_map

RESOURCE_TYPE = ResourceType.TARGET_GROUP
NS = "AWS/ApplicationELB"
ELB_NAME_PATTERN = "^[A-Za-z0-9]([A-Za-z0-9-]{0,30}[A-Za-z0-9])?$"
"""Load balancer and target group names alike: at most 32 letters, digits and hyphens, not
starting or ending with a hyphen (botocore elbv2 CreateLoadBalancer.Name and
CreateTargetGroup.Name)."""


@dataclass(frozen=True)
class TargetGroup:
    name: str
    arn: str
    standby: bool = False
    thresholds: Thresholds = field(default_factory=frozen_map)

    @property
    def unwatched_reason(self) -> str:
        """Why the group has no alarm (empty when it is live): the plan's note."""
        if not self.standby:
            return ""
        return (
            "standby: true (idle on purpose, e.g. the inactive side of a blue/green pair: an "
            "empty group reports HealthyHostCount 0 and would page around the clock); when "
            "traffic moves to it, set standby: false here and standby: true on the group it "
            "replaces in the same change"
        )

    @property
    def dimension(self) -> str:
        """CloudWatch ``TargetGroup`` dimension: ``targetgroup/<name>/<id>``."""
        return self.arn.split(":", 5)[5]


def build(doc: Doc, thresholds: ResolveThresholds) -> TargetGroup:
    return TargetGroup(
        name=doc["name"],
        arn=doc["arn"],
        standby=bool(doc.get("standby", False)),
        thresholds=thresholds(RESOURCE_TYPE, doc.get("thresholds")),
    )


SCHEMA = {
    "type": "object",
    "description": "An ALB target group.",
    "additionalProperties": False,
    "required": ["name", "arn"],
    "properties": {
        "name": {
            "type": "string",
            "pattern": ELB_NAME_PATTERN,
            "description": "target group name: 1-32 letters, digits and dashes.",
        },
        "arn": {
            "type": "string",
            "pattern": "^arn:aws(-cn|-us-gov)?:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:"
            "targetgroup/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}$",
            "description": "target group ARN: arn:aws:elasticloadbalancing:<region>:<account>:"
            "targetgroup/<name>/<16 hex digits>",
        },
        "standby": {
            "type": "boolean",
            "description": "Idle on purpose (the inactive side of a blue/green pair): no "
            "healthy/unhealthy target alarms, an 'unwatched' note in the plan instead. Swap it "
            "with the live group in the change that switches traffic. Off when left out.",
        },
    },
}


def live(tg: TargetGroup) -> bool:
    """Alarms only on a group that takes traffic (see the module docstring)."""
    return not tg.standby

SIGNALS: tuple[Signal, ...] = (
    Signal(
        key="unhealthy_host_count",
        namespace=NS,
        metric="UnHealthyHostCount",
        statistic="Maximum",
        comparison="GreaterThanOrEqualToThreshold",
        default=Threshold(warning=1),
        treat_missing_data="breaching",
        availability=True,
        applies=live,
        title="Unhealthy targets",
        description="Targets failing the load balancer health check (capacity is shrinking). "
        "Not on groups with standby: true.",
        source=src.join(
            src.recommended("Elastic Load Balancing", "UnHealthyHostCount"),
            src.metrics("alb", "UnHealthyHostCount"),
        ),
    ),
    Signal(
        key="healthy_host_count",
        namespace=NS,
        metric="HealthyHostCount",
        statistic="Minimum",
        comparison="LessThanThreshold",
        default=Threshold(critical=1),
        treat_missing_data="breaching",
        availability=True,
        applies=live,
        title="Healthy targets",
        description="Healthy targets left behind the load balancer; below 1 the site is down. "
        "Not on groups with standby: true (idle on purpose, they have none).",
        source=src.join(
            src.recommended("Elastic Load Balancing", "HealthyHostCount"),
            src.metrics("alb", "HealthyHostCount"),
        ),
    ),
)


def targets(site: Site) -> tuple[Target, ...]:
    return tuple(
        Target(
            tg.name, {"LoadBalancer": lb.dimension, "TargetGroup": tg.dimension}, tg.thresholds, tg
        )
        for lb in site.resources.load_balancers
        for tg in lb.target_groups
    )


KIND = ResourceKind(
    type=RESOURCE_TYPE,
    title="ALB target groups",
    signals=SIGNALS,
    targets=targets,
    row=Row("Target groups", 40),
    build=build,
    schema=SCHEMA,
    id_field="name",
)
