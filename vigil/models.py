"""Immutable typed models of the inventory: the only shape the rest of vigil consumes.

The loader (``vigil.inventory``) turns validated YAML into these objects after resolving the
cascade global → tier → resource type → site → resource, so renderers and components never
look at raw YAML or repeat default logic. The model of each AWS resource type lives in its
catalog module (``vigil.catalog.<type>``); ``AwsResources`` holds them by inventory key.
"""

from __future__ import annotations

import copyreg
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, ClassVar, Literal

from vigil import defaults
from vigil.defaults import DEFAULT_TIME_ZONE as DEFAULT_TIME_ZONE  # re-exported
from vigil.defaults import WEEK as WEEKDAYS  # re-exported
from vigil.defaults import Weekday as Weekday
from vigil.limits import DEFAULT_DETECTION_MINUTES

Severity = Literal["critical", "warning"]
SEVERITIES: tuple[Severity, ...] = ("critical", "warning")


def frozen_map(data: Mapping | None = None) -> Mapping:
    """A read-only mapping, so resolved models cannot be mutated by a renderer."""
    return MappingProxyType(dict(data or {}))


def _reduce_frozen_map(mapping: MappingProxyType) -> tuple[Any, tuple[dict]]:
    return frozen_map, (dict(mapping),)


# Models cross process boundaries (`vigil plan --fleet` workers send theirs to the parent);
# pickle has no reducer for mappingproxy, so a read-only mapping travels as its contents.
copyreg.pickle(MappingProxyType, _reduce_frozen_map)


class ResourceType(str):
    """The key of an AWS resource type in the inventory's ``thresholds`` (e.g. ``rds``).

    An open set: each catalog module (``vigil.catalog.<type>``) declares its own type, and
    ``vigil.catalog.resource_types()`` lists them. The constants below name the types that
    code outside their own module refers to.
    """

    __slots__ = ()

    @property
    def value(self) -> str:
        return str(self)

    def __repr__(self) -> str:
        return f"ResourceType({str(self)!r})"

    ALB: ClassVar[ResourceType]
    TARGET_GROUP: ClassVar[ResourceType]
    EC2: ClassVar[ResourceType]
    ASG: ClassVar[ResourceType]
    RDS: ClassVar[ResourceType]
    AURORA: ClassVar[ResourceType]
    ELASTICACHE: ClassVar[ResourceType]
    CLOUDFRONT: ClassVar[ResourceType]
    OPENSEARCH: ClassVar[ResourceType]
    URL: ClassVar[ResourceType]


for _name in (
    "alb", "target_group", "ec2", "asg", "rds", "aurora", "elasticache", "cloudfront",
    "opensearch", "url",
):  # fmt: skip
    setattr(ResourceType, _name.upper(), ResourceType(_name))


@dataclass(frozen=True)
class Origin:
    """Where a resolved threshold level was set: the cascade layer, its file and line.

    ``layer`` is ``catalog`` (the built-in default), ``defaults``, ``tiers.<tier>``, ``site``
    or ``resource``; the catalog has no file.
    """

    layer: str
    file: str = ""
    line: int = 0

    def __str__(self) -> str:
        if not self.file:
            return "the catalog default"
        return f"set in {self.layer} at {self.file}:{self.line}"


CATALOG_DEFAULT = Origin("catalog")


@dataclass(frozen=True)
class Threshold:
    """Warning and critical levels of one signal; ``None`` turns that severity off.

    ``origins`` (warning's, critical's) say which cascade layer set each level; they do not
    take part in equality, so a threshold compares by its levels only.
    """

    warning: float | None = None
    critical: float | None = None
    origins: tuple[Origin, Origin] = field(
        default=(CATALOG_DEFAULT, CATALOG_DEFAULT), compare=False, repr=False
    )

    def origin(self, severity: Severity) -> Origin:
        return self.origins[0] if severity == "warning" else self.origins[1]


Thresholds = Mapping[str, Threshold]
"""Signal key (e.g. ``cpu_utilization``) → resolved threshold."""


# --------------------------------------------------------------------------- tiers


@dataclass(frozen=True)
class AlarmDefaults:
    """How long a signal must breach before an alarm fires (``defaults.yaml`` ``alarm``)."""

    period_seconds: int = defaults.ALARM.period_seconds
    evaluation_periods: int = defaults.ALARM.evaluation_periods
    datapoints_to_alarm: int = defaults.ALARM.datapoints_to_alarm


