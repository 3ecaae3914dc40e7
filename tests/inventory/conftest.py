"""Fixtures: a small fake catalog (the writable example inventory `inv` is in tests/conftest.py)."""

from __future__ import annotations

import pytest

from vigil import catalog
from vigil.catalog.spec import Signal
from vigil.models import ResourceType, Threshold


def _signal(key: str, comparison: str, warning: float | None, critical: float | None) -> Signal:
    return Signal(
        key=key,
        namespace="AWS/Test",
        metric=key,
        statistic="Average",
        comparison=comparison,
        default=Threshold(warning=warning, critical=critical),
    )


GT = "GreaterThanThreshold"
LT = "LessThanThreshold"
FAKE_CATALOG = {
    ResourceType.ALB: (
        _signal("elb_5xx_rate", GT, 1, 5),
        _signal("target_response_time_p99", GT, 1, 2.5),
    ),
    ResourceType.RDS: (_signal("free_storage_bytes", LT, 5e9, 1e9),),
    ResourceType.EC2: (_signal("cpu_utilization", "GreaterThanOrEqualToThreshold", 80, 95),),
    ResourceType.ELASTICACHE: (_signal("database_memory_usage_percent", GT, 80, 95),),
    ResourceType.AURORA: (_signal("cpu_utilization", GT, 80, 95),),
}


@pytest.fixture
def fake_catalog(monkeypatch: pytest.MonkeyPatch) -> dict:
    """Register the signals the example inventory uses (the real catalog is built elsewhere)."""
    monkeypatch.setattr(catalog, "CATALOG", dict(FAKE_CATALOG))
    return catalog.CATALOG


