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

from dataclasses import dataclass, field
from typing import Any

from vigil.catalog.spec import Doc, ResolveThresholds, ResourceKind, Row, Signal, Target
from vigil.models import ResourceType, Site, Threshold, Thresholds, frozen_map

RESOURCE_TYPE = ResourceType.RDS
NS = "AWS/RDS"
GIB = 1024**3
MIB = 1024**2


@dataclass(frozen=True)
class RdsInstance:
    """A primary DB instance and its read replicas.

    ``replicas`` are the replicas' own DB instance identifiers (lower case, as RDS stores
    them): CloudWatch publishes ``ReplicaLag`` under each replica's id, never the primary's.
    Replica alarms use the primary's resolved ``thresholds``.
    """

    id: str
    engine: str
    replicas: tuple[str, ...] = ()
    thresholds: Thresholds = field(default_factory=frozen_map)

    @property
    def has_replicas(self) -> bool:
        return bool(self.replicas)


def build(doc: Doc, thresholds: ResolveThresholds) -> RdsInstance:
    return RdsInstance(
        # RDS stores identifiers in lower case; CloudWatch dimensions carry that form.
        id=doc["id"].lower(),
        engine=doc["engine"],
        replicas=tuple(r.lower() for r in doc.get("replicas", ())),
        thresholds=thresholds(RESOURCE_TYPE, doc.get("thresholds")),
    )


ENGINES = (
    "mysql", "mariadb", "postgres", "oracle-ee", "oracle-se2", "sqlserver-ex", "sqlserver-web",
    "sqlserver-se", "sqlserver-ee",
)  # fmt: skip

SCHEMA_DEFS = {
    "rds_identifier": {
        "type": "string",
        "pattern": "^(?=.{1,63}$)[a-zA-Z](-?[a-zA-Z0-9])*$",
        "description": "DB instance identifier: 1-63 letters, digits and hyphens, starting with "
        "a letter, without two hyphens in a row or a hyphen at the end.",
    },
}

SCHEMA = {
    "type": "object",
    "description": "An RDS DB instance.",
    "additionalProperties": False,
    "required": ["id", "engine"],
    "properties": {
        "id": {
            "$ref": "#/$defs/rds_identifier",
            "description": "The primary's DB instance identifier.",
        },
        "engine": {"enum": list(ENGINES), "description": "RDS engine."},
        "replicas": {
            "type": "array",
            "items": {"$ref": "#/$defs/rds_identifier"},
            "description": "DB instance identifiers of this instance's read replicas. RDS reports "
            "ReplicaLag under each replica's own identifier, so each gets its own replica-lag, "
            "CPU and free-storage alarms (with this instance's thresholds). Each id once per "
            "site, never the primary's.",
        },
        "has_replicas": {
            "deprecated": True,
            "description": "Removed: list the read replicas' DB instance identifiers under "
            "replicas instead (ReplicaLag is reported per replica).",
        },
    },
}


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


KIND = ResourceKind(
    type=RESOURCE_TYPE,
    title="RDS DB instances",
    signals=SIGNALS,
    targets=targets,
    row=Row("RDS", 80),
    inventory_key="rds_instances",
    build=build,
    schema=SCHEMA,
    schema_defs=SCHEMA_DEFS,
    ids_case_insensitive=True,  # RDS identifiers are case-insensitive (stored in lower case)
)
