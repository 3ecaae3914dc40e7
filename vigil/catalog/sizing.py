"""Instance class capacity (vCPUs, memory) and the default ``max_connections`` derived from it.

Connection and memory thresholds are only meaningful as a share of the instance's capacity:
400 connections is past PostgreSQL's default limit on a 2 GiB class and nothing on a 64 GiB one.
The tables below give each class's vCPUs and memory, so the catalog states those thresholds as
percentages and multiplies them here.

Sources:
- RDS: "Hardware specifications for DB instance classes" (Amazon RDS User Guide,
  Concepts.DBInstanceClass.Summary.html): a class has the vCPUs and memory of the EC2 instance
  of the same family and size (db.m6g.large: 2 vCPUs, 8 GiB; db.r6g.large: 2 vCPUs, 16 GiB;
  db.t3.micro: 2 vCPUs, 1 GiB).
- ElastiCache: "Supported node types" (ElastiCache User Guide, CacheNodes.SupportedTypes.html;
  node type names also in the API reference's ``CacheNode``); a node type has the vCPUs of the
  EC2 instance of the same family and size.
- Default ``max_connections``: "Maximum number of database connections" (Amazon RDS User Guide,
  CHAP_Limits.html#RDS_Limits.MaxConnections): MySQL and MariaDB
  ``{DBInstanceClassMemory/12582880}``, PostgreSQL ``LEAST({DBInstanceClassMemory/9531392},5000)``.

``DBInstanceClassMemory`` is the class memory less what RDS reserves for the OS and its agents,
so the formulas applied to the class memory give an upper bound: measured, db.t2.small (2 GiB)
defaults to 198 PostgreSQL connections where 2 GiB / 9531392 gives 225 (about 12% less; about
3% at 16 GiB). The catalog's connection levels (70% / 85%) stay below the real limit on every
class; an inventory that sets ``max_connections`` in a parameter group states it on the entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

GIB = 1024**3


@dataclass(frozen=True)
class InstanceClass:
    name: str
    vcpus: int
    memory_gib: float

    @property
    def memory_bytes(self) -> int:
        return int(self.memory_gib * GIB)

    @property
    def burstable(self) -> bool:
        """t-class: runs on CPU credits (``CPUCreditBalance``)."""
        return self.name.split(".")[1].startswith("t")


SIZE_VCPUS: Mapping[str, int] = MappingProxyType(
    {
        "large": 2, "xlarge": 4, "2xlarge": 8, "4xlarge": 16, "8xlarge": 32, "12xlarge": 48,
        "16xlarge": 64, "24xlarge": 96, "32xlarge": 128,
    }
)  # fmt: skip
"""vCPUs of the sizes from large up (the same in every current family)."""

BURSTABLE_SIZES: Mapping[str, tuple[int, float]] = MappingProxyType(
    {
        "micro": (2, 1), "small": (2, 2), "medium": (2, 4), "large": (2, 8), "xlarge": (4, 16),
        "2xlarge": (8, 32),
    }
)  # fmt: skip
"""db.t3 / db.t4g: size → (vCPUs, GiB)."""

RDS_FAMILIES: Mapping[str, tuple[float, tuple[str, ...]]] = MappingProxyType(
    {
        # family: (GiB per vCPU, sizes offered)
        "m5": (4, ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
                   "24xlarge")),
        "m6g": (4, ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge")),
        "m6gd": (4, ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge",
                     "16xlarge")),
        "m6i": (4, ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
                    "24xlarge", "32xlarge")),
        "m7g": (4, ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge")),
        "r5": (8, ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
                   "24xlarge")),
        "r6g": (8, ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge")),
        "r6gd": (8, ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge",
                     "16xlarge")),
        "r6i": (8, ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
                    "24xlarge", "32xlarge")),
        "r7g": (8, ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge")),
        "x2g": (16, ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge",
                     "16xlarge")),
    }
)  # fmt: skip


def _rds_classes() -> dict[str, InstanceClass]:
    classes = {
        f"db.{family}.{size}": InstanceClass(f"db.{family}.{size}", vcpus, gib)
        for family in ("t3", "t4g")
        for size, (vcpus, gib) in BURSTABLE_SIZES.items()
    }
    for family, (gib_per_vcpu, sizes) in RDS_FAMILIES.items():
        for size in sizes:
            name = f"db.{family}.{size}"
            classes[name] = InstanceClass(name, SIZE_VCPUS[size], SIZE_VCPUS[size] * gib_per_vcpu)
    return dict(sorted(classes.items()))


RDS_CLASSES: Mapping[str, InstanceClass] = MappingProxyType(_rds_classes())

ELASTICACHE_VCPUS: Mapping[str, int] = MappingProxyType(
    {
        **{f"cache.{f}.{s}": 2 for f in ("t3", "t4g") for s in ("micro", "small", "medium")},
        "cache.t2.micro": 1, "cache.t2.small": 1, "cache.t2.medium": 2,
        **{f"cache.m5.{s}": SIZE_VCPUS[s]
           for s in ("large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge")},
        **{f"cache.r5.{s}": SIZE_VCPUS[s]
           for s in ("large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge")},
        **{f"cache.{f}.{s}": SIZE_VCPUS[s]
           for f in ("m6g", "m7g", "r6g", "r7g")
           for s in ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge")},
    }
)  # fmt: skip
"""ElastiCache node type → vCPUs (the host-CPU alarm is for nodes with at most 2)."""

CONNECTION_DIVISORS: Mapping[str, tuple[int, int | None]] = MappingProxyType(
    {
        "mysql": (12582880, None),
        "mariadb": (12582880, None),
        "postgres": (9531392, 5000),
    }
)
"""Engine → (DBInstanceClassMemory divisor, cap) of RDS's default ``max_connections``.

Oracle and SQL Server are absent: their defaults are not a function of memory alone."""


def rds_class(name: str | None) -> InstanceClass | None:
    return RDS_CLASSES.get(name) if name else None


def default_max_connections(engine: str, memory_bytes: int) -> int | None:
    """RDS's default ``max_connections`` for ``engine`` on a class of ``memory_bytes``."""
    rule = CONNECTION_DIVISORS.get(engine)
    if rule is None:
        return None
    divisor, cap = rule
    value = memory_bytes // divisor
    return min(value, cap) if cap is not None else value
