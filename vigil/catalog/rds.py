"""RDS DB instances: CPU, storage, memory, connections, and replica lag where replicas exist."""

from __future__ import annotations

from vigil.catalog.spec import Signal, Target
from vigil.models import ResourceType, Site, Threshold

RESOURCE_TYPE = ResourceType.RDS
NS = "AWS/RDS"
GIB = 1024**3
MIB = 1024**2

SIGNALS: tuple[Signal, ...] = (
    Signal(
        key="cpu_utilization", namespace=NS, metric="CPUUtilization", statistic="Average",
        comparison="GreaterThanThreshold", default=Threshold(warning=80, critical=95),
        unit="percent", title="DB CPU utilization", description="Database CPU saturation.",
    ),
    Signal(
        key="free_storage_bytes", namespace=NS, metric="FreeStorageSpace", statistic="Minimum",
        comparison="LessThanThreshold", default=Threshold(warning=5 * GIB, critical=1 * GIB),
        unit="bytes", title="DB free storage",
        description="Disk filling up: writes stop when it reaches zero.",
    ),
    Signal(
        key="freeable_memory_bytes", namespace=NS, metric="FreeableMemory", statistic="Minimum",
        comparison="LessThanThreshold", default=Threshold(warning=256 * MIB, critical=64 * MIB),
        unit="bytes", title="DB freeable memory",
        description="Memory pressure on the database host (swapping, OOM restarts).",
    ),
    Signal(
        key="database_connections", namespace=NS, metric="DatabaseConnections", statistic="Maximum",
        comparison="GreaterThanThreshold", default=Threshold(warning=400, critical=800),
        title="DB connections", description="Connections approaching max_connections.",
    ),
    Signal(
        key="replica_lag_seconds", namespace=NS, metric="ReplicaLag", statistic="Maximum",
        comparison="GreaterThanThreshold", default=Threshold(warning=60, critical=300),
        unit="seconds", title="Replica lag", applies=lambda db: db.has_replicas,
        description="Read replicas falling behind the primary (stale reads).",
    ),
)


def targets(site: Site) -> tuple[Target, ...]:
    return tuple(
        Target(d.id, {"DBInstanceIdentifier": d.id}, d.thresholds, d)
        for d in site.resources.rds_instances
    )
