"""RDS DB instances: CPU, storage, memory, connections, I/O, credits; lag on each read replica.

RDS publishes a read replica's metrics (``ReplicaLag`` included) under the replica's own
``DBInstanceIdentifier``, so every replica listed in the inventory is a target of its own.
Replicas use their primary's resolved thresholds and get the signals that mean the same on any
instance class: replica lag, CPU (a percentage) and free storage (a full replica stops
replicating) and, on MySQL/MariaDB, "replication stopped" (``ReplicaLag`` = -1, which no
lag threshold catches). Memory and connection thresholds are shares of the primary's instance
class (``instance_class``; absolute stand-ins without it, listed by the plan as unsized), which
may differ on a replica, so they stay on the primary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vigil.catalog import sizing
from vigil.catalog import sources as src
from vigil.catalog.spec import Doc, ResolveThresholds, ResourceKind, Row, Signal, Target
from vigil.models import ResourceType, Site, Threshold, Thresholds, frozen_map

RESOURCE_TYPE = ResourceType.RDS
NS = "AWS/RDS"
GIB = 1024**3
MIB = 1024**2
RDS_MONITORING = "aws-rds/RdsInstanceMonitoring.ts"
STORAGE_TYPES = ("gp2", "gp3", "io1", "io2", "standard")
LAG_STOPPED_ENGINES = frozenset({"mysql", "mariadb"})
"""Engines whose ``ReplicaLag`` is -1 when replication has stopped (RDS metrics reference)."""


@dataclass(frozen=True)
class RdsInstance:
    """A primary DB instance and its read replicas.

    ``replicas`` are the replicas' own DB instance identifiers (lower case, as RDS stores
    them): CloudWatch publishes ``ReplicaLag`` under each replica's id, never the primary's.
    Replica alarms use the primary's resolved ``thresholds``. ``instance_class`` sizes the
    memory and connection alarms (``vigil.catalog.sizing``); without it they are absolute.
    """

    id: str
    engine: str
    replicas: tuple[str, ...] = ()
    thresholds: Thresholds = field(default_factory=frozen_map)
    instance_class: str | None = None
    storage_type: str | None = None
    max_connections_setting: int | None = None
    """``max_connections`` set in the instance's parameter group (beats the class default)."""

    @property
    def has_replicas(self) -> bool:
        return bool(self.replicas)

    @property
    def capacity(self) -> sizing.InstanceClass | None:
        return sizing.rds_class(self.instance_class)

    @property
    def memory_bytes(self) -> int | None:
        return self.capacity.memory_bytes if self.capacity else None

    @property
    def max_connections(self) -> int | None:
        """The parameter group's value, else RDS's default for the engine and class memory."""
        if self.max_connections_setting is not None:
            return self.max_connections_setting
        if self.memory_bytes is None:
            return None
        return sizing.default_max_connections(self.engine, self.memory_bytes)

    @property
    def burstable(self) -> bool:
        return self.instance_class is not None and self.instance_class.split(".")[1].startswith("t")

    @property
    def unsized_reason(self) -> str:
        """Why a memory or connection level is absolute ("" when both are sized)."""
        if self.instance_class is None:
            return "no instance_class: absolute memory and connection levels"
        if self.capacity is None:
            return (
                f"instance class {self.instance_class} is not in vigil.catalog.sizing: "
                "absolute memory and connection levels"
            )
        if self.max_connections is None:
            return (
                f"engine {self.engine} has no memory-based default max_connections: set "
                "max_connections on the entry to size the connection alarm"
            )
        return ""


