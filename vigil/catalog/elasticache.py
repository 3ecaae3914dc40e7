"""ElastiCache nodes (Redis/Valkey/Memcached): engine CPU, memory, evictions, connections, swap."""

from __future__ import annotations

from vigil.catalog.spec import Signal, Target
from vigil.models import ResourceType, Site, Threshold

RESOURCE_TYPE = ResourceType.ELASTICACHE
NS = "AWS/ElastiCache"
MIB = 1024**2


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
