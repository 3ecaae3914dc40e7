"""EFS as one catalog module: alarms, mode-dependent signals, cascade, schema and dashboard."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tests.inventory.util import edit, only
from vigil.catalog import efs
from vigil.catalog.alarms import alarms_for_site
from vigil.grafana.plan import plan_rows
from vigil.inventory import load_inventory
from vigil.models import Threshold

SHOP = "sites/acme/shop.yaml"
FS = "fs-0a1b2c3d4e5f60718"
GIB = 1024**3


def efs_alarms(site):
    return {a.name: a for a in alarms_for_site(site) if a.resource_type == efs.RESOURCE_TYPE}


def test_the_example_shop_watches_its_media_file_system(inventory):
    alarms = efs_alarms(inventory.site("acme-shop"))
    assert sorted(alarms) == [
        f"acme-shop-efs-{FS}-burst-credit-balance-bytes-critical",
        f"acme-shop-efs-{FS}-burst-credit-balance-bytes-warning",
        f"acme-shop-efs-{FS}-percent-io-limit-critical",
        f"acme-shop-efs-{FS}-percent-io-limit-warning",
    ]
    credits = alarms[f"acme-shop-efs-{FS}-burst-credit-balance-bytes-critical"]
    assert (credits.namespace, credits.metric, credits.statistic) == (
        "AWS/EFS",
        "BurstCreditBalance",
        "Minimum",
    )
    assert dict(credits.dimensions) == {"FileSystemId": FS}
    assert credits.comparison == "LessThanThreshold"
    assert credits.threshold == 20 * GIB
    assert credits.region == "eu-west-1"
    io = alarms[f"acme-shop-efs-{FS}-percent-io-limit-warning"]
    assert (io.metric, io.statistic, io.comparison, io.threshold) == (
        "PercentIOLimit",
        "Average",
        "GreaterThanThreshold",
        80,
    )
    assert io.signal is efs.SIGNALS[1]


def test_burst_credits_only_when_bursting_and_io_limit_only_for_general_purpose(inventory):
    site = inventory.site("acme-shop")
    [fs] = site.resources.efs_file_systems
    for throughput, performance, expected in [
        ("bursting", "generalPurpose", {"BurstCreditBalance", "PercentIOLimit"}),
        ("elastic", "generalPurpose", {"PercentIOLimit"}),
        ("provisioned", "maxIO", set()),
        ("bursting", "maxIO", {"BurstCreditBalance"}),
    ]:
        changed = efs.EfsFileSystem(fs.id, throughput, performance, fs.thresholds)
        other = replace(site, resources=site.resources.replace(efs_file_systems=(changed,)))
        assert {a.metric for a in efs_alarms(other).values()} == expected, (throughput, performance)


def test_efs_thresholds_go_through_the_usual_cascade(inv: Path):
    edit(
        inv / "defaults.yaml",
        "thresholds:\n  alb:",
        "thresholds:\n  efs:\n    percent_io_limit: {warning: 70}\n  alb:",
    )
    edit(
        inv / "defaults.yaml",
        "    escalation_loops: 3\n",
        "    escalation_loops: 3\n    thresholds:\n      efs:\n"
        "        burst_credit_balance_bytes: {critical: 50000000000}\n",
    )
    edit(
        inv / SHOP,
        "      throughput_mode: bursting\n",
        "      throughput_mode: bursting\n      thresholds:\n"
        "        percent_io_limit: {critical: 99}\n",
    )
    [fs] = load_inventory(inv).site("acme-shop").resources.efs_file_systems
    assert fs.thresholds["percent_io_limit"] == Threshold(70, 99)  # defaults, then resource
    assert fs.thresholds["burst_credit_balance_bytes"] == Threshold(192 * GIB, 5e10)  # tier


def test_efs_warning_must_stay_above_critical_for_a_low_water_mark(inv: Path):
    edit(
        inv / SHOP,
        "      throughput_mode: bursting\n",
        "      throughput_mode: bursting\n      thresholds:\n"
        "        burst_credit_balance_bytes: {warning: 1000}\n",
    )
    file, line, _, path, message = only(inv)
    lines = (inv / SHOP).read_text().splitlines()
    assert line == 1 + next(i for i, t in enumerate(lines) if "{warning: 1000}" in t)
    assert (file, path) == (SHOP, "resources.efs_file_systems[0].thresholds"
                            ".burst_credit_balance_bytes.warning")  # fmt: skip
    assert "warning 1000 must be above critical" in message
    assert "efs.burst_credit_balance_bytes alarms when the value is below the level" in message


def test_efs_schema_checks_id_modes_and_signal_names(inv: Path):
    edit(inv / SHOP, f"id: {FS}", "id: fs-XYZ")
    assert only(inv)[4] == (
        "invalid value 'fs-XYZ': expected EFS file system id: fs- followed by 8 to 40 "
        "lower-case hex digits"
    )
    edit(inv / SHOP, "id: fs-XYZ", f"id: {FS}")
    edit(inv / SHOP, "throughput_mode: bursting", "throughput_mode: burst")
    assert "is not one of: bursting, provisioned, elastic" in only(inv)[4]
    edit(inv / SHOP, "throughput_mode: burst", "throughput_mode: bursting")
    edit(inv / SHOP, "thresholds:\n  elasticache:", "thresholds:\n  efs:\n"
         "    percent_io_limits: {warning: 50}\n  elasticache:")  # fmt: skip
    assert "did you mean 'percent_io_limit'" in only(inv)[4]


def test_the_dashboard_has_an_efs_row_between_compute_and_caches(inventory):
    site = inventory.site("acme-shop")
    rows = plan_rows(alarms_for_site(site), {u.name: f"hc-{u.name}" for u in site.urls})
    [row] = [r for r in rows if r.resource_type == "efs"]
    assert row.title == "EFS file systems"
    assert {p.title for p in row.panels} == {"EFS burst credits", "EFS I/O limit"}
    order = [r.resource_type for r in rows]
    assert order.index("asg") < order.index("efs") < order.index("elasticache")
