"""EFS file systems (Magento's shared media): burst credits running out, General Purpose I/O limit.

Sources (checked 2026-12):

- Metrics: Amazon EFS User Guide, "CloudWatch metrics for Amazon EFS"
  (https://docs.aws.amazon.com/efs/latest/ug/efs-metrics.html). Namespace ``AWS/EFS``; every
  metric but ``TimeSinceLastSync`` has the single dimension ``FileSystemId`` (``fs-…``).
  ``BurstCreditBalance``: units Bytes, valid statistics Minimum, Maximum, Average ("Minimum is
  the smallest burst credit balance for any minute during the period"). ``PercentIOLimit``:
  units Percent, valid statistics Minimum, Maximum, Average; "how close a file system is to
  reaching the I/O limit of the General Purpose performance mode", submitted only for General
  Purpose file systems. EFS sends metrics at 1-minute periods, so the tier's period applies.
- Modes and id: botocore 1.43 ``efs/2015-02-01/service-2.json``: ``FileSystemId`` pattern
  ``fs-[0-9a-f]{8,40}`` (or the file system ARN; CloudWatch carries the id), ``ThroughputMode``
  ``bursting | provisioned | elastic`` ("Default is bursting"), ``PerformanceMode``
  ``generalPurpose | maxIO`` ("Default is generalPurpose"), from ``CreateFileSystemRequest``.

Only a bursting file system spends credits; at a zero balance it is throttled to its baseline
(a small media share: a few MiB/s), so the credit alarm applies to ``bursting`` only. Default
levels: warning at 192 GiB (about half an hour of bursting at 100 MiB/s), critical at 20 GiB
(a few minutes left). ``PercentIOLimit`` alarms on its average near 100 %, General Purpose only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from vigil.catalog import sources as src
from vigil.catalog.spec import Doc, ResolveThresholds, ResourceKind, Row, Signal, Target
from vigil.models import ResourceType, Site, Threshold, Thresholds, frozen_map

RESOURCE_TYPE = ResourceType("efs")
NS = "AWS/EFS"
GIB = 1024**3

ThroughputMode = Literal["bursting", "provisioned", "elastic"]
PerformanceMode = Literal["generalPurpose", "maxIO"]
THROUGHPUT_MODES: tuple[ThroughputMode, ...] = ("bursting", "provisioned", "elastic")
PERFORMANCE_MODES: tuple[PerformanceMode, ...] = ("generalPurpose", "maxIO")


@dataclass(frozen=True)
class EfsFileSystem:
    id: str  # fs-…, the FileSystemId dimension
    throughput_mode: ThroughputMode = "bursting"
    performance_mode: PerformanceMode = "generalPurpose"
    thresholds: Thresholds = field(default_factory=frozen_map)


def _bursting(fs: Any) -> bool:
    return getattr(fs, "throughput_mode", None) == "bursting"


def _general_purpose(fs: Any) -> bool:
    return getattr(fs, "performance_mode", None) == "generalPurpose"


SIGNALS: tuple[Signal, ...] = (
    Signal(
        key="burst_credit_balance_bytes",
        missing_data_reason="Published every minute while the file system exists (EFS user "
        "guide, \"Amazon CloudWatch metrics for Amazon EFS\"); a gap is no throttling, breaching "
        "would report it as exhausted credits.",
        namespace=NS,
        metric="BurstCreditBalance",
        statistic="Minimum",
        comparison="LessThanThreshold",
        default=Threshold(warning=192 * GIB, critical=20 * GIB),
        unit="bytes",
        applies=_bursting,
        title="EFS burst credits",
        description="Burst credits running out: at zero the file system is throttled to its "
        "baseline throughput (media uploads and reads stall).",
        source=src.join(
            src.recommended("Amazon EFS", "BurstCreditBalance"),
            "https://docs.aws.amazon.com/efs/latest/ug/efs-metrics.html",
        ),
    ),
    Signal(
        key="percent_io_limit",
        missing_data_reason="Published only for General Purpose file systems while they exist; a "
        "gap is no I/O saturation.",
        namespace=NS,
        metric="PercentIOLimit",
        statistic="Average",
        comparison="GreaterThanThreshold",
        default=Threshold(warning=80, critical=95),
        unit="percent",
        applies=_general_purpose,
        title="EFS I/O limit",
        description="Close to the General Purpose performance mode's I/O limit: "
        "file operations queue up.",
        source=src.join(
            src.recommended("Amazon EFS", "PercentIOLimit"),
            "https://docs.aws.amazon.com/efs/latest/ug/efs-metrics.html",
        ),
    ),
)


def build(doc: Doc, thresholds: ResolveThresholds) -> EfsFileSystem:
    return EfsFileSystem(
        id=doc["id"],
        throughput_mode=doc.get("throughput_mode", "bursting"),
        performance_mode=doc.get("performance_mode", "generalPurpose"),
        thresholds=thresholds(RESOURCE_TYPE, doc.get("thresholds")),
    )


SCHEMA = {
    "type": "object",
    "description": "An EFS file system.",
    "additionalProperties": False,
    "required": ["id"],
    "properties": {
        "id": {
            "type": "string",
            "pattern": "^fs-[0-9a-f]{8,40}$",
            "description": "EFS file system id: fs- followed by 8 to 40 lower-case hex digits.",
        },
        "throughput_mode": {
            "enum": list(THROUGHPUT_MODES),
            "description": "Throughput mode (default bursting, as in the EFS API); "
            "burst-credit alarms apply to bursting only.",
        },
        "performance_mode": {
            "enum": list(PERFORMANCE_MODES),
            "description": "Performance mode (default generalPurpose, as in the EFS API); "
            "PercentIOLimit exists for generalPurpose only.",
        },
    },
}


def targets(site: Site) -> tuple[Target, ...]:
    return tuple(
        Target(fs.id, {"FileSystemId": fs.id}, fs.thresholds, fs)
        for fs in site.resources.efs_file_systems
    )


KIND = ResourceKind(
    type=RESOURCE_TYPE,
    title="EFS file systems",
    signals=SIGNALS,
    targets=targets,
    row=Row("EFS file systems", 65),
    inventory_key="efs_file_systems",
    build=build,
    schema=SCHEMA,
)
