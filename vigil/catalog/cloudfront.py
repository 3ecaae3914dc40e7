"""CloudFront distributions: error rates; metrics exist only in us-east-1 with Region=Global."""

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


def build(doc: Doc, thresholds: ResolveThresholds) -> CloudFrontDistribution:
    return CloudFrontDistribution(
        id=doc["id"],
        aliases=tuple(doc.get("aliases", ())),
        thresholds=thresholds(RESOURCE_TYPE, doc.get("thresholds")),
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
