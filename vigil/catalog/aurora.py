"""Aurora clusters: cluster-wide CPU, local storage, memory, connections, reader lag."""

from __future__ import annotations

from dataclasses import dataclass, field

from vigil.catalog import sources as src
from vigil.catalog.spec import Doc, ResolveThresholds, ResourceKind, Row, Signal, Target
from vigil.models import ResourceType, Site, Threshold, Thresholds, frozen_map

RESOURCE_TYPE = ResourceType.AURORA
NS = "AWS/RDS"
GIB = 1024**3
MIB = 1024**2


@dataclass(frozen=True)
class AuroraCluster:
    id: str
    engine: str
    readers: int = 0
    thresholds: Thresholds = field(default_factory=frozen_map)


STORED_LOWER_CASE = (
    "botocore rds model, CreateDBCluster.DBClusterIdentifier documentation: \"This parameter is "
    "stored as a lowercase string\"; "
    "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html"
)
"""Why ``build`` lower-cases the id: RDS publishes ``DBClusterIdentifier`` in the stored form and
CloudWatch dimension values are matched exactly, so ``Nova-Orders`` would watch nothing."""


def build(doc: Doc, thresholds: ResolveThresholds) -> AuroraCluster:
    return AuroraCluster(
        id=doc["id"].lower(),  # STORED_LOWER_CASE
        engine=doc["engine"],
        readers=doc.get("readers", 0),
        thresholds=thresholds(RESOURCE_TYPE, doc.get("thresholds")),
    )


SCHEMA = {
    "type": "object",
    "description": "An Aurora cluster.",
    "additionalProperties": False,
    "required": ["id", "engine"],
    "properties": {
        "id": {
            "type": "string",
            "pattern": "^[a-zA-Z][a-zA-Z0-9-]{0,62}$",
            "description": "DB cluster identifier: a letter, then up to 62 letters, digits and "
            "dashes.",
        },
        "engine": {"enum": ["aurora-mysql", "aurora-postgresql"], "description": "Aurora engine."},
        "readers": {"type": "integer", "minimum": 0, "description": "Number of reader instances."},
    },
}

SIGNALS: tuple[Signal, ...] = (
    Signal(
        key="cpu_utilization",
        namespace=NS,
        metric="CPUUtilization",
        statistic="Maximum",
        comparison="GreaterThanThreshold",
        default=Threshold(warning=80, critical=95),
        unit="percent",
        title="Aurora CPU utilization (busiest instance)",
        description="CPU saturation of the busiest instance of the cluster.",
        source=src.recommended("Amazon RDS", "CPUUtilization"),
        heartbeat=True,
        heartbeat_source=src.HEARTBEAT["rds"],
        missing_data_reason="Published every minute while an instance of the cluster runs; a gap "
        "is a stopped or renamed cluster, which the heartbeat alarm reports.",
    ),
    Signal(
        key="free_local_storage_bytes",
        missing_data_reason="Published every minute per instance while the cluster runs; a gap "
        "means the resource is gone or its id is wrong, which its heartbeat alarm reports; "
        "breaching here would report the gap as full local storage.",
        namespace=NS,
        metric="FreeLocalStorage",
        statistic="Minimum",
        comparison="LessThanThreshold",
        default=Threshold(warning=5 * GIB, critical=1 * GIB),
        unit="bytes",
        title="Aurora free local storage",
        description="Local (temp table, log) storage of an instance filling up; "
        "Aurora's cluster volume grows by itself, its FreeStorageSpace equivalent is this.",
        source=src.recommended("Amazon RDS", "FreeLocalStorage"),
    ),
    Signal(
        key="freeable_memory_bytes",
        missing_data_reason="Published every minute while the cluster runs; a gap means the "
        "resource is gone or its id is wrong, which its heartbeat alarm reports; breaching here "
        "would report the gap as memory exhaustion.",
        namespace=NS,
        metric="FreeableMemory",
        statistic="Minimum",
        comparison="LessThanThreshold",
        default=Threshold(warning=256 * MIB, critical=64 * MIB),
        unit="bytes",
        title="Aurora freeable memory",
        description="Memory pressure on an instance of the cluster.",
        source=src.recommended("Amazon RDS", "FreeableMemory"),
    ),
    Signal(
        key="database_connections",
        missing_data_reason="Published every minute while the cluster runs; a gap means the "
        "resource is gone or its id is wrong, which its heartbeat alarm reports; breaching here "
        "would report the gap as connection exhaustion.",
        namespace=NS,
        metric="DatabaseConnections",
        statistic="Maximum",
        comparison="GreaterThanThreshold",
        default=Threshold(warning=400, critical=800),
        title="Aurora connections",
        description="Connections approaching max_connections.",
        source=src.recommended("Amazon RDS", "DatabaseConnections"),
    ),
    Signal(
        key="replica_lag_seconds",
        missing_data_reason="Published for reader instances (Role=READER) only: while no reader "
        "runs (failover, replacement) there is none, and that is no lag; the cluster's heartbeat "
        "alarm reports a wrong id.",
        namespace=NS,
        metric="AuroraReplicaLag",
        statistic="Maximum",
        comparison="GreaterThanThreshold",
        default=Threshold(warning=1, critical=10),
        unit="seconds",
        scale=1000.0,
        extra_dimensions={"Role": "READER"},
        applies=lambda c: c.readers > 0,
        title="Aurora reader lag",
        description="Readers falling behind the writer (AuroraReplicaLag, milliseconds).",
        source=src.join(
            src.recommended("Amazon RDS", "AuroraReplicaLag"),
            src.metrics("rds", "AuroraReplicaLag"),
        ),
    ),
)


def targets(site: Site) -> tuple[Target, ...]:
    return tuple(
        Target(c.id, {"DBClusterIdentifier": c.id}, c.thresholds, c)
        for c in site.resources.aurora_clusters
    )


KIND = ResourceKind(
    type=RESOURCE_TYPE,
    title="Aurora DB clusters",
    signals=SIGNALS,
    targets=targets,
    row=Row("Aurora", 90),
    inventory_key="aurora_clusters",
    build=build,
    schema=SCHEMA,
    ids_case_insensitive=True,  # STORED_LOWER_CASE: Nova-Orders and nova-orders are one cluster
)
