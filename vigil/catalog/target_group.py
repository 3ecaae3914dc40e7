"""ALB target groups: healthy and unhealthy targets (availability of the backend pool)."""

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
    thresholds: Thresholds = field(default_factory=frozen_map)

    @property
    def dimension(self) -> str:
        """CloudWatch ``TargetGroup`` dimension: ``targetgroup/<name>/<id>``."""
        return self.arn.split(":", 5)[5]


def build(doc: Doc, thresholds: ResolveThresholds) -> TargetGroup:
    return TargetGroup(
        name=doc["name"],
        arn=doc["arn"],
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
    },
}

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
        title="Unhealthy targets",
        description="Targets failing the load balancer health check (capacity is shrinking).",
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
        title="Healthy targets",
        description="Healthy targets left behind the load balancer; below 1 the site is down.",
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
