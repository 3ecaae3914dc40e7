"""Monthly AWS cost of a stack's monitoring, from the plan's `Recording` and the price table.

Pure: the recording (live from `vigil.plan.engine`, or a saved plan) is the only account of
what vigil creates, so the estimate counts exactly the resources `vigil plan` reports; the rates
are rows of `vigil.aws.prices`. Every billed AWS resource type has a row in `MONTHLY` (part of
the total), `USAGE` (priced per use, listed beside the total) or `FREE`; any other ``aws:*``
type is reported as unpriced instead of silently costing nothing.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from vigil import resource_types as rt
from vigil.aws import prices
from vigil.plan.record import SITE_TYPE, Recording, Resource

GLOBAL = "global"
"""The region of Route 53 lines (a global service, one price)."""

HIGH_RESOLUTION_PERIODS = frozenset({10, 20, 30})
"""botocore cloudwatch PutMetricAlarm.Period: 'Specifying 10, 20, or 30 also sets this alarm
as a high-resolution alarm, which has a higher charge than other alarms.'"""

DEFAULT_REQUEST_INTERVAL = 30
"""botocore route53 HealthCheckConfig.RequestInterval: 30 s unless set (10 = fast interval)."""


class PriceError(ValueError):
    """A resource the price table cannot price honestly (``where`` names it)."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where


@dataclass(frozen=True)
class Charge:
    """``quantity`` units of price row ``key`` for one resource."""

    key: str
    quantity: int


@dataclass(frozen=True)
class Placed:
    """Where a resource is billed: its region (`GLOBAL` for Route 53) and account."""

    region: str
    account: str | None


@dataclass
class Line:
    """Quantity × unit price of one price row in one region, for one site (or the stack)."""

    price: prices.Price
    region: str
    priced_as: str
    quantity: int = 0

    @property
    def monthly(self) -> Decimal:
        return self.price.usd * self.quantity

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.price.key,
            "service": self.price.service,
            "item": self.price.item,
            "region": self.region,
            "pricedAs": self.priced_as,
            "quantity": self.quantity,
            "unitPrice": money(self.price.usd),
            "monthly": money(self.monthly),
        }


@dataclass
class UsageLine:
    """A per-use price: how many resources are billed that way, and the rate."""

    price: prices.Price
    site: str | None
    resources: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.price.key,
            "service": self.price.service,
            "item": self.price.item,
            "site": self.site,
            "resources": self.resources,
            "rate": money(self.price.usd),
            "per": self.price.per,
            "unit": self.price.unit,
        }


@dataclass
class SiteCost:
    id: str
    client: str | None
    source: str | None
    lines: dict[tuple[str, str], Line] = field(default_factory=dict)

    @property
    def monthly(self) -> Decimal:
        return sum((line.monthly for line in self.lines.values()), Decimal(0))

    def sorted_lines(self) -> list[Line]:
        return [self.lines[k] for k in sorted(self.lines)]


@dataclass
class Estimate:
    stack: str
    endpoints: str
    sites: list[SiteCost]
    stack_lines: list[Line]
    """Billed resources outside every site (none today: kept so nothing is dropped)."""
    usage: list[UsageLine]
    free_tier: list[dict[str, Any]]
    unpriced: dict[str, int]
    fallback_regions: list[str]

    @property
    def monthly(self) -> Decimal:
        sites = sum((s.monthly for s in self.sites), Decimal(0))
        return sites + sum((line.monthly for line in self.stack_lines), Decimal(0))

    def clients(self) -> list[tuple[str, list[SiteCost]]]:
        by_client: dict[str, list[SiteCost]] = defaultdict(list)
        for site in self.sites:
            by_client[site.client or "-"].append(site)
        return sorted(by_client.items())


def money(value: Decimal) -> float:
    """Dollars as a JSON number (exact to the cent and below: rates have ≤ 2 decimals per
    unit, so quantity × rate is exact; ``float`` prints it shortest)."""
    return float(value)


# ------------------------------------------------------------------ what each type is billed


def alarm_charges(res: Resource) -> list[Charge]:
    """A metric alarm is billed per alarm metric, at the high rate when its period is 10, 20
    or 30 s; a metric math alarm counts the metrics its expression reads, an anomaly detection
    alarm three (`prices.ANOMALY_DETECTION_METRICS`)."""
    inputs = res.inputs
    queries = inputs.get("metricQueries") or []
    if not queries:
        periods = [inputs.get("period")]
        metrics = 1
    else:
        stats = [q["metric"] for q in queries if isinstance(q, dict) and q.get("metric")]
        expressions = [str(q.get("expression") or "") for q in queries if isinstance(q, dict)]
        periods = [m.get("period") for m in stats] + [
            q.get("period") for q in queries if isinstance(q, dict)
        ]
        anomaly = bool(inputs.get("thresholdMetricId")) or any(
            "ANOMALY_DETECTION_BAND" in e for e in expressions
        )
        if anomaly:
            metrics = prices.ANOMALY_DETECTION_METRICS
        elif stats:
            metrics = len(stats)
        else:
            raise PriceError(
                res.urn,
                "an alarm on a Metrics Insights query is billed per metric the query reads, "
                "which is known only at run time; vigil/aws/prices.py has no row for it",
            )
    high = any(p in HIGH_RESOLUTION_PERIODS for p in periods if isinstance(p, int))
    key = "cloudwatch.alarm-metric.high" if high else "cloudwatch.alarm-metric.standard"
    return [Charge(key, metrics)]


def composite_charges(res: Resource) -> list[Charge]:
    return [Charge("cloudwatch.composite-alarm", 1)]


ENDPOINT_TYPES = frozenset({"HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH", "TCP"})
"""Health check types that monitor an endpoint (botocore route53 HealthCheckConfig.Type);
calculated, CloudWatch-metric and recovery-control checks are priced differently and vigil
creates none, so they are refused rather than guessed."""


def health_check_charges(res: Resource, endpoints: str) -> list[Charge]:
    """Base charge by endpoint kind, plus one optional feature each for HTTPS, string
    matching, fast interval (10 s) and latency measurement (`prices.ROUTE53`)."""
    inputs = res.inputs
    kind = inputs.get("type")
    if kind not in ENDPOINT_TYPES:
        raise PriceError(
            res.urn,
            f"Route 53 health check type {kind!r} is not priced in vigil/aws/prices.py "
            f"(priced: {', '.join(sorted(ENDPOINT_TYPES))})",
        )
    features = sum(
        (
            kind.startswith("HTTPS"),
            kind.endswith("_STR_MATCH"),
            inputs.get("requestInterval", DEFAULT_REQUEST_INTERVAL) == 10,
            inputs.get("measureLatency") is True,
        )
    )
    charges = [Charge(f"route53.health-check.{endpoints}", 1)]
    if features:
        charges.append(Charge(f"route53.feature.{endpoints}", features))
    return charges


MonthlyRule = Callable[[Resource, str], list[Charge]]

MONTHLY: dict[str, MonthlyRule] = {
    rt.METRIC_ALARM: lambda res, _: alarm_charges(res),
    rt.COMPOSITE_ALARM: lambda res, _: composite_charges(res),
    rt.HEALTH_CHECK: health_check_charges,
}
"""Billed per month per resource: these make the total."""

USAGE: dict[str, Callable[[Resource], tuple[str, ...]]] = {
    rt.SNS_TOPIC: lambda res: ("sns.publish",),
    rt.SNS_SUBSCRIPTION: lambda res: _sns_usage(res),
    rt.SQS_QUEUE: lambda res: ("sqs.request",),
}
"""Billed per use: listed with their rates (alarm traffic is not in the plan)."""

FREE: frozenset[str] = frozenset({rt.SNS_TOPIC_POLICY, rt.SQS_QUEUE_POLICY})
"""No charge of their own (a policy is an attribute of its topic or queue; topics and queues
themselves cost nothing at rest, only their requests and deliveries: `USAGE`)."""


def _sns_usage(res: Resource) -> tuple[str, ...]:
    protocol = res.inputs.get("protocol")
    if protocol != "https":
        raise PriceError(res.urn, f"SNS {protocol!r} deliveries are not priced (only https)")
    return ("sns.https-delivery",)


# ------------------------------------------------------------------ placing resources


def _decode(value: Any) -> Any:
    """Provider inputs arrive JSON-encoded (``allowedAccountIds: '["111…"]'``)."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _placements(recording: Recording, default_region: str | None) -> dict[str | None, Placed]:
    """Provider URN → region and account (``None``: the default provider)."""
    found: dict[str | None, Placed] = {None: Placed(default_region or "", None)}
    for res in recording.resources:
        if res.type != rt.AWS_PROVIDER:
            continue
        accounts = _decode(res.inputs.get("allowedAccountIds")) or []
        region = res.inputs.get("region") or default_region or ""
        account = str(accounts[0]) if isinstance(accounts, list) and accounts else None
        found[res.urn] = Placed(str(region), account)
    return found


