"""AWS list prices of what vigil creates, as data: one row per billed unit, each with its source.

Why a table: `vigil cost` multiplies counts taken from the plan's recording by these rows and
nothing else, so a price change is a one-line edit here (and a test figure), never code.

**Region.** Every figure is the US East (N. Virginia), ``us-east-1``, list price in USD, on
demand, without tax or discounts. CloudWatch bills alarms per region and its rates differ by
region; Route 53 health checks are a global service with one price. A region of the ``aws``
partition that has no row of its own here is priced at ``us-east-1`` rates and every line says
so (``pricedAs``: `FALLBACK_REGION`); a region botocore does not know, or one of another
partition (China in CNY, GovCloud), is refused (`RegionError`): a figure in the wrong currency
or for a region that does not exist would be worse than none.

**Sources.** The official pricing pages (``aws.amazon.com/<service>/pricing/``) render their
rate tables with JavaScript; the stored copies this project can read are the transcriptions and
guides cited per row (address and date), checked on `CHECKED`. Re-check the official page before
relying on a figure for a budget.

**Free tier** (`FREE_TIER`): per AWS account and month, shared with everything else the account
runs; with consolidated billing an organisation gets one allowance. `vigil cost` shows what it
could be worth and never subtracts it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

import botocore.session

CURRENCY = "USD"
PRICE_REGION = "us-east-1"
FALLBACK_REGION = PRICE_REGION
PRICED_PARTITION = "aws"
CHECKED = "2026-12-02"
"""When the rows below were last compared with their sources."""

CLOUDWATCH_PAGE = "https://aws.amazon.com/cloudwatch/pricing/"
ROUTE53_PAGE = "https://aws.amazon.com/route53/pricing/"
SNS_PAGE = "https://aws.amazon.com/sns/pricing/"
SQS_PAGE = "https://aws.amazon.com/sqs/pricing/"

ROUTE53_TRANSCRIPT = (
    "https://raw.githubusercontent.com/api-evangelist/amazon-route53-resolver/refs/heads/main/"
    "plans/amazon-route53-resolver-plans-pricing.yml (transcribed from " + ROUTE53_PAGE + ", "
    "page read 2026-09-20, 'every price_text was found verbatim in the fetched page text')"
)
C3X = "https://c3x.dev/resources/aws/aws_cloudwatch_metric_alarm (undated)"
CW_EXAMPLES = (
    CLOUDWATCH_PAGE + " 'Alarms' pricing examples: 'Alarms are billed based on the number of "
    "metrics per alarm'; 'For every anomaly detection alarm, there are three standard "
    "resolution metrics per alarm' ($0.10 * 3 = $0.30 per month); 'Four standard resolution "
    "alarms = $0.10 per alarm metric * 4 = $0.40 per month' (the examples name US East)"
)
SNS_GUIDE = (
    "https://www.factualminds.com/blog/amazon-sns-pricing-publishes-fanout-protocols/ "
    "(published 2026-06-13): 'Standard topic publish is $0.50/M', 'HTTP delivery is $0.60/M'"
)
SQS_GUIDE = (
    "https://cloudburn.io/blog/amazon-sqs-pricing (2026-03-14, 'All prices are for US East "
    "(N. Virginia)'): Standard '$0.40/M (first 100B)', free tier '1M requests/month'"
)


@dataclass(frozen=True)
class Price:
    """One billed unit: ``usd`` per ``unit`` per month (or per ``per`` units of usage)."""

    key: str
    service: str
    item: str
    usd: Decimal
    unit: str
    source: str
    per: int = 1
    """Usage prices: ``usd`` is for this many units (SNS: per 100,000 notifications)."""


def _p(key: str, service: str, item: str, usd: str, unit: str, source: str, per: int = 1) -> Price:
    return Price(key, service, item, Decimal(usd), unit, source, per)


# Monthly, per resource: what the estimate's total is made of.
CLOUDWATCH: dict[str, dict[str, Price]] = {
    "us-east-1": {
        p.key: p
        for p in (
            _p("cloudwatch.alarm-metric.standard", "CloudWatch",
               "standard-resolution alarm metric", "0.10", "alarm metric",
               f"{CLOUDWATCH_PAGE} (rate table, not stored); {C3X}: '$0.10/alarm-month for "
               "standard resolution'; " + CW_EXAMPLES),
            _p("cloudwatch.alarm-metric.high", "CloudWatch",
               "high-resolution alarm metric (period 10/20/30 s)", "0.30", "alarm metric",
               f"{CLOUDWATCH_PAGE} (rate table, not stored); {C3X}: 'High-resolution alarms "
               "(10s) cost $0.30/month'; high resolution = period 10, 20 or 30 (botocore "
               "cloudwatch PutMetricAlarm.Period: 'Specifying 10, 20, or 30 also sets this alarm "
               "as a high-resolution alarm, which has a higher charge')"),
            _p("cloudwatch.composite-alarm", "CloudWatch", "composite alarm", "0.50", "alarm",
               f"{CLOUDWATCH_PAGE} (rate table, not stored); {C3X}: 'Composite alarms (combine "
               "multiple alarms with AND/OR): $0.50/alarm-month'"),
        )
    }
}
"""Per region (only `PRICE_REGION` is cited; others fall back to it, see the module doc)."""

# An anomaly detection alarm is billed as three alarm metrics (the metric and the band's upper
# and lower bound), a metric math alarm as the metrics its expression reads: CW_EXAMPLES.
ANOMALY_DETECTION_METRICS = 3

ROUTE53: dict[str, Price] = {
    p.key: p
    for p in (
        _p("route53.health-check.aws", "Route 53", "health check, AWS endpoint", "0.50",
           "health check", f"{ROUTE53_TRANSCRIPT}: 'Basic health checks (AWS endpoints)' "
           "'$0.50 per health check per month'"),
        _p("route53.health-check.non-aws", "Route 53", "health check, non-AWS endpoint", "0.75",
           "health check", f"{ROUTE53_TRANSCRIPT}: 'Basic health checks (Non-AWS endpoints)' "
           "'$0.75 per health check per month'"),
        _p("route53.feature.aws", "Route 53", "optional feature, AWS endpoint", "1.00",
           "feature", f"{ROUTE53_TRANSCRIPT}: 'Optional health check features (AWS)' "
           "'$1.00 per optional health check feature per month'"),
        _p("route53.feature.non-aws", "Route 53", "optional feature, non-AWS endpoint", "2.00",
           "feature", f"{ROUTE53_TRANSCRIPT}: 'Optional health check features (Non-AWS)' "
           "'$2.00 per optional health check feature per month'"),
    )
}
"""Global (Route 53 is not regional). The optional features are HTTPS, string matching, fast
interval (10 s) and latency measurement, each billed on its own (the Route 53 pricing page's
'Optional health check features'; ``HealthCheckConfig`` fields ``Type`` HTTPS*/*_STR_MATCH,
``RequestInterval`` 10, ``MeasureLatency`` in botocore's route53 model)."""

ENDPOINT_KINDS = ("non-aws", "aws")
"""Route 53 prices a check by whether its endpoint runs in AWS; vigil cannot tell from a URL
(a CNAME to a load balancer, a CDN, a host elsewhere), so the estimate assumes ``non-aws``
(the higher price) unless told otherwise."""

# Per use: listed with their rates, never in the monthly total (they depend on alarm traffic).
USAGE: dict[str, Price] = {
    p.key: p
    for p in (
        _p("sns.https-delivery", "SNS", "HTTPS notification delivered", "0.06", "notifications",
           f"{SNS_PAGE} (not stored); {SNS_GUIDE}", per=100_000),
        _p("sns.publish", "SNS", "publish (one per alarm state change)", "0.05", "requests",
           f"{SNS_PAGE} (not stored); {SNS_GUIDE}", per=100_000),
        _p("sqs.request", "SQS", "standard queue request", "0.40", "requests",
           f"{SQS_PAGE} (not stored); {SQS_GUIDE}",
           per=1_000_000),
    )
}


@dataclass(frozen=True)
class FreeAllowance:
    price_key: str
    quantity: int
    source: str


FREE_TIER: tuple[FreeAllowance, ...] = (
    FreeAllowance("cloudwatch.alarm-metric.standard", 10,
                  f"{CLOUDWATCH_PAGE} free tier (not stored): 10 alarm metrics a month, "
                  "standard resolution only; corroborated by "
                  "https://github.com/aws-solutions/instance-scheduler-on-aws/issues/351 "
                  "('I had 30 alarms out of which 10 should be free')"),
    FreeAllowance("route53.health-check.aws", 50,
                  f"{ROUTE53_TRANSCRIPT}: 'up to 50 health checks for AWS endpoints free'"),
)
"""Per AWS account and month (basic charge only: optional features are always billed)."""


def monthly(key: str, region: str = PRICE_REGION) -> Price:
    """The monthly price row ``key``: Route 53 rows are global, CloudWatch rows come from the
    table of ``region`` (a region `priced_as` returned)."""
    if key in ROUTE53:
        return ROUTE53[key]
    return CLOUDWATCH[region][key]


class RegionError(ValueError):
    """A region the table cannot price: not an AWS region, or not in the priced partition."""


@cache
def _partitions() -> dict[str, str]:
    """Region → partition, from botocore's bundled endpoint data (offline)."""
    session = botocore.session.get_session()
    found: dict[str, str] = {}
    for partition in session.get_available_partitions():
        for region in session.get_available_regions("cloudwatch", partition):
            found.setdefault(region, partition)
    return found


def priced_as(region: str) -> str:
    """The region whose CloudWatch prices apply to ``region`` (itself, or `FALLBACK_REGION`)."""
    if region in CLOUDWATCH:
        return region
    partition = _partitions().get(region)
    if partition is None:
        raise RegionError(
            f"unknown AWS region {region!r}: botocore's endpoint data has no CloudWatch "
            "endpoint there, so nothing can be priced (or deployed) in it"
        )
    if partition != PRICED_PARTITION:
        raise RegionError(
            f"region {region!r} is in the {partition!r} partition: its prices (and currency) "
            f"differ and are not in vigil/aws/prices.py (only the {PRICED_PARTITION!r} "
            f"partition is priced, at {FALLBACK_REGION} rates)"
        )
    return FALLBACK_REGION
