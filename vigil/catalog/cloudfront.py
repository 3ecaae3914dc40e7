"""CloudFront distributions: error rates, and (opt-in) too few requests; metrics exist only in
us-east-1 with Region=Global."""

from __future__ import annotations

from dataclasses import dataclass, field

from vigil.catalog import sources as src
from vigil.catalog.spec import Doc, ResolveThresholds, ResourceKind, Row, Signal, Target
from vigil.models import ResourceType, Site, Threshold, Thresholds, frozen_map

RESOURCE_TYPE = ResourceType.CLOUDFRONT
NS = "AWS/CloudFront"


@dataclass(frozen=True)
class CloudFrontDistribution:
    id: str
    aliases: tuple[str, ...] = ()
    thresholds: Thresholds = field(default_factory=frozen_map)
    min_requests_per_minute: int | None = None
    """Fewer requests a minute than this means visitors cannot reach the site (``None``: the
    distribution's traffic has no floor worth alarming on, so no low-traffic alarm)."""


def build(doc: Doc, thresholds: ResolveThresholds) -> CloudFrontDistribution:
    return CloudFrontDistribution(
        id=doc["id"],
        aliases=tuple(doc.get("aliases", ())),
        thresholds=thresholds(RESOURCE_TYPE, doc.get("thresholds")),
        min_requests_per_minute=doc.get("min_requests_per_minute"),
    )


SCHEMA = {
    "type": "object",
    "description": "A CloudFront distribution.",
    "additionalProperties": False,
    "required": ["id"],
    "properties": {
        "id": {
            "type": "string",
            "pattern": "^E[0-9A-Z]{12,13}$",
            "description": "CloudFront distribution id: E followed by 12 or 13 upper-case letters "
            "and digits.",
        },
        "aliases": {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "description": "Alternate domain names.",
        },
        "min_requests_per_minute": {
            "type": "integer",
            "minimum": 1,
            "description": "The distribution's traffic floor: fewer requests in a minute than "
            "this (threshold x this value; no requests at all, too) raises a low-traffic "
            "warning. Leave it out for a distribution whose quiet hours reach zero.",
        },
    },
}

SIGNALS: tuple[Signal, ...] = (
    Signal(
        key="error_rate_5xx",
        missing_data_reason="Published only while the distribution serves requests: no requests "
        "is no 5xx rate (the low-request alarm covers a silent distribution).",
        namespace=NS,
        metric="5xxErrorRate",
        statistic="Average",
        comparison="GreaterThanThreshold",
        default=Threshold(critical=5),
        treat_missing_data="notBreaching",
        unit="percent",
        global_region=True,
        title="CloudFront 5xx rate",
        description="Share of requests answered with 5xx.",
        source=src.join(
            src.recommended("Amazon CloudFront", "5xxErrorRate"),
            src.metrics("cloudfront", "5xxErrorRate"),
        ),
    ),
    Signal(
        key="error_rate_4xx",
        missing_data_reason="Published only while the distribution serves requests: no requests "
        "is no 4xx rate.",
        namespace=NS,
        metric="4xxErrorRate",
        statistic="Average",
        comparison="GreaterThanThreshold",
        default=Threshold(warning=15),
        treat_missing_data="notBreaching",
        unit="percent",
        global_region=True,
        title="CloudFront 4xx rate",
        description="Share of requests answered with 4xx (broken links, blocked clients).",
        source=src.metrics("cloudfront", "4xxErrorRate"),
    ),
    Signal(
        key="low_requests",
        namespace=NS,
        metric="Requests",
        statistic="Sum",
        comparison="LessThanThreshold",
        default=Threshold(warning=1.0),
        # CloudFront publishes no Requests datapoint for a minute without requests: the very
        # case this alarm exists for (cdk-monitoring-constructs keeps MISSING, which leaves a
        # distribution that stopped receiving traffic in its last state).
        treat_missing_data="breaching",
        period_seconds=60,
        applies=lambda d: d.min_requests_per_minute is not None,
        relative_to="min_requests_per_minute",
        unit="ratio",
        global_region=True,
        title="CloudFront requests below floor",
        description="Fewer requests a minute than the distribution's floor (threshold x "
        "min_requests_per_minute): DNS, certificate or an upstream cut keeps visitors away. "
        "A warning: a quiet minute is not an outage, the URL check pages for that.",
        source=src.join(
            src.cmc(
                "aws-cloudfront/CloudFrontDistributionMonitoring.ts",
                "addLowTpsAlarm (TpsAlarmFactory.addMinTpsAlarm: LessThanThreshold)",
            ),
            src.metrics("cloudfront", "Requests", "Sum per minute, only in us-east-1"),
        ),
    ),
)


def targets(site: Site) -> tuple[Target, ...]:
    return tuple(
        Target(d.id, {"DistributionId": d.id, "Region": "Global"}, d.thresholds, d)
        for d in site.resources.cloudfront_distributions
    )


KIND = ResourceKind(
    type=RESOURCE_TYPE,
    title="CloudFront distributions (alarms live in us-east-1)",
    signals=SIGNALS,
    targets=targets,
    row=Row("CloudFront", 20),
    inventory_key="cloudfront_distributions",
    build=build,
    schema=SCHEMA,
)