# ------------------------------------------------------------------ the estimate


def estimate(
    recording: Recording,
    endpoints: str = "non-aws",
    default_region: str | None = None,
    on_region_error: Callable[[str, str | None, str], Exception] | None = None,
) -> Estimate:
    """Price every resource of ``recording`` (``endpoints``: how Route 53 checks are billed,
    `prices.ENDPOINT_KINDS`). A region the table cannot price raises what ``on_region_error
    (message, site, region)`` returns (default `PriceError`), so the CLI can name the
    inventory line."""
    if endpoints not in prices.ENDPOINT_KINDS:
        raise ValueError(f"endpoints must be one of {prices.ENDPOINT_KINDS}, not {endpoints!r}")
    placements = _placements(recording, default_region)
    sites: dict[str, SiteCost] = {}
    for res in recording.resources:
        if res.type == SITE_TYPE:
            sites[res.name] = SiteCost(
                res.name, res.inputs.get("client"), res.inputs.get("sourceFile")
            )
    stack_lines: dict[tuple[str, str], Line] = {}
    usage: dict[tuple[str | None, str], UsageLine] = {}
    unpriced: dict[str, int] = defaultdict(int)
    fallback: set[str] = set()
    per_account: dict[str | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    for res in recording.resources:
        rule = MONTHLY.get(res.type)
        if rule is None:
            if res.type in USAGE:
                # per-use rates are regional too: a region the table cannot price is refused
                region = placements.get(res.provider, placements[None]).region
                if _priced_as(region, res, on_region_error) != region:
                    fallback.add(region)
                for key in USAGE[res.type](res):
                    row = prices.USAGE[key]
                    usage.setdefault((res.site, key), UsageLine(row, res.site)).resources += 1
            elif res.type.startswith("aws:") and res.type not in FREE:
                unpriced[res.type] += 1
            continue
        placed = placements.get(res.provider, placements[None])
        charges = rule(res, endpoints)
        region = GLOBAL if res.type == rt.HEALTH_CHECK else placed.region
        priced_as = GLOBAL if region == GLOBAL else _priced_as(region, res, on_region_error)
        if region not in (GLOBAL, priced_as):
            fallback.add(region)
        target = sites[res.site].lines if res.site in sites else stack_lines
        for charge in charges:
            price = prices.monthly(charge.key, priced_as)
            line = target.setdefault((charge.key, region), Line(price, region, priced_as))
            line.quantity += charge.quantity
            per_account[placed.account][charge.key] += charge.quantity
    return Estimate(
        stack=recording.stack,
        endpoints=endpoints,
        sites=[sites[k] for k in sorted(sites)],
        stack_lines=[stack_lines[k] for k in sorted(stack_lines)],
        usage=[usage[k] for k in sorted(usage, key=lambda k: (k[0] or "", k[1]))],
        free_tier=free_tier(per_account),
        unpriced=dict(sorted(unpriced.items())),
        fallback_regions=sorted(fallback),
    )


def _priced_as(
    region: str,
    res: Resource,
    on_error: Callable[[str, str | None, str], Exception] | None,
) -> str:
    try:
        return prices.priced_as(region)
    except prices.RegionError as exc:
        if on_error is not None:
            raise on_error(str(exc), res.site, region) from None
        raise PriceError(res.urn, str(exc)) from None


def free_tier(per_account: Mapping[str | None, Mapping[str, int]]) -> list[dict[str, Any]]:
    """What each free-tier allowance could be worth: per account billed on its own, and once
    for a consolidated bill (an organisation shares one allowance). Never subtracted."""
    rows = []
    for allowance in prices.FREE_TIER:
        price = prices.monthly(allowance.price_key)
        accounts = {
            account: counts.get(allowance.price_key, 0) for account, counts in per_account.items()
        }
        used = {a: n for a, n in accounts.items() if n}
        separately = sum(min(n, allowance.quantity) for n in used.values())
        together = min(sum(used.values()), allowance.quantity)
        rows.append(
            {
                "key": allowance.price_key,
                "item": price.item,
                "freePerAccount": allowance.quantity,
                "accounts": [
                    {"account": a, "quantity": n,
                     "upTo": money(price.usd * min(n, allowance.quantity))}
                    for a, n in sorted(used.items(), key=lambda kv: kv[0] or "")
                ],
                "upToIfBilledSeparately": money(price.usd * separately),
                "upToIfConsolidated": money(price.usd * together),
                "source": allowance.source,
            }
        )
    return rows


def sources(used: Iterable[prices.Price]) -> list[dict[str, str]]:
    """The citation of every price row an estimate used, by key."""
    return [
        {"key": p.key, "source": p.source} for p in sorted({p.key: p for p in used}.values(),
                                                            key=lambda p: p.key)
    ]
