"""RDS DB instances: CPU, storage, memory, connections; replica lag on each read replica.

RDS publishes a read replica's metrics (``ReplicaLag`` included) under the replica's own
``DBInstanceIdentifier``, so every replica listed in the inventory is a target of its own.
Replicas use their primary's resolved thresholds and get the signals that mean the same on any
instance class: replica lag, CPU (a percentage) and free storage (a full replica stops
replicating, and MySQL/MariaDB then report ``ReplicaLag`` -1, which no lag threshold catches).
Memory and connection thresholds are absolute and depend on the instance class, which may
differ on a replica, so they stay on the primary.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vigil.catalog.spec import Signal, Target
from vigil.models import RdsInstance, ResourceType, Site, Threshold

RESOURCE_TYPE = ResourceType.RDS
NS = "AWS/RDS"
GIB = 1024**3
MIB = 1024**2


@dataclass(frozen=True)
class Replica:
    """A read replica of ``primary`` (the model behind a replica's alarm targets)."""

    id: str
    primary: RdsInstance


def _is_primary(model: Any) -> bool:
    return not isinstance(model, Replica)


def _is_replica(model: Any) -> bool:
    return isinstance(model, Replica)


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
        description="Disk filling up: writes (and replication, on a replica) stop at zero.",
    ),
    Signal(
        key="freeable_memory_bytes", namespace=NS, metric="FreeableMemory", statistic="Minimum",
        comparison="LessThanThreshold", default=Threshold(warning=256 * MIB, critical=64 * MIB),
        unit="bytes", title="DB freeable memory", applies=_is_primary,
        description="Memory pressure on the database host (swapping, OOM restarts).",
    ),
    Signal(
        key="database_connections", namespace=NS, metric="DatabaseConnections", statistic="Maximum",
        comparison="GreaterThanThreshold", default=Threshold(warning=400, critical=800),
        title="DB connections", applies=_is_primary,
        description="Connections approaching max_connections.",
    ),
    Signal(
        key="replica_lag_seconds", namespace=NS, metric="ReplicaLag", statistic="Maximum",
        comparison="GreaterThanThreshold", default=Threshold(warning=60, critical=300),
        unit="seconds", title="Replica lag", applies=_is_replica,
        description="Read replica falling behind its primary (stale reads).",
    ),
)


def targets(site: Site) -> tuple[Target, ...]:
    """Each primary, then each of its replicas under the replica's own identifier."""
    out: list[Target] = []
    for db in site.resources.rds_instances:
        out.append(Target(db.id, {"DBInstanceIdentifier": db.id}, db.thresholds, db))
        out += [
            Target(replica, {"DBInstanceIdentifier": replica}, db.thresholds, Replica(replica, db))
            for replica in db.replicas
        ]
    return tuple(out)
