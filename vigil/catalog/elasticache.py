"""ElastiCache nodes (Redis/Valkey/Memcached): CPU, memory, evictions, connections, swap, lag.

Host CPU is watched on nodes with at most 2 vCPUs (``node_type``), where the engine and the OS
share the cores; evictions are not alarmed on caches that evict by design (an LRU page cache).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from vigil.catalog import sizing
from vigil.catalog import sources as src
from vigil.catalog.spec import Doc, ResolveThresholds, ResourceKind, Row, Signal, Target
from vigil.models import ResourceType, Site, Threshold, Thresholds, frozen_map

RESOURCE_TYPE = ResourceType.ELASTICACHE
NS = "AWS/ElastiCache"
MIB = 1024**2
CMC_FILE = "aws-elasticache/ElastiCacheClusterMonitoring.ts"
SMALL_NODE_VCPUS = 2
"""At most this many vCPUs: the host CPU is the engine's too (AWS recommended alarms)."""


@dataclass(frozen=True)
class ElastiCacheCluster:
    id: str
    engine: Literal["redis", "valkey", "memcached"]
    thresholds: Thresholds = field(default_factory=frozen_map)
    node_type: str | None = None
    evictions_expected: bool = False
    """An LRU page cache: evicting the least recently used keys is its job, not a loss."""
    replica: bool = False
    """The node is a replica of a replication group (``ReplicationLag`` is published)."""

    @property
    def vcpus(self) -> int | None:
        return sizing.ELASTICACHE_VCPUS.get(self.node_type) if self.node_type else None

    @property
    def unsized_reason(self) -> str:
        if self.engine == "memcached":
            return ""
        if self.node_type is None:
            return "no node_type: host CPU alarm kept, as on a node with at most 2 vCPUs"
        if self.vcpus is None:
            return (
                f"node type {self.node_type} is not in vigil.catalog.sizing: host CPU alarm "
                "kept, as on a node with at most 2 vCPUs"
            )
        return ""


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
        node_type=doc.get("node_type"),
        evictions_expected=doc.get("evictions_expected", False),
        replica=doc.get("replica", False),
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
        "node_type": {
            "type": "string",
            "pattern": "^cache\\.[a-z0-9-]+\\.[a-z0-9]+$",
            "description": "Node type (e.g. cache.t4g.small). Nodes with at most 2 vCPUs get a "
            "host CPUUtilization alarm (the engine thread shares those cores); without it the "
            "alarm is kept and the plan lists it as unsized.",
        },
        "evictions_expected": {
            "type": "boolean",
            "description": "true for an LRU page/object cache, where evicting cold keys is the "
            "policy doing its job: no evictions alarm. Leave false when the cache holds "
            "sessions or carts.",
        },
        "replica": {
            "type": "boolean",
            "description": "true when this node is a replica in a replication group: it gets a "
            "ReplicationLag alarm.",
        },
    },
}


def _redis_like(cluster: object) -> bool:
    """EngineCPUUtilization and DatabaseMemoryUsagePercentage exist for Redis and Valkey only."""
    return getattr(cluster, "engine", "") in ("redis", "valkey")


def _evictions_matter(cluster: ElastiCacheCluster) -> bool:
    return not cluster.evictions_expected


def _host_cpu(cluster: ElastiCacheCluster) -> bool:
    """Memcached (multi-threaded: host CPU is its CPU), or a node with at most 2 vCPUs, or one
    of unknown size (then the plan lists the alarm as unsized)."""
    if not _redis_like(cluster):
        return True
    return cluster.vcpus is None or cluster.vcpus <= SMALL_NODE_VCPUS


def _redis_replica(cluster: ElastiCacheCluster) -> bool:
    return _redis_like(cluster) and cluster.replica