@dataclass(frozen=True)
class SupportHours:
    """When the tier is supported; ``always`` is 24×7."""

    always: bool
    timezone: str = DEFAULT_TIME_ZONE
    days: tuple[Weekday, ...] = WEEKDAYS
    start: str = "00:00"  # HH:MM local time
    end: str = "24:00"  # HH:MM local time, exclusive


@dataclass(frozen=True)
class Tier:
    name: str
    response_sla_minutes: int
    support_hours: SupportHours
    urgency_outside_hours: Literal["high", "low"] = defaults.TIER.urgency_outside_hours
    acknowledgement_timeout_minutes: int = defaults.TIER.acknowledgement_timeout_minutes
    auto_resolve_timeout_minutes: int | None = None
    """``None``/0: never. Every vigil service's tools resolve their own incidents (CloudWatch OK
    actions, Zabbix recoveries, Grafana resolves); a timeout would resolve an incident whose
    alarm is still in ALARM, and CloudWatch notifies only on state changes, so it goes quiet."""
    escalation_loops: int = defaults.TIER.escalation_loops
    alarm: AlarmDefaults = field(default_factory=AlarmDefaults)
    detection_minutes: int = DEFAULT_DETECTION_MINUTES
    """Worst case from a failure to ALARM its critical availability alarms may take
    (``detection-within-tier``; default ``vigil.limits.DEFAULT_DETECTION_MINUTES``)."""
    thresholds: Mapping[str, Thresholds] = field(default_factory=frozen_map)
    """Tier-level overrides keyed by resource type, then signal."""

    @property
    def is_24x7(self) -> bool:
        return self.support_hours.always


# --------------------------------------------------------------------------- teams


@dataclass(frozen=True)
class Member:
    email: str
    name: str
    timezone: str


@dataclass(frozen=True)
class Restriction:
    """A window a layer is on call, in the layer's time zone.

    ``days`` empty means every day (PagerDuty ``daily_restriction``), otherwise one weekly
    restriction per day (PagerDuty ``weekly_restriction``).
    """

    start: str  # HH:MM
    duration_minutes: int
    days: tuple[Weekday, ...] = ()


@dataclass(frozen=True)
class Layer:
    name: str
    timezone: str
    rotation: Literal["daily", "weekly"]
    members: tuple[str, ...]  # member emails, in rotation order
    start: str  # ISO date-time, local to ``timezone`` unless it has an offset: layer start
    restrictions: tuple[Restriction, ...] = ()
    end: str | None = None  # ISO date-time: the layer covers nothing from then on
    rotation_virtual_start: str | None = None  # hand-off origin; ``start`` when absent
    turn_seconds: int | None = None  # a deployed layer's own turn length (else ``rotation``)

    @property
    def turn_length_seconds(self) -> int:
        if self.turn_seconds:
            return self.turn_seconds
        return 86_400 if self.rotation == "daily" else 604_800


@dataclass(frozen=True)
class Schedule:
    key: str
    name: str
    timezone: str
    layers: tuple[Layer, ...]
    """Later layers override earlier ones, as in PagerDuty."""


@dataclass(frozen=True)
class EscalationLevel:
    """One support level (L1 first line … L4 external vendor)."""

    level: Literal["L1", "L2", "L3", "L4"]
    description: str
    schedule: str | None = None  # schedule key within the team
    users: tuple[str, ...] = ()  # member emails
    delay_minutes: int | None = None
    """Minutes before escalating past this level; L1's is always the tier SLA."""


@dataclass(frozen=True)
class Team:
    key: str
    name: str
    members: tuple[Member, ...]
    schedules: tuple[Schedule, ...]
    escalation: tuple[EscalationLevel, ...]  # ordered L1 → L4

    def schedule(self, key: str) -> Schedule:
        return next(s for s in self.schedules if s.key == key)

    @property
    def first_line_schedules(self) -> tuple[Schedule, ...]:
        """Schedules of level L1: the ones that must cover the week for 24×7 tiers."""
        l1 = next((lvl for lvl in self.escalation if lvl.level == "L1"), None)
        if l1 is None or l1.schedule is None:
            return ()
        return (self.schedule(l1.schedule),)


