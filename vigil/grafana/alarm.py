"""The slice of ``vigil.catalog.alarms.AlarmSpec`` the dashboard reads.

Declared as a Protocol so the dashboard builder depends only on these attributes, not on the
catalog module: panels are drawn from the very specs the CloudWatch alarms are created from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol


class AlarmLike(Protocol):
    """Read-only view of one CloudWatch alarm spec."""

    @property
    def name(self) -> str: ...
    @property
    def site_id(self) -> str: ...
    @property
    def resource_type(self) -> str: ...  # ResourceType is a StrEnum
    @property
    def resource_id(self) -> str: ...
    @property
    def signal(self) -> object: ...  # signal key, or a catalog Signal (``.key``)
    @property
    def severity(self) -> str: ...
    @property
    def namespace(self) -> str: ...
    @property
    def metric(self) -> str: ...
    @property
    def dimensions(self) -> Mapping[str, str]: ...
    @property
    def statistic(self) -> str | None: ...
    @property
    def extended_statistic(self) -> str | None: ...
    @property
    def period(self) -> int: ...
    @property
    def comparison(self) -> str: ...
    @property
    def threshold(self) -> float: ...
    @property
    def availability(self) -> bool: ...
    @property
    def global_region(self) -> bool: ...
    @property
    def description(self) -> str: ...


def signal_key(alarm: AlarmLike) -> str:
    """The signal's key whether the spec carries the key or the catalog ``Signal``."""
    return str(getattr(alarm.signal, "key", alarm.signal))


def stat_of(alarm: AlarmLike) -> str:
    """CloudWatch statistic as Grafana's query wants it (``p99`` for extended statistics)."""
    return alarm.extended_statistic or alarm.statistic or "Average"


def is_lower_bound(alarm: AlarmLike) -> bool:
    """True when the alarm fires below its threshold (free storage, healthy hosts…)."""
    return alarm.comparison.startswith("LessThan")