def build(doc: Doc, thresholds: ResolveThresholds) -> RdsInstance:
    return RdsInstance(
        # RDS stores identifiers in lower case; CloudWatch dimensions carry that form.
        id=doc["id"].lower(),
        engine=doc["engine"],
        replicas=tuple(r.lower() for r in doc.get("replicas", ())),
        thresholds=thresholds(RESOURCE_TYPE, doc.get("thresholds")),
        instance_class=doc.get("instance_class"),
        storage_type=doc.get("storage_type"),
        max_connections_setting=doc.get("max_connections"),
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
        "instance_class": {
            "type": "string",
            "pattern": "^db\\.[a-z0-9-]+\\.[a-z0-9]+$",
            "description": "DB instance class (e.g. db.m6g.large). Sizes the freeable-memory "
            "and connection alarms as a share of the class's memory and default "
            "max_connections, and turns on CPUCreditBalance for t classes. Without it those "
            "alarms use absolute levels and the plan lists them as unsized.",
        },
        "storage_type": {
            "enum": list(STORAGE_TYPES),
            "description": "Storage type; gp2 volumes get a BurstBalance alarm.",
        },
        "max_connections": {
            "type": "integer",
            "minimum": 1,
            "description": "max_connections from the instance's parameter group, when it is "
            "not the engine's default.",
        },
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


def _memory_unsized(model: Any) -> bool:
    return _is_primary(model) and model.memory_bytes is None


def _connections_unsized(model: Any) -> bool:
    return _is_primary(model) and model.max_connections is None


def _gp2(model: Any) -> bool:
    return _is_primary(model) and model.storage_type == "gp2"


def _burstable(model: Any) -> bool:
    return _is_primary(model) and model.burstable


def _postgres(model: Any) -> bool:
    return _is_primary(model) and model.engine == "postgres"


def _lag_can_stop(model: Any) -> bool:
    return _is_replica(model) and model.primary.engine in LAG_STOPPED_ENGINES


SIGNALS: tuple[Signal, ...] = (
    Signal(
        key="cpu_utilization",
        namespace=NS,
        metric="CPUUtilization",
        statistic="Average",
        comparison="GreaterThanThreshold",
        default=Threshold(warning=80, critical=95),
        unit="percent",
        title="DB CPU utilization",
        description="Database CPU saturation.",
        source=src.join(
            src.recommended("Amazon RDS", "CPUUtilization"),
            src.cmc(RDS_MONITORING, "addCpuUsageAlarm"),
        ),
        heartbeat=True,
        heartbeat_source=src.HEARTBEAT["rds"],
        missing_data_reason="Published every minute while the instance is available; a gap is a "
        "stopped or renamed instance, which the heartbeat alarm reports.",
    ),
    Signal(
        key="free_storage_bytes",
        missing_data_reason="Published every minute while the instance is available; a gap means "
        "the resource is gone or its id is wrong, which its heartbeat alarm reports; breaching "
        "here would report the gap as a full disk.",
        namespace=NS,
        metric="FreeStorageSpace",
        statistic="Minimum",
        comparison="LessThanThreshold",
        default=Threshold(warning=5 * GIB, critical=1 * GIB),
        unit="bytes",
        title="DB free storage",
        description="Disk filling up: writes (and replication, on a replica) stop at zero.",
        source=src.join(
            src.recommended("Amazon RDS", "FreeStorageSpace"),
            src.cmc(RDS_MONITORING, "addFreeStorageSpaceAlarm"),
        ),
    ),
    Signal(
        key="freeable_memory_percent",
        missing_data_reason="Published every minute while the instance is available; a gap means "
        "the resource is gone or its id is wrong, which its heartbeat alarm reports; breaching "
        "here would report the gap as memory exhaustion.",
        namespace=NS,
        metric="FreeableMemory",
        statistic="Minimum",
        comparison="LessThanThreshold",
        default=Threshold(warning=10, critical=5),
        unit="percent",
        scale=0.01,
        relative_to="memory_bytes",
        metric_unit="bytes",
        applies=_is_primary,
        title="DB freeable memory",
        description="Freeable memory as a share of the instance class's memory: below it the "
        "host swaps and the engine is OOM-restarted. MySQL's default buffer pool takes 3/4 of "
        "the class memory, so AWS's 25% guidance would fire all day; 10% / 5% is pressure.",
        source=src.join(
            src.recommended("Amazon RDS", "FreeableMemory"),
            "sizes: vigil.catalog.sizing (RDS DB instance class specifications)",
        ),
    ),
    Signal(
        key="freeable_memory_bytes",
        missing_data_reason="Published every minute while the instance is available; a gap means "
        "the resource is gone or its id is wrong, which its heartbeat alarm reports; breaching "
        "here would report the gap as memory exhaustion.",
        namespace=NS,
        metric="FreeableMemory",
        statistic="Minimum",
        comparison="LessThanThreshold",
        default=Threshold(warning=256 * MIB, critical=64 * MIB),
        unit="bytes",
        title="DB freeable memory (unsized)",
        applies=_memory_unsized,
        unsized=True,
        description="Absolute free-memory levels, used only while the instance class is "
        "unknown (set instance_class to size them).",
        source=src.join(
            src.recommended("Amazon RDS", "FreeableMemory"),
            "cloudposse rds-cloudwatch-sns-alarms (FreeableMemory < 64 MB)",
        ),
    ),
    Signal(
        key="database_connections_percent",
        missing_data_reason="Published every minute while the instance is available; a gap means "
        "the resource is gone or its id is wrong, which its heartbeat alarm reports; breaching "
        "here would report the gap as connection exhaustion.",
        namespace=NS,
        metric="DatabaseConnections",
        statistic="Maximum",
        comparison="GreaterThanThreshold",
        default=Threshold(warning=70, critical=85),
        unit="percent",
        scale=0.01,
        relative_to="max_connections",
        applies=_is_primary,
        title="DB connections",
        description="Connections as a share of max_connections (the parameter group's, else "
        "RDS's default for the engine and class memory): at 100% new connections are refused.",
        source=src.join(
            src.recommended("Amazon RDS", "DatabaseConnections"),
            src.cmc(RDS_MONITORING, "addMaxConnectionCountAlarm"),
            "RDS User Guide, Maximum number of database connections",
        ),
    ),
    Signal(
        key="database_connections",
        missing_data_reason="Published every minute while the instance is available; a gap means "
        "the resource is gone or its id is wrong, which its heartbeat alarm reports; breaching "
        "here would report the gap as connection exhaustion.",
        namespace=NS,
        metric="DatabaseConnections",
        statistic="Maximum",
        comparison="GreaterThanThreshold",
        default=Threshold(warning=400, critical=800),
        title="DB connections (unsized)",
        applies=_connections_unsized,
        unsized=True,
        description="Absolute connection levels, used only while max_connections is unknown "
        "(set instance_class, or max_connections, to size them).",
        source=src.recommended("Amazon RDS", "DatabaseConnections"),
    ),
    Signal(
        key="read_latency_seconds",
        missing_data_reason="Published every minute while the instance is available; a gap means "
        "the resource is gone or its id is wrong, which its heartbeat alarm reports; breaching "
        "here would report the gap as slow reads. Not breaching, not missing: a short gap keeps "
        "the alarm OK.",
        namespace=NS,
        metric="ReadLatency",
        statistic="Average",
        comparison="GreaterThanThreshold",
        default=Threshold(warning=0.02),
        unit="seconds",
        applies=_is_primary,
        treat_missing_data="notBreaching",
        title="DB read latency",
        description="Average time per disk read: reads above 20 ms are worth a look (AWS). AWS "
        "suggests p90; RDS publishes one value per minute, so over a 1-minute period p90 is "
        "that value and Average says the same.",
        source=src.join(
            src.recommended("Amazon RDS", "ReadLatency"), src.metrics("rds", "ReadLatency")
        ),
    ),
    Signal(
        key="write_latency_seconds",
        missing_data_reason="Published every minute while the instance is available; a gap means "
        "the resource is gone or its id is wrong, which its heartbeat alarm reports; breaching "
        "here would report the gap as slow writes. Not breaching, not missing: a short gap keeps "
        "the alarm OK.",
        namespace=NS,
        metric="WriteLatency",
        statistic="Average",
        comparison="GreaterThanThreshold",
        default=Threshold(warning=0.02),
        unit="seconds",
        applies=_is_primary,
        treat_missing_data="notBreaching",
        title="DB write latency",
        description="Average time per disk write: commits wait on it.",
        source=src.join(
            src.recommended("Amazon RDS", "WriteLatency"), src.metrics("rds", "WriteLatency")
        ),
    ),
    Signal(
        key="disk_queue_depth",
        missing_data_reason="Published every minute while the instance is available; a gap means "
        "the resource is gone or its id is wrong, which its heartbeat alarm reports; breaching "
        "here would report the gap as a saturated volume.",
        namespace=NS,
        metric="DiskQueueDepth",
        statistic="Average",
        comparison="GreaterThanThreshold",
        default=Threshold(warning=64),
        applies=_is_primary,
        title="DB disk queue depth",
        description="I/O requests waiting for the disk: the volume is at its IOPS or "
        "throughput limit and every query slows down.",
        source=src.join(
            src.metrics("rds", "DiskQueueDepth"),
            "cloudposse rds-cloudwatch-sns-alarms (DiskQueueDepth > 64)",
        ),
    ),
    Signal(
        key="burst_balance_percent",
        missing_data_reason="Published for gp2 volumes only, every minute while the instance is "
        "available; a gap means the resource is gone or its id is wrong, which its heartbeat "
        "alarm reports; breaching here would report the gap as exhausted I/O credits.",
        namespace=NS,
        metric="BurstBalance",
        statistic="Minimum",
        comparison="LessThanThreshold",
        default=Threshold(warning=20, critical=5),
        unit="percent",
        applies=_gp2,
        title="DB gp2 burst balance",
        description="gp2 I/O credits left: at zero the volume drops to its baseline IOPS "
        "(3 per GiB) and the database stalls.",
        source=src.join(
            src.metrics("rds", "BurstBalance", "gp2 volumes only"),
            "cloudposse rds-cloudwatch-sns-alarms (BurstBalance < 20%)",
        ),
    ),
    Signal(
        key="cpu_credit_balance",
        missing_data_reason="Published every 5 minutes for t-class instances while available; a "
        "gap means the resource is gone or its id is wrong, which its heartbeat alarm reports; "
        "breaching here would report the gap as exhausted CPU credits.",
        namespace=NS,
        metric="CPUCreditBalance",
        statistic="Minimum",
        comparison="LessThanThreshold",
        default=Threshold(warning=20),
        applies=_burstable,
        title="DB CPU credits",
        description="CPU credits of a t-class instance (one credit = one vCPU-minute at 100%). "
        "RDS runs db.t3/db.t4g in Unlimited mode, so at zero it bills surplus credits rather "
        "than throttling: a sizing warning, not a page.",
        source=src.join(
            src.metrics("rds", "CPUCreditBalance", "T instance classes"),
            "cloudposse rds-cloudwatch-sns-alarms (CPUCreditBalance < 20)",
        ),
    ),
    Signal(
        key="maximum_used_transaction_ids",
        missing_data_reason="Published for PostgreSQL instances every minute while available; a "
        "gap means the resource is gone or its id is wrong, which its heartbeat alarm reports; "
        "breaching here would report the gap as wraparound.",
        namespace=NS,
        metric="MaximumUsedTransactionIDs",
        statistic="Average",
        comparison="GreaterThanThreshold",
        default=Threshold(warning=1_000_000_000, critical=1_500_000_000),
        applies=_postgres,
        title="PostgreSQL transaction IDs used",
        description="Oldest unvacuumed transaction ID age: PostgreSQL stops accepting writes "
        "near 2^31 (wraparound). 1 billion is AWS's threshold; 1.5 billion pages.",
        source=src.recommended("Amazon RDS", "MaximumUsedTransactionIDs"),
    ),
    Signal(
        key="replica_lag_seconds",
        missing_data_reason="Published by read replicas only; a replica being re-created or "
        "promoted has none, and its own heartbeat alarm reports a wrong id.",
        namespace=NS,
        metric="ReplicaLag",
        statistic="Maximum",
        comparison="GreaterThanThreshold",
        default=Threshold(warning=60, critical=300),
        unit="seconds",
        title="Replica lag",
        applies=_is_replica,
        description="Read replica falling behind its primary (stale reads).",
        source=src.recommended("Amazon RDS", "ReplicaLag"),
    ),
    Signal(
        key="replication_stopped",
        missing_data_reason="Published by read replicas only (-1 when replication stopped, which "
        "breaches); a gap is the replica's heartbeat alarm's business, not stopped replication.",
        namespace=NS,
        metric="ReplicaLag",
        statistic="Minimum",
        comparison="LessThanThreshold",
        default=Threshold(critical=0),
        unit="seconds",
        title="Replication stopped",
        applies=_lag_can_stop,
        description="MySQL/MariaDB report ReplicaLag = -1 when replication is not running "
        "(SQL or I/O thread stopped, replica storage full): the lag alarm never sees it.",
        source=src.metrics("rds", "ReplicaLag", "-1 means replication is not active"),
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