SIGNALS: tuple[Signal, ...] = (
    Signal(
        key="engine_cpu_utilization",
        missing_data_reason="Published every minute per node; a gap means the resource is gone "
        "or its id is wrong, which its heartbeat alarm reports; breaching here would report the "
        "gap as a saturated engine.",
        namespace=NS,
        metric="EngineCPUUtilization",
        statistic="Average",
        comparison="GreaterThanThreshold",
        default=Threshold(warning=70, critical=90),
        unit="percent",
        applies=_redis_like,
        title="Engine CPU",
        description="The single-threaded engine is saturating its core.",
        source=src.join(
            src.recommended("Amazon ElastiCache", "EngineCPUUtilization"),
            src.cmc(CMC_FILE, "addRedisEngineCpuUsageAlarm"),
        ),
    ),
    Signal(
        key="cpu_utilization",
        missing_data_reason="Published every minute per node; a gap means the resource is gone "
        "or its id is wrong, which its heartbeat alarm reports; breaching here would report the "
        "gap as a saturated host.",
        namespace=NS,
        metric="CPUUtilization",
        statistic="Average",
        comparison="GreaterThanThreshold",
        default=Threshold(warning=80, critical=90),
        unit="percent",
        applies=_host_cpu,
        unsized=True,
        title="Host CPU",
        description="Host CPU of a node with at most 2 vCPUs: the engine thread and the OS "
        "(backups, replication, TLS) share those cores, so EngineCPUUtilization alone misses "
        "saturation. Larger Redis/Valkey nodes are watched by engine CPU; Memcached always by "
        "host CPU.",
        source=src.join(
            src.recommended("Amazon ElastiCache", "CPUUtilization"),
            src.cmc(CMC_FILE, "addCpuUsageAlarm"),
        ),
    ),
    Signal(
        key="database_memory_usage_percent",
        missing_data_reason="Published every minute per node (Redis OSS/Valkey); a gap means the "
        "resource is gone or its id is wrong, which its heartbeat alarm reports; breaching here "
        "would report the gap as memory exhaustion.",
        namespace=NS,
        metric="DatabaseMemoryUsagePercentage",
        statistic="Average",
        comparison="GreaterThanThreshold",
        default=Threshold(warning=80, critical=95),
        unit="percent",
        applies=_redis_like,
        title="Memory used",
        description="Memory used against maxmemory: evictions come next.",
        source=src.recommended("Amazon ElastiCache", "DatabaseMemoryUsagePercentage"),
    ),
    Signal(
        key="evictions",
        missing_data_reason="Published every minute per node (zero included); a gap (node "
        "replaced, wrong id) is no eviction, and the heartbeat alarm reports a wrong id.",
        namespace=NS,
        metric="Evictions",
        statistic="Sum",
        comparison="GreaterThanThreshold",
        default=Threshold(warning=100, critical=1000),
        treat_missing_data="notBreaching",
        title="Evictions",
        applies=_evictions_matter,
        description="Keys evicted for lack of memory (sessions and carts may be lost); off for "
        "caches whose entry says evictions_expected (an LRU page cache evicts by design).",
        source=src.cmc(CMC_FILE, "addMaxEvictedItemsCountAlarm"),
    ),
    Signal(
        key="curr_connections",
        namespace=NS,
        metric="CurrConnections",
        statistic="Maximum",
        comparison="GreaterThanThreshold",
        default=Threshold(warning=1000, critical=5000),
        title="Connections",
        description="Client connections (connection leak or storm).",
        source=src.recommended("Amazon ElastiCache", "CurrConnections"),
        heartbeat=True,
        heartbeat_source=src.HEARTBEAT["elasticache"],
        missing_data_reason="Published every minute per node, zero included, while the node "
        "exists; a gap is a deleted or renamed node, which the heartbeat alarm reports.",
    ),
    Signal(
        key="swap_usage_bytes",
        missing_data_reason="Published every minute per node; a gap means the resource is gone "
        "or its id is wrong, which its heartbeat alarm reports; breaching here would report the "
        "gap as swapping.",
        namespace=NS,
        metric="SwapUsage",
        statistic="Average",
        comparison="GreaterThanThreshold",
        default=Threshold(warning=50 * MIB, critical=300 * MIB),
        unit="bytes",
        title="Swap usage",
        description="The node is swapping: latency spikes.",
        source=src.cmc(CMC_FILE, "addMaxUsedSwapMemoryAlarm"),
    ),
    Signal(
        key="replication_lag_seconds",
        missing_data_reason="Published only by replica nodes: a primary or a node without "
        "replicas has none, and that is no lag.",
        namespace=NS,
        metric="ReplicationLag",
        statistic="Maximum",
        comparison="GreaterThanThreshold",
        default=Threshold(warning=30, critical=120),
        unit="seconds",
        applies=_redis_replica,
        title="Replication lag",
        description="How far a replica node is behind its primary: reads are stale and a "
        "failover would lose the writes in between.",
        source=src.join(
            src.recommended("Amazon ElastiCache", "ReplicationLag"),
            src.metrics("elasticache", "ReplicationLag", "replica nodes only"),
        ),
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
