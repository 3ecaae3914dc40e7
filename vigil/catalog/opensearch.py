"""OpenSearch domains: cluster health, storage, JVM pressure and CPU (namespace AWS/ES)."""

from __future__ import annotations

from dataclasses import dataclass, field

from vigil.catalog.spec import Doc, ResolveThresholds, ResourceKind, Row, Signal, Target
from vigil.models import ResourceType, Site, Threshold, Thresholds, frozen_map

RESOURCE_TYPE = ResourceType.OPENSEARCH
NS = "AWS/ES"


@dataclass(frozen=True)
class OpenSearchDomain:
    name: str
    thresholds: Thresholds = field(default_factory=frozen_map)


def build(doc: Doc, thresholds: ResolveThresholds) -> OpenSearchDomain:
    return OpenSearchDomain(
        name=doc["name"], thresholds=thresholds(RESOURCE_TYPE, doc.get("thresholds"))
    )


SCHEMA = {
    "type": "object",
    "description": "An OpenSearch domain.",
    "additionalProperties": False,
    "required": ["name"],
    "properties": {
        "name": {
            "type": "string",
            "pattern": "^[a-z][a-z0-9-]{2,27}$",
            "description": "OpenSearch domain name: 3-28 lower-case letters, digits and dashes, "
            "starting with a letter.",
        },
    },
}

SIGNALS: tuple[Signal, ...] = (
    Signal(
        key="cluster_status_red", namespace=NS, metric="ClusterStatus.red", statistic="Maximum",
        comparison="GreaterThanOrEqualToThreshold", default=Threshold(critical=1),
        treat_missing_data="breaching", availability=True, title="Cluster red",
        description="At least one primary shard is unassigned: searches and writes fail.",
    ),
    Signal(
        key="cluster_status_yellow", namespace=NS, metric="ClusterStatus.yellow",
        statistic="Maximum", comparison="GreaterThanOrEqualToThreshold",
        default=Threshold(warning=1), title="Cluster yellow",
        description="Replica shards unassigned: one node failure away from red.",
    ),
    Signal(
        key="free_storage_megabytes", namespace=NS, metric="FreeStorageSpace", statistic="Minimum",
        comparison="LessThanThreshold", default=Threshold(warning=20480, critical=5120),
        unit="megabytes", title="Free storage (smallest node)",
        description="A data node filling up: indexing blocks at the flood-stage watermark.",
    ),
    Signal(
        key="jvm_memory_pressure", namespace=NS, metric="JVMMemoryPressure", statistic="Maximum",
        comparison="GreaterThanThreshold", default=Threshold(warning=80, critical=92),
        unit="percent", title="JVM memory pressure",
        description="Heap pressure: garbage collection storms, then out-of-memory.",
    ),
    Signal(
        key="cpu_utilization", namespace=NS, metric="CPUUtilization", statistic="Average",
        comparison="GreaterThanThreshold", default=Threshold(warning=80, critical=95),
        unit="percent", title="CPU utilization", description="Data nodes CPU saturation.",
    ),
)


def targets(site: Site) -> tuple[Target, ...]:
    return tuple(
        Target(d.name, {"DomainName": d.name, "ClientId": site.aws_account_id}, d.thresholds, d)
        for d in site.resources.opensearch_domains
    )


KIND = ResourceKind(
    type=RESOURCE_TYPE,
    title="OpenSearch domains",
    signals=SIGNALS,
    targets=targets,
    row=Row("OpenSearch", 100),
    inventory_key="opensearch_domains",
    build=build,
    schema=SCHEMA,
    id_field="name",
)
