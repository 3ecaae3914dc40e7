"""ALB target groups: healthy and unhealthy targets (availability of the backend pool)."""

from __future__ import annotations

from vigil.catalog.spec import Signal, Target
from vigil.models import ResourceType, Site, Threshold

RESOURCE_TYPE = ResourceType.TARGET_GROUP
NS = "AWS/ApplicationELB"

SIGNALS: tuple[Signal, ...] = (
    Signal(
        key="unhealthy_host_count", namespace=NS, metric="UnHealthyHostCount", statistic="Maximum",
        comparison="GreaterThanOrEqualToThreshold", default=Threshold(warning=1),
        treat_missing_data="breaching", availability=True, title="Unhealthy targets",
        description="Targets failing the load balancer health check (capacity is shrinking).",
    ),
    Signal(
        key="healthy_host_count", namespace=NS, metric="HealthyHostCount", statistic="Minimum",
        comparison="LessThanThreshold", default=Threshold(critical=1),
        treat_missing_data="breaching", availability=True, title="Healthy targets",
        description="Healthy targets left behind the load balancer; below 1 the site is down.",
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
