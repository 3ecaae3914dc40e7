"""CloudFront's opt-in low-traffic alarm: only with ``min_requests_per_minute``, in us-east-1."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tests.inventory.util import edit, only
from vigil.catalog import cloudfront
from vigil.catalog.alarms import alarms_for_site
from vigil.inventory import load_inventory
from vigil.models import Threshold

STOREFRONT = "sites/nova/storefront.yaml"
DIST = "E2QWRUHAPOMQZL"
ALIASES = "      aliases: [www.nova.example]\n"


def cf_alarms(site):
    return {a.name: a for a in alarms_for_site(site) if a.resource_type == cloudfront.RESOURCE_TYPE}


def test_no_low_traffic_alarm_without_a_floor(inventory):
    site = inventory.site("nova-storefront")
    [dist] = site.resources.cloudfront_distributions
    assert dist.min_requests_per_minute is None
    assert {a.signal_key for a in cf_alarms(site).values()} == {"error_rate_5xx", "error_rate_4xx"}


def test_a_floor_adds_one_warning_on_requests_per_minute(inventory):
    site = inventory.site("nova-storefront")
    [dist] = site.resources.cloudfront_distributions
    floored = replace(dist, min_requests_per_minute=40)
    other = replace(site, resources=site.resources.replace(cloudfront_distributions=(floored,)))
    low = {n: a for n, a in cf_alarms(other).items() if a.signal_key == "low_requests"}
    assert list(low) == [f"nova-storefront-cloudfront-{DIST.lower()}-low-requests-warning"]
    [alarm] = low.values()
    assert (alarm.namespace, alarm.metric, alarm.statistic, alarm.extended_statistic) == (
        "AWS/CloudFront", "Requests", "Sum", None,
    )  # fmt: skip
    assert dict(alarm.dimensions) == {"DistributionId": DIST, "Region": "Global"}
    assert (alarm.comparison, alarm.threshold, alarm.period) == ("LessThanThreshold", 40.0, 60)
    assert alarm.treat_missing_data == "breaching"  # no requests: no datapoint at all
    assert (alarm.region, alarm.global_region) == ("us-east-1", True)
    assert alarm.severity == "warning" and not alarm.availability
    # the other signals are unchanged by the floor
    assert len(cf_alarms(other)) == len(cf_alarms(site)) + 1


def test_the_floor_is_read_from_the_site_file_and_scaled_by_the_cascade(inv: Path):
    edit(inv / STOREFRONT, ALIASES, ALIASES + "      min_requests_per_minute: 40\n"
         "      thresholds:\n        low_requests: {warning: 0.5, critical: 0.25}\n")  # fmt: skip
    site = load_inventory(inv).site("nova-storefront")
    [dist] = site.resources.cloudfront_distributions
    assert dist.min_requests_per_minute == 40
    assert dist.thresholds["low_requests"] == Threshold(0.5, 0.25)
    low = {a.severity: a.threshold for a in cf_alarms(site).values() if a.metric == "Requests"}
    assert low == {"warning": 20.0, "critical": 10.0}


def test_the_floor_is_a_positive_integer(inv: Path):
    edit(inv / STOREFRONT, ALIASES, ALIASES + "      min_requests_per_minute: 0\n")
    file, _, _, path, message = only(inv)
    assert (file, path) == (STOREFRONT, "resources.cloudfront_distributions[0]"
                            ".min_requests_per_minute")  # fmt: skip
    assert "0 is less than the minimum of 1" in message
