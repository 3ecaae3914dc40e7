"""What a key left out of an inventory file means: every inventory default, written once.

The builder (``vigil.inventory.build``) and the validator's checks read these values, the models
take their field defaults from them, and the JSON schemas (``vigil/schemas``) carry the same
values as ``default`` keywords, which editors show while completing a key. ``SCHEMA_PLACES``
says which schema object each group belongs to; ``tests/inventory/test_defaults_table.py``
fails when a schema's ``default`` and this table diverge in either direction.

Not here: the catalog's threshold defaults (one ``Signal.default`` per signal in
``vigil.catalog.<type>``, rendered into the generated ``catalog.schema.json``), and defaults
derived from another key (a team's ``name`` is its key, a site's ``name`` its ``id``, a
layer's ``timezone`` its schedule's).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEK: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Every day (``vigil.models.WEEKDAYS``): the default of business hours' ``days``."""
DEFAULT_TIME_ZONE = "Etc/UTC"
"""The zone of schedules and support hours that name none: UTC as PagerDuty spells it (its
provider rejects ``UTC``; ``vigil.pagerduty.rules``)."""


@dataclass(frozen=True)
class AlarmTiming:
    """``defaults.yaml`` ``alarm`` (and a tier's ``alarm``): how long a signal must breach."""

    period_seconds: int = 60
    evaluation_periods: int = 5
    datapoints_to_alarm: int = 3


@dataclass(frozen=True)
class TierDefaults:
    """``defaults.yaml`` ``tiers.<name>``."""

    support_hours: str = "24x7"
    urgency_outside_hours: Literal["high", "low"] = "low"
    acknowledgement_timeout_minutes: int = 30
    escalation_loops: int = 2


@dataclass(frozen=True)
class BusinessHours:
    """A tier's ``support_hours`` mapping (business hours; ``timezone`` is required)."""

    days: tuple[Weekday, ...] = WEEK
    start: str = "09:00"
    end: str = "17:00"


@dataclass(frozen=True)
class ScheduleDefaults:
    """``teams.yaml`` ``teams.<key>.schedules.<key>``."""

    timezone: str = DEFAULT_TIME_ZONE


@dataclass(frozen=True)
class LayerDefaults:
    """A schedule's ``layers[]`` entry."""

    rotation: Literal["daily", "weekly"] = "weekly"


@dataclass(frozen=True)
class MemberDefaults:
    """``teams.yaml`` ``teams.<key>.members[]``."""

    timezone: str = DEFAULT_TIME_ZONE


@dataclass(frozen=True)
class SiteDefaults:
    """A site file's top level."""

    environment: str = "production"


@dataclass(frozen=True)
class UrlDefaults:
    """A site's ``urls[]`` entry."""

    expected_status: tuple[int, ...] = (200,)
    timeout_seconds: int = 10
    follow_redirects: bool = True


@dataclass(frozen=True)
class ServerDefaults:
    """A site's ``servers[]`` entry."""

    port: int = 10050  # the Zabbix agent's own default ListenPort
    agent: bool = True


ALARM = AlarmTiming()
TIER = TierDefaults()
BUSINESS_HOURS = BusinessHours()
SCHEDULE = ScheduleDefaults()
LAYER = LayerDefaults()
MEMBER = MemberDefaults()
SITE = SiteDefaults()
URL = UrlDefaults()
SERVER = ServerDefaults()

SCHEMA_PLACES: tuple[tuple[object, str, str], ...] = (
    (ALARM, "defaults.schema.json", "/$defs/alarm"),
    (TIER, "defaults.schema.json", "/$defs/tier"),
    (BUSINESS_HOURS, "defaults.schema.json", "/$defs/support_hours/oneOf/1"),
    (SCHEDULE, "teams.schema.json", "/$defs/schedule"),
    (LAYER, "teams.schema.json", "/$defs/layer"),
    (MEMBER, "teams.schema.json", "/$defs/member"),
    (SITE, "site.schema.json", ""),
    (URL, "site.schema.json", "/$defs/url"),
    (SERVER, "site.schema.json", "/$defs/server"),
)
"""Each group → (schema file, JSON pointer of the object schema whose ``properties`` it fills)."""
