"""OpenSearch domains: cluster health, nodes, writes, snapshots, storage, JVM, CPU, KMS (AWS/ES).

Levels and windows follow AWS's recommended alarms for OpenSearch Service (CPU as the maximum
over 15 minutes × 3, not an average over minutes); ``instance_count`` gives the Nodes alarm its
level and drops the yellow alarm on single-node domains, which cannot assign replicas.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vigil.catalog import sources as src
from vigil.catalog.spec import Doc, ResolveThresholds, ResourceKind, Row, Signal, Target
from vigil.models import ResourceType, Site, Threshold, Thresholds, frozen_map

RESOURCE_TYPE = ResourceType.OPENSEARCH
NS = "AWS/ES"


CMC_FILE = "aws-opensearch/OpenSearchClusterMonitoring.ts"


@dataclass(frozen=True)
class OpenSearchDomain:
    name: str
    thresholds: Thresholds = field(default_factory=frozen_map)
    instance_count: int | None = None
    """Data nodes (the domain's ``InstanceCount``)."""
    dedicated_master_count: int = 0
    encrypted_at_rest: bool = False

    @property
    def node_count(self) -> int | None:
        """Nodes the domain should have (``Nodes`` counts data and dedicated master nodes)."""
        if self.instance_count is None:
            return None
        return self.instance_count + self.dedicated_master_count

    @property
    def single_node(self) -> bool:
        return self.instance_count == 1

    @property
    def unsized_reason(self) -> str:
        if self.instance_count is None:
            return "no instance_count: no Nodes alarm, ClusterStatus.yellow kept"
        return ""


def build(doc: Doc, thresholds: ResolveThresholds) -> OpenSearchDomain:
    return OpenSearchDomain(
        name=doc["name"],
        thresholds=thresholds(RESOURCE_TYPE, doc.get("thresholds")),
        instance_count=doc.get("instance_count"),
        dedicated_master_count=doc.get("dedicated_master_count", 0),
        encrypted_at_rest=doc.get("encrypted_at_rest", False),
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
        "instance_count": {
            "type": "integer",
            "minimum": 1,
            "description": "Data nodes (the domain's InstanceCount). Gives the Nodes alarm its "
            "level and, at 1, drops ClusterStatus.yellow (one node can never hold replicas).",
        },
        "dedicated_master_count": {
            "type": "integer",
            "minimum": 0,
            "description": "Dedicated master nodes (0: none). With masters the domain gets "
            "MasterCPUUtilization and MasterJVMMemoryPressure alarms.",
        },
        "encrypted_at_rest": {
            "type": "boolean",
            "description": "true when encryption at rest uses a KMS key: KMSKeyError and "
            "KMSKeyInaccessible alarms.",
        },
    },
}


def _multi_node(domain: OpenSearchDomain) -> bool:
    return not domain.single_node


def _masters(domain: OpenSearchDomain) -> bool:
    return domain.dedicated_master_count > 0


def _kms(domain: OpenSearchDomain) -> bool:
    return domain.encrypted_at_rest


