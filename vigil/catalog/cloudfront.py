"""CloudFront distributions: error rates; metrics exist only in us-east-1 with Region=Global."""

from __future__ import annotations

from vigil.catalog.spec import Signal, Target
from vigil.models import ResourceType, Site, Threshold

RESOURCE_TYPE = ResourceType.CLOUDFRONT
NS = "AWS/CloudFront"

SIGNALS: tuple[Signal, ...] = (
    Signal(
        key="error_rate_5xx", namespace=NS, metric="5xxErrorRate", statistic="Average",
        comparison="GreaterThanThreshold", default=Threshold(critical=5),
        treat_missing_data="notBreaching", unit="percent", global_region=True,
        title="CloudFront 5xx rate", description="Share of requests answered with 5xx.",
    ),
    Signal(
        key="error_rate_4xx", namespace=NS, metric="4xxErrorRate", statistic="Average",
        comparison="GreaterThanThreshold", default=Threshold(warning=15),
        treat_missing_data="notBreaching", unit="percent", global_region=True,
        title="CloudFront 4xx rate",
        description="Share of requests answered with 4xx (broken links, blocked clients).",
    ),
)


def targets(site: Site) -> tuple[Target, ...]:
    return tuple(
        Target(d.id, {"DistributionId": d.id, "Region": "Global"}, d.thresholds, d)
        for d in site.resources.cloudfront_distributions
    )