# --------------------------------------------------------------------------- AWS resources


def _inventory_keys() -> frozenset[str]:
    from vigil import catalog  # the registry imports this module

    return catalog.inventory_keys()


class AwsResources(Mapping[str, tuple[Any, ...]]):
    """A site's AWS resources: inventory key (``rds_instances``) → models, in file order.

    The keys and model types are the catalog's (one module per resource type, see
    ``vigil.catalog``); lists the site does not use read as ``()``, by key or by attribute
    (``resources.rds_instances``). Immutable; ``replace`` returns a changed copy.
    """

    __slots__ = ("_lists",)
    _lists: Mapping[str, tuple[Any, ...]]

    def __init__(
        self, lists: Mapping[str, Iterable[Any]] | None = None, /, **by_key: Iterable[Any]
    ) -> None:
        merged = {key: tuple(items) for key, items in {**(lists or {}), **by_key}.items()}
        unknown = sorted(set(merged) - _inventory_keys())
        if unknown:
            raise TypeError(f"unknown resource lists {unknown}; known: {sorted(_inventory_keys())}")
        object.__setattr__(self, "_lists", MappingProxyType({k: v for k, v in merged.items() if v}))

    def __getitem__(self, key: str) -> tuple[Any, ...]:
        if key in self._lists:
            return self._lists[key]
        if key in _inventory_keys():
            return ()
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._lists)

    def __len__(self) -> int:
        return len(self._lists)

    def __getattr__(self, name: str) -> tuple[Any, ...]:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"no resource list {name!r}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("AwsResources is immutable; use replace()")

    def __repr__(self) -> str:
        return f"AwsResources({dict(self._lists)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (AwsResources, (dict(self._lists),))

    def replace(self, **changes: Iterable[Any]) -> AwsResources:
        return AwsResources({**self._lists, **changes})


# --------------------------------------------------------------------------- site


@dataclass(frozen=True)
class UrlCheck:
    url: str
    name: str  # short slug used in resource names, e.g. "home", "checkout"
    expected_status: tuple[int, ...] = defaults.URL.expected_status
    required_text: str | None = None
    timeout_seconds: int = defaults.URL.timeout_seconds
    follow_redirects: bool = defaults.URL.follow_redirects
    thresholds: Thresholds = field(default_factory=frozen_map)


@dataclass(frozen=True)
class Server:
    """A machine Zabbix watches through its agent."""

    name: str
    address: str  # IP or DNS name of the agent interface
    services: tuple[str, ...]  # nginx, php-fpm, varnish, sphinx, redis, mysql, …
    port: int = defaults.SERVER.port
    agent: bool = defaults.SERVER.agent
    """False: ports checked from the Zabbix server, no agent items."""
    macros: Mapping[str, str] = field(default_factory=frozen_map)  # service macro overrides


@dataclass(frozen=True)
class Site:
    id: str
    client: str
    name: str
    tier: Tier
    environment: str
    owner_team: str
    runbook_url: str
    aws_account_id: str
    aws_region: str
    resources: AwsResources
    urls: tuple[UrlCheck, ...]
    servers: tuple[Server, ...]
    tags: Mapping[str, str] = field(default_factory=frozen_map)
    """Extra tags from the site file; standard vigil tags are added by ``vigil.naming``."""
    source: str = ""  # inventory file the site came from, for messages


# --------------------------------------------------------------------------- inventory


@dataclass(frozen=True)
class Inventory:
    root: str
    tiers: Mapping[str, Tier]
    teams: Mapping[str, Team]
    sites: tuple[Site, ...]  # sorted by id

    def site(self, site_id: str) -> Site:
        return next(s for s in self.sites if s.id == site_id)

    def team(self, key: str) -> Team:
        return self.teams[key]

    @property
    def clients(self) -> tuple[str, ...]:
        return tuple(sorted({s.client for s in self.sites}))

    def only_clients(self, clients: tuple[str, ...] | list[str]) -> Inventory:
        """The shard of this inventory a stack manages (``vigil:clients`` config)."""
        wanted = set(clients)
        return Inventory(
            root=self.root,
            tiers=self.tiers,
            teams=self.teams,
            sites=tuple(s for s in self.sites if s.client in wanted),
        )
