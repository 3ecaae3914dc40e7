"""The cascade folded once: resolved thresholds carry the layer, file and line that set them."""

from __future__ import annotations

from pathlib import Path

from tests.inventory.util import edit
from vigil.catalog.alarms import alarms_for_site
from vigil.inventory import load_inventory
from vigil.models import Origin, Threshold

SHOP = "sites/acme/shop.yaml"
EXAMPLE = Path(__file__).resolve().parents[2] / "inventory"


def line_of(path: Path, text: str) -> int:
    return 1 + next(i for i, t in enumerate(path.read_text().splitlines()) if text in t)


def test_each_level_knows_where_it_was_set(inv: Path) -> None:
    edit(inv / "defaults.yaml", "    escalation_loops: 3\n",
         "    escalation_loops: 3\n    thresholds:\n      alb:\n"
         "        rejected_connection_count: {critical: 40}\n")  # fmt: skip
    shop = load_inventory(inv).site("acme-shop")
    alb = shop.resources.load_balancers[0].thresholds
    defaults, site = str(inv / "defaults.yaml"), str(inv / SHOP)

    p99 = alb["target_response_time_p99"]  # the resource's own
    assert p99 == Threshold(1.5, 3.0)
    own_line = line_of(inv / SHOP, "target_response_time_p99: {warning: 1.5")
    assert p99.origin("warning") == Origin("resources.load_balancers[0]", site, own_line)
    assert str(p99.origin("critical")) == (
        f"set in resources.load_balancers[0] at {site}:{own_line}"
    )

    errors = alb["elb_5xx_rate"]  # defaults.yaml thresholds.alb
    assert errors.origin("warning") == Origin(
        "defaults", defaults, line_of(inv / "defaults.yaml", "elb_5xx_rate: {warning: 0.5")
    )

    rejected = alb["rejected_connection_count"]  # warning: catalog, critical: the gold tier
    assert str(rejected.origin("warning")) == "the catalog default"
    assert str(rejected.origin("critical")) == (
        f"set in tiers.gold at {defaults}:"
        f"{line_of(inv / 'defaults.yaml', 'rejected_connection_count: {critical: 40}')}"
    )

    memory = shop.resources.elasticache_clusters[0].thresholds["database_memory_usage_percent"]
    assert memory.origin("critical") == Origin(
        "site", site, line_of(inv / SHOP, "database_memory_usage_percent: {warning: 75")
    )


def test_origins_do_not_change_equality_and_reach_the_alarm_specs() -> None:
    shop = load_inventory(EXAMPLE).site("acme-shop")
    p99 = shop.resources.load_balancers[0].thresholds["target_response_time_p99"]
    assert p99 == Threshold(1.5, 3.0) and p99.origins != Threshold(1.5, 3.0).origins
    [spec] = [
        a
        for a in alarms_for_site(shop)
        if a.signal_key == "target_response_time_p99" and a.severity == "critical"
    ]
    assert spec.origin == p99.origin("critical")
    assert spec.origin.layer == "resources.load_balancers[0]"


def test_a_null_level_turns_the_alarm_off_and_records_who_did(inv: Path) -> None:
    edit(inv / SHOP, "{warning: 1.5, critical: 3.0}", "{warning: null}")
    shop = load_inventory(inv).site("acme-shop")
    p99 = shop.resources.load_balancers[0].thresholds["target_response_time_p99"]
    assert p99.warning is None and p99.origin("warning").layer == "resources.load_balancers[0]"
    assert p99.critical == 3.0 and str(p99.origin("critical")) == "the catalog default"
    assert not any(
        a.signal_key == "target_response_time_p99" and a.severity == "warning"
        for a in alarms_for_site(shop)
    )
