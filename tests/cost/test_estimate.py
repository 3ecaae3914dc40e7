"""`vigil.cost.estimate` on hand-built recordings: every figure below is computed by hand from
the rows of vigil/aws/prices.py (us-east-1: standard alarm metric $0.10, high-resolution $0.30,
composite $0.50; Route 53 health check $0.75 non-AWS / $0.50 AWS endpoint, each optional
feature $2.00 non-AWS / $1.00 AWS)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from vigil import resource_types as rt
from vigil.aws import prices
from vigil.cost.estimate import PriceError, estimate
from vigil.plan.record import SITE_TYPE, Recording, Resource

PROVIDERS = {
    "eu": ("eu-west-1", "111111111111"),
    "us": ("us-east-1", "111111111111"),
    "other": ("eu-west-1", "222222222222"),
}


def _provider(key: str) -> Resource:
    region, account = PROVIDERS[key]
    return Resource(
        urn=f"urn:provider:{key}",
        type=rt.AWS_PROVIDER,
        name=f"aws-{region}-{account}",
        inputs={"region": region, "allowedAccountIds": f'["{account}"]'},
    )


def _site(site: str, client: str) -> Resource:
    return Resource(
        urn=f"urn:site:{site}", type=SITE_TYPE, name=site, custom=False, site=site,
        inputs={"siteId": site, "client": client, "sourceFile": f"sites/{client}/{site}.yaml"},
    )


def _res(type_: str, name: str, site: str, provider: str, **inputs: Any) -> Resource:
    return Resource(
        urn=f"urn:{type_}::{name}", type=type_, name=name, site=site,
        provider=f"urn:provider:{provider}", inputs=inputs,
    )


def alarm(name: str, site: str = "s1", provider: str = "us", period: int = 60, **extra: Any):
    return _res(rt.METRIC_ALARM, name, site, provider, period=period, metricName="M", **extra)


def health_check(name: str, site: str = "s1", **inputs: Any) -> Resource:
    return _res(rt.HEALTH_CHECK, name, site, "us", **inputs)


def recording(*resources: Resource, sites: tuple[tuple[str, str], ...] = (("s1", "c1"),)):
    return Recording(
        "vigil", "test",
        [*(_provider(k) for k in PROVIDERS), *(_site(s, c) for s, c in sites), *resources],
    )


def small_site() -> Recording:
    """3 standard alarms, 1 high-resolution alarm (period 10), 1 HTTPS check with string
    matching (30 s interval, no latency measurement)."""
    return recording(
        alarm("a1"), alarm("a2"), alarm("a3"), alarm("fast", period=10),
        health_check("home", type="HTTPS_STR_MATCH", requestInterval=30, measureLatency=False,
                     searchString="Welcome"),
    )


def test_the_small_site_by_hand_with_non_aws_endpoints():
    # alarms: 3 × $0.10 + 1 × $0.30 = $0.60
    # health check, non-AWS endpoint: $0.75 + 2 features (HTTPS, string matching) × $2.00 = $4.75
    # total: $0.60 + $4.75 = $5.35
    result = estimate(small_site())
    (site,) = result.sites
    assert site.monthly == Decimal("5.35")
    assert result.monthly == Decimal("5.35")
    by_key = {line.price.key: line.quantity for line in site.lines.values()}
    assert by_key == {
        "cloudwatch.alarm-metric.standard": 3,
        "cloudwatch.alarm-metric.high": 1,
        "route53.health-check.non-aws": 1,
        "route53.feature.non-aws": 2,
    }


def test_the_small_site_by_hand_with_aws_endpoints():
    # alarms $0.60; health check, AWS endpoint: $0.50 + 2 × $1.00 = $2.50; total $3.10
    assert estimate(small_site(), "aws").monthly == Decimal("3.10")


def test_every_optional_feature_is_billed_on_its_own():
    # HTTP, no string match: 0 features; fast interval + latency: 2 features
    # non-AWS: $0.75 + 2 × $2.00 = $4.75; plain HTTP check at 30 s: $0.75; total $5.50
    rec = recording(
        health_check("fast", type="HTTP", requestInterval=10, measureLatency=True),
        health_check("plain", type="HTTP"),
    )
    assert estimate(rec).monthly == Decimal("5.50")
    # all four features on one HTTPS check: $0.75 + 4 × $2.00 = $8.75
    rec = recording(health_check("all", type="HTTPS_STR_MATCH", requestInterval=10,
                                 measureLatency=True))
    assert estimate(rec).monthly == Decimal("8.75")


def test_anomaly_detection_metric_math_and_composite_alarms():
    band = [
        {"id": "m1", "metric": {"metricName": "M", "period": 60, "stat": "Average"}},
        {"id": "ad1", "expression": "ANOMALY_DETECTION_BAND(m1, 2)", "returnData": True},
    ]
    math = [
        {"id": "a", "metric": {"metricName": "Errors", "period": 60, "stat": "Sum"}},
        {"id": "b", "metric": {"metricName": "Requests", "period": 60, "stat": "Sum"}},
        {"id": "rate", "expression": "a / b", "returnData": True},
    ]
    fast_math = [{**q, "metric": {**q["metric"], "period": 30}} if "metric" in q else q
                 for q in math]
    rec = recording(
        _res(rt.METRIC_ALARM, "anomaly", "s1", "us", metricQueries=band, thresholdMetricId="ad1"),
        _res(rt.METRIC_ALARM, "ratio", "s1", "us", metricQueries=math),
        _res(rt.METRIC_ALARM, "fast-ratio", "s1", "us", metricQueries=fast_math),
        _res(rt.COMPOSITE_ALARM, "rollup", "s1", "us", alarmRule="ALARM(a) OR ALARM(b)"),
    )
    # anomaly detection: 3 metrics × $0.10 = $0.30; metric math over 2 metrics: $0.20;
    # the same at a 30 s period: 2 × $0.30 = $0.60; composite: $0.50; total $1.60
    assert estimate(rec).monthly == Decimal("1.60")


def test_a_metrics_insights_alarm_is_refused_not_guessed():
    query = [{"id": "q", "expression": "SELECT AVG(CPUUtilization) FROM SCHEMA(\"AWS/EC2\")",
              "returnData": True, "period": 60}]
    rec = recording(_res(rt.METRIC_ALARM, "insights", "s1", "us", metricQueries=query))
    with pytest.raises(PriceError, match="Metrics Insights"):
        estimate(rec)


def test_unpriced_health_check_types_are_refused():
    rec = recording(health_check("calc", type="CALCULATED"))
    with pytest.raises(PriceError, match="'CALCULATED' is not priced"):
        estimate(rec)


def test_sites_clients_and_total_add_up():
    # s1 (c1): 2 alarms = $0.20; s2 (c1): 1 alarm = $0.10; s3 (c2): 1 high-res = $0.30
    rec = recording(
        alarm("a", "s1"), alarm("b", "s1"), alarm("c", "s2"), alarm("d", "s3", period=20),
        sites=(("s1", "c1"), ("s2", "c1"), ("s3", "c2")),
    )
    result = estimate(rec)
    assert [(s.id, s.monthly) for s in result.sites] == [
        ("s1", Decimal("0.20")), ("s2", Decimal("0.10")), ("s3", Decimal("0.30")),
    ]
    clients = {c: sum((s.monthly for s in sites), Decimal(0)) for c, sites in result.clients()}
    assert clients == {"c1": Decimal("0.30"), "c2": Decimal("0.30")}
    assert result.monthly == Decimal("0.60")


def test_a_region_without_its_own_prices_falls_back_and_says_so():
    result = estimate(recording(alarm("eu", provider="eu"), alarm("us", provider="us")))
    lines = sorted((line.region, line.priced_as) for line in result.sites[0].lines.values())
    assert lines == [("eu-west-1", "us-east-1"), ("us-east-1", "us-east-1")]
    assert result.fallback_regions == ["eu-west-1"]
    assert estimate(recording(alarm("us", provider="us"))).fallback_regions == []


@pytest.mark.parametrize(
    ("region", "message"),
    [("eu-west-9", "unknown AWS region 'eu-west-9'"),
     ("cn-north-1", "'aws-cn' partition")],
)
def test_a_region_the_table_cannot_price_is_an_error(monkeypatch, region, message):
    monkeypatch.setitem(PROVIDERS, "eu", (region, "111111111111"))
    with pytest.raises(PriceError, match=message):
        estimate(recording(alarm("x", provider="eu")))


def test_usage_resources_in_an_unknown_region_are_refused_too(monkeypatch):
    monkeypatch.setitem(PROVIDERS, "eu", ("eu-west-9", "111111111111"))
    topic = _res(rt.SNS_TOPIC, "t", "s1", "eu", displayName="t")
    with pytest.raises(PriceError, match="eu-west-9"):
        estimate(recording(topic))


def test_free_tier_is_shown_per_account_and_never_subtracted():
    # account 111…: 12 standard alarm metrics (10 free: $1.00); account 222…: 3 ($0.30);
    # the high-resolution alarm is never free. Consolidated: min(15, 10) × $0.10 = $1.00
    rec = recording(
        *(alarm(f"a{i}") for i in range(12)),
        *(alarm(f"b{i}", provider="other") for i in range(3)),
        alarm("fast", period=10),
    )
    result = estimate(rec)
    assert result.monthly == Decimal("1.80")  # 15 × $0.10 + $0.30, nothing subtracted
    alarms = next(r for r in result.free_tier if r["key"] == "cloudwatch.alarm-metric.standard")
    assert [(a["account"], a["quantity"], a["upTo"]) for a in alarms["accounts"]] == [
        ("111111111111", 12, 1.0), ("222222222222", 3, 0.3),
    ]
    assert alarms["upToIfBilledSeparately"] == 1.3
    assert alarms["upToIfConsolidated"] == 1.0


def test_aws_endpoint_health_checks_count_for_their_free_tier_only_when_priced_so():
    rec = recording(health_check("h", type="HTTPS"))
    checks = {r["key"]: r for r in estimate(rec, "aws").free_tier}["route53.health-check.aws"]
    assert checks["upToIfConsolidated"] == 0.5
    checks = {r["key"]: r for r in estimate(rec).free_tier}["route53.health-check.aws"]
    assert checks["accounts"] == [] and checks["upToIfConsolidated"] == 0.0


def test_usage_priced_resources_are_listed_beside_the_total():
    rec = recording(
        _res(rt.SNS_TOPIC, "t", "s1", "eu", displayName="t"),
        _res(rt.SNS_SUBSCRIPTION, "t-pd", "s1", "eu", protocol="https", endpoint="[secret]"),
        _res(rt.SNS_TOPIC_POLICY, "t", "s1", "eu", policy="{}"),
        _res(rt.SQS_QUEUE, "dlq", "s1", "eu", messageRetentionSeconds=1209600),
    )
    result = estimate(rec)
    assert result.monthly == 0
    assert {(u.price.key, u.resources) for u in result.usage} == {
        ("sns.publish", 1), ("sns.https-delivery", 1), ("sqs.request", 1),
    }
    assert prices.USAGE["sns.https-delivery"].usd * 10 == Decimal("0.60")  # $0.60 per million
    assert result.unpriced == {}


def test_an_aws_type_without_a_price_row_is_reported_unpriced():
    rec = recording(_res("aws:lambda/function:Function", "f", "s1", "eu", runtime="python3.12"))
    assert estimate(rec).unpriced == {"aws:lambda/function:Function": 1}


def test_the_price_table_cites_every_row():
    rows = [*prices.ROUTE53.values(), *prices.USAGE.values()]
    rows += [p for table in prices.CLOUDWATCH.values() for p in table.values()]
    for row in rows:
        assert "https://" in row.source, row.key
    assert set(prices.CLOUDWATCH) == {prices.PRICE_REGION} == {"us-east-1"}