SIGNALS: tuple[Signal, ...] = (
    Signal(
        key="cluster_status_red",
        namespace=NS,
        metric="ClusterStatus.red",
        statistic="Maximum",
        comparison="GreaterThanOrEqualToThreshold",
        default=Threshold(critical=1),
        treat_missing_data="breaching",
        availability=True,
        title="Cluster red",
        description="At least one primary shard is unassigned: searches and writes fail.",
        source=src.join(
            src.recommended("Amazon OpenSearch Service", "ClusterStatus.red"),
            src.cmc(CMC_FILE, "addClusterStatusAlarm"),
        ),
    ),
    Signal(
        key="cluster_status_yellow",
        missing_data_reason="Published every minute while the domain exists; a gap means the "
        "resource is gone or its id is wrong, which its heartbeat alarm reports; breaching here "
        "would report the gap as unassigned replicas.",
        namespace=NS,
        metric="ClusterStatus.yellow",
        statistic="Maximum",
        comparison="GreaterThanOrEqualToThreshold",
        default=Threshold(warning=1),
        title="Cluster yellow",
        applies=_multi_node,
        description="Replica shards unassigned: one node failure away from red. Not on a "
        "single-node domain, which is always yellow when indexes have replicas.",
        source=src.recommended("Amazon OpenSearch Service", "ClusterStatus.yellow"),
    ),
    Signal(
        key="cluster_index_writes_blocked",
        missing_data_reason="Published every minute while the domain exists; a gap means the "
        "resource is gone or its id is wrong, which its heartbeat alarm reports; breaching here "
        "would report the gap as blocked writes.",
        namespace=NS,
        metric="ClusterIndexWritesBlocked",
        statistic="Maximum",
        comparison="GreaterThanOrEqualToThreshold",
        default=Threshold(critical=1),
        title="Index writes blocked",
        description="The cluster refuses writes (disk flood stage, memory pressure, or a "
        "write block): indexing fails.",
        source=src.join(
            src.recommended("Amazon OpenSearch Service", "ClusterIndexWritesBlocked"),
            src.cmc(CMC_FILE, "addClusterIndexWritesBlockedAlarm"),
        ),
    ),
    Signal(
        key="automated_snapshot_failure",
        missing_data_reason="Published around the daily automated snapshot, not every minute: a "
        "minute without data is no failed snapshot.",
        namespace=NS,
        metric="AutomatedSnapshotFailure",
        statistic="Maximum",
        comparison="GreaterThanOrEqualToThreshold",
        default=Threshold(warning=1),
        treat_missing_data="notBreaching",
        title="Automated snapshot failed",
        description="The daily automated snapshot failed (often a red cluster): no restore "
        "point for the day.",
        source=src.join(
            src.recommended("Amazon OpenSearch Service", "AutomatedSnapshotFailure"),
            src.cmc(CMC_FILE, "addClusterAutomatedSnapshotFailureAlarm"),
        ),
    ),
    Signal(
        key="nodes",
        missing_data_reason="Published every minute while the domain exists; a gap means the "
        "resource is gone or its id is wrong, which its heartbeat alarm reports; breaching here "
        "would report the gap as lost nodes.",
        namespace=NS,
        metric="Nodes",
        statistic="Minimum",
        comparison="LessThanThreshold",
        default=Threshold(critical=1.0),
        unit="ratio",
        relative_to="node_count",
        period_seconds=86400,
        evaluation_periods=1,
        datapoints_to_alarm=1,
        unsized=True,
        title="Nodes",
        description="Fewer nodes than the domain has (threshold x instance_count + dedicated "
        "masters): a node dropped out. AWS evaluates the minimum over one day.",
        source=src.join(
            src.recommended("Amazon OpenSearch Service", "Nodes"),
            src.cmc(CMC_FILE, "addClusterNodeCountAlarm"),
        ),
    ),
    Signal(
        key="free_storage_megabytes",
        missing_data_reason="Published every minute while the domain exists; a gap means the "
        "resource is gone or its id is wrong, which its heartbeat alarm reports; breaching here "
        "would report the gap as a full disk.",
        namespace=NS,
        metric="FreeStorageSpace",
        statistic="Minimum",
        comparison="LessThanThreshold",
        default=Threshold(warning=20480, critical=5120),
        unit="megabytes",
        title="Free storage (smallest node)",
        description="A data node filling up: indexing blocks at the flood-stage watermark.",
        source=src.join(
            src.recommended("Amazon OpenSearch Service", "FreeStorageSpace"),
            src.cmc(CMC_FILE, "addDiskSpaceUsageAlarm"),
        ),
    ),
    Signal(
        key="jvm_memory_pressure",
        missing_data_reason="Published every minute while the domain exists; a gap means the "
        "resource is gone or its id is wrong, which its heartbeat alarm reports; breaching here "
        "would report the gap as heap pressure.",
        namespace=NS,
        metric="JVMMemoryPressure",
        statistic="Maximum",
        comparison="GreaterThanThreshold",
        default=Threshold(warning=80, critical=92),
        unit="percent",
        title="JVM memory pressure",
        period_seconds=300,
        evaluation_periods=3,
        datapoints_to_alarm=3,
        description="Heap pressure: garbage collection storms, then out-of-memory. AWS "
        "evaluates the maximum over 5 minutes, 3 of 3.",
        source=src.join(
            src.recommended("Amazon OpenSearch Service", "JVMMemoryPressure"),
            src.cmc(CMC_FILE, "addJvmMemoryPressureAlarm"),
        ),
    ),
    Signal(
        key="cpu_utilization",
        namespace=NS,
        metric="CPUUtilization",
        statistic="Maximum",
        comparison="GreaterThanThreshold",
        default=Threshold(warning=80, critical=95),
        unit="percent",
        title="CPU utilization",
        period_seconds=900,
        evaluation_periods=3,
        datapoints_to_alarm=3,
        description="Data node CPU saturation, as the maximum over 15 minutes for 3 periods "
        "(AWS's recommendation): short indexing bursts are normal.",
        source=src.join(
            src.recommended("Amazon OpenSearch Service", "CPUUtilization"),
            src.cmc(CMC_FILE, "addCpuSpaceUsageAlarm"),
        ),
        heartbeat=True,
        heartbeat_source=src.HEARTBEAT["opensearch"],
        missing_data_reason="Published every minute while the domain exists; a gap is a deleted "
        "or renamed domain (or a wrong ClientId), which the heartbeat alarm reports.",
    ),
    Signal(
        key="master_cpu_utilization",
        missing_data_reason="Published only while dedicated master nodes exist; a gap is no busy "
        "master.",
        namespace=NS,
        metric="MasterCPUUtilization",
        statistic="Maximum",
        comparison="GreaterThanThreshold",
        default=Threshold(warning=50, critical=80),
        unit="percent",
        applies=_masters,
        period_seconds=900,
        evaluation_periods=3,
        datapoints_to_alarm=3,
        title="Master CPU utilization",
        description="Dedicated master CPU: a busy master delays cluster state updates (shard "
        "allocation, mappings). AWS: 50% maximum over 15 minutes, 3 of 3.",
        source=src.join(
            src.recommended("Amazon OpenSearch Service", "MasterCPUUtilization"),
            src.cmc(CMC_FILE, "addMasterCpuSpaceUsageAlarm"),
        ),
    ),
    Signal(
        key="master_jvm_memory_pressure",
        missing_data_reason="Published only while dedicated master nodes exist; a gap is no "
        "master heap pressure.",
        namespace=NS,
        metric="MasterJVMMemoryPressure",
        statistic="Maximum",
        comparison="GreaterThanThreshold",
        default=Threshold(warning=80, critical=92),
        unit="percent",
        applies=_masters,
        period_seconds=900,
        evaluation_periods=1,
        datapoints_to_alarm=1,
        title="Master JVM memory pressure",
        description="Dedicated master heap pressure: an out-of-memory master loses the cluster "
        "state. AWS: maximum over 15 minutes.",
        source=src.join(
            src.recommended("Amazon OpenSearch Service", "MasterJVMMemoryPressure"),
            src.cmc(CMC_FILE, "addMasterJvmMemoryPressureAlarm"),
        ),
    ),
    Signal(
        key="kms_key_error",
        missing_data_reason="Published only for domains encrypted at rest; a gap is no key "
        "error.",
        namespace=NS,
        metric="KMSKeyError",
        statistic="Maximum",
        comparison="GreaterThanOrEqualToThreshold",
        default=Threshold(critical=1),
        applies=_kms,
        title="KMS key error",
        description="The KMS key that encrypts the domain at rest is disabled: the domain "
        "cannot read or write its data.",
        source=src.join(
            src.recommended("Amazon OpenSearch Service", "KMSKeyError"),
            src.cmc(CMC_FILE, "addKmsKeyErrorAlarm"),
        ),
    ),
    Signal(
        key="kms_key_inaccessible",
        missing_data_reason="Published only for domains encrypted at rest; a gap is no "
        "inaccessible key.",
        namespace=NS,
        metric="KMSKeyInaccessible",
        statistic="Maximum",
        comparison="GreaterThanOrEqualToThreshold",
        default=Threshold(critical=1),
        applies=_kms,
        title="KMS key inaccessible",
        description="The KMS key was deleted or its grants revoked: the domain's data is "
        "unreadable until the key is back.",
        source=src.join(
            src.recommended("Amazon OpenSearch Service", "KMSKeyInaccessible"),
            src.cmc(CMC_FILE, "addKmsKeyInaccessibleAlarm"),
        ),
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
