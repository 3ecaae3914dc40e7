"""Shapes shared by the catalog modules."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from vigil.models import Threshold, Thresholds


@dataclass(frozen=True)
class Signal:
    """One default alarm of a resource type; thresholds come from the cascade.

    ``default`` is the bottom of the cascade; a severity whose resolved level is ``None`` gets
    no alarm. Thresholds are written in the inventory's unit (``unit``); ``scale`` converts them
    to the metric's unit (e.g. seconds → milliseconds for ``TimeToFirstByte``).
    """

    key: str
    namespace: str
    metric: str
    statistic: str  # Average, Sum, Minimum, Maximum, SampleCount, or a percentile like p99
    comparison: str  # CloudWatch ComparisonOperator
    default: Threshold
    treat_missing_data: str = "missing"
    availability: bool = False
    description: str = ""
    title: str = ""
    """Short human label (dashboard panel title, alarm description headline)."""
    unit: str = "count"
    """Unit of the thresholds as written in the inventory (Grafana panel unit hint)."""
    scale: float = 1.0
    period_seconds: int | None = None
    """Overrides the tier's alarm period when the metric is published less often."""
    extra_dimensions: Mapping[str, str] = field(default_factory=dict)
    applies: Callable[[Any], bool] | None = None
    """Predicate on the resource model: ``None`` means every resource of the type."""
    relative_to: str | None = None
    """Attribute of the resource model the threshold multiplies (e.g. ``min_in_service``)."""
    global_region: bool = False
    """The metric lives only in us-east-1 (CloudFront, Route 53)."""

    @property
    def is_percentile(self) -> bool:
        return self.statistic.startswith("p")


@dataclass(frozen=True)
class Target:
    """One concrete resource a catalog module watches: its id, dimensions and thresholds."""

    resource_id: str
    dimensions: Mapping[str, str]
    thresholds: Thresholds
    model: Any
