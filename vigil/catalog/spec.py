"""Shapes shared by the catalog modules."""

from __future__ import annotations

from dataclasses import dataclass

from vigil.models import Threshold


@dataclass(frozen=True)
class Signal:
    """One default alarm of a resource type; thresholds come from the cascade."""

    key: str
    namespace: str
    metric: str
    statistic: str  # Average, Sum, Minimum, Maximum, SampleCount, or a percentile like p99
    comparison: str  # CloudWatch ComparisonOperator
    default: Threshold
    treat_missing_data: str = "missing"
    availability: bool = False
    description: str = ""
