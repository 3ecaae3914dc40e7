"""ElastiCache nodes (Redis/Valkey/Memcached): engine CPU, memory, evictions, connections, swap."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from vigil.catalog.spec import Doc, ResolveThresholds, ResourceKind, Row, Signal, Target
from vigil.models import ResourceType, Site, Threshold, Thresholds, frozen_map

RESOURCE_TYPE = ResourceType.ELASTICACHE
NS = "AWS/ElastiCache"
MIB = 1024**2


@dataclass(frozen=True)
class ElastiCacheCluster:
    id: str
    engine: Literal["redis", "valkey", "memcached"]
    thresholds: Thresholds = field(default_factory=frozen_map)


STORED_LOWER_CASE = (
    "botocore elasticache model, CreateCacheCluster.CacheClusterId and "
    "CreateReplicationGroup.ReplicationGroupId documentation: \"This parameter is stored as a "
    "lowercase string\"; "
    "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateCacheCluster.html"
)
"""Why ``build`` lower-cases the id: ElastiCache publishes ``CacheClusterId`` in the stored form
and CloudWatch dimension values are matched exactly."""


def build(doc: Doc, thresholds: ResolveThresholds) -> ElastiCacheCluster:
    return ElastiCacheCluster(
        id=doc["id"].lower(),  # STORED_LOWER_CASE
        engine=doc["engine"],
        thresholds=thresholds(RESOURCE_TYPE, doc.get("thresholds")),
    )


SCHEMA = {
    "type": "object",
    "description": "An ElastiCache cluster.",
    "additionalProperties": False,
    "required": ["id", "engine"],
    "properties": {
        "id": {
            "type": "string",
            "pattern": "^[a-zA-Z][a-zA-Z0-9-]{0,49}$",
            "description": "cache cluster id: a letter, then up to 49 letters, digits and dashes.",
        },
        "engine": {"enum": ["redis", "valkey", "memcached"], "description": "Cache engine."},
    },
}


def _redis_like(cluster: object) -> bool:
    """EngineCPUUtilization and DatabaseMemoryUsagePercentage exist for Redis and Valkey only."""
    return getattr(cluster, "engine", "") in ("redis", "valkey")


SIGNALS: tuple[Signal, ...] = (
    Signal(
        key="engine_cpu_utilization", namespace=NS, metric="EngineCPUUtilization",
        statistic="Average", comparison="GreaterThanThreshold",
        default=Threshold(warning=70, critical=90), unit="percent", applies=_redis_like,
        title="Engine CPU", description="The single-threaded engine is saturating its core.",
    ),
    Signal(
        key="database_memory_usage_percent", namespace=NS, metric="DatabaseMemoryUsagePercentage",
        statistic="Average", comparison="GreaterThanThreshold",
        default=Threshold(warning=80, critical=95), unit="percent", applies=_redis_like,
        title="Memory used", description="Memory used against maxmemory: evictions come next.",
    ),
    Signal(
        key="evictions", namespace=NS, metric="Evictions", statistic="Sum",
        comparison="GreaterThanThreshold", default=Threshold(warning=100, critical=1000),
        treat_missing_data="notBreaching", title="Evictions",
        description="Keys evicted for lack of memory (sessions and carts may be lost).",
    ),
    Signal(
        key="curr_connections", namespace=NS, metric="CurrConnections", statistic="Maximum",
        comparison="GreaterThanThreshold", default=Threshold(warning=1000, critical=5000),
        title="Connections", description="Client connections (connection leak or storm).",
    ),
    Signal(
        key="swap_usage_bytes", namespace=NS, metric="SwapUsage", statistic="Average",
        comparison="GreaterThanThreshold", default=Threshold(warning=50 * MIB, critical=300 * MIB),
        unit="bytes", title="Swap usage", description="The node is swapping: latency spikes.",
    ),
)


def targets(site: Site) -> tuple[Target, ...]:
    return tuple(
        Target(c.id, {"CacheClusterId": c.id}, c.thresholds, c)
        for c in site.resources.elasticache_clusters
    )


KIND = ResourceKind(
    type=RESOURCE_TYPE,
    title="ElastiCache clusters (one entry per cache node id, e.g. name-001)",
    signals=SIGNALS,
    targets=targets,
    row=Row("ElastiCache", 70),
    inventory_key="elasticache_clusters",
    build=build,
    schema=SCHEMA,
    ids_case_insensitive=True,  # STORED_LOWER_CASE
)
