"""Loading the example inventory and resolving the threshold cascade."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE
from tests.inventory.util import edit
from vigil.inventory import InventoryError, load_inventory
from vigil.inventory.discovery import client_folders
from vigil.models import Inventory, Threshold


@pytest.fixture
def example(fake_catalog: dict) -> Inventory:
    return load_inventory(EXAMPLE)


def test_example_inventory_loads_without_catalog() -> None:
    inventory = load_inventory(EXAMPLE)
    assert [s.id for s in inventory.sites] == [
        "acme-b2b", "acme-shop", "bistro-booking", "bistro-website", "nova-api", "nova-storefront",
    ]  # fmt: skip
    assert inventory.clients == ("acme", "bistro", "nova")
    assert sorted(inventory.teams) == ["ops", "web"]
    assert sorted(inventory.tiers) == ["bronze", "gold", "silver"]


def test_sites_carry_tier_team_and_source(example: Inventory) -> None:
    shop = example.site("acme-shop")
    assert shop.tier.name == "gold" and shop.tier.is_24x7
    assert shop.tier.escalation_loops == 3
    assert shop.owner_team == "ops"
    assert shop.aws_account_id == "111111111111" and shop.aws_region == "eu-west-1"
    assert shop.source.endswith("sites/acme/shop.yaml")
    assert [u.name for u in shop.urls] == ["home", "checkout"]
    assert shop.urls[1].timeout_seconds == 15 and shop.urls[0].timeout_seconds == 10
    assert shop.servers[0].port == 10050
    bronze = example.tiers["bronze"]
    assert not bronze.is_24x7
    assert bronze.support_hours.timezone == "Europe/Berlin"
    assert bronze.support_hours.days == ("mon", "tue", "wed", "thu", "fri")


def test_models_are_immutable(example: Inventory) -> None:
    shop = example.site("acme-shop")
    with pytest.raises(dataclasses.FrozenInstanceError):
        shop.tier = example.tiers["bronze"]  # type: ignore[misc]
    with pytest.raises(TypeError):
        shop.resources.load_balancers[0].thresholds["x"] = Threshold()  # type: ignore[index]


def test_cascade_catalog_defaults_tier_site_resource(example: Inventory) -> None:
    shop = example.site("acme-shop")
    alb = shop.resources.load_balancers[0].thresholds
    assert alb["elb_5xx_rate"] == Threshold(0.5, 2)  # defaults.yaml over catalog (1, 5)
    assert alb["target_response_time_p99"] == Threshold(1.5, 3.0)  # the resource's own
    assert shop.resources.elasticache_clusters[0].thresholds[
        "database_memory_usage_percent"
    ] == Threshold(75, 90)  # site file
    assert shop.urls[0].thresholds["response_time_seconds"] == Threshold(3, 8)  # defaults.yaml

    api = example.site("nova-api")
    assert api.resources.load_balancers[0].thresholds["target_response_time_p99"] == Threshold(2, 4)
    assert api.resources.aurora_clusters[0].thresholds["cpu_utilization"] == Threshold(70, 85)
    storefront = example.site("nova-storefront")  # no site override: catalog
    assert storefront.resources.aurora_clusters[0].thresholds["cpu_utilization"] == Threshold(
        80, 95
    )

    b2b = example.site("acme-b2b")
    first, second = b2b.resources.ec2_instances
    assert first.thresholds["cpu_utilization"] == Threshold(80, 95)  # silver has no ec2 override
    assert second.thresholds["cpu_utilization"] == Threshold(70, 90)
    assert b2b.resources.rds_instances[0].thresholds["free_storage_bytes"] == Threshold(
        10737418240, 2147483648
    )
    web = example.site("bistro-website")
    assert web.resources.ec2_instances[0].thresholds["cpu_utilization"] == Threshold(
        85, 98
    )  # bronze


def test_partial_override_keeps_lower_layer_and_null_turns_off(
    inv: Path, fake_catalog: dict
) -> None:
    edit(
        inv / "sites/acme/shop.yaml",
        "    required_text: ACME\n",
        "    required_text: ACME\n    thresholds:\n      response_time_seconds: {critical: 6}\n",
    )
    edit(
        inv / "sites/acme/shop.yaml",
        "    timeout_seconds: 15\n",
        "    timeout_seconds: 15\n    thresholds:\n      response_time_seconds: {warning: null}\n",
    )
    shop = load_inventory(inv).site("acme-shop")
    assert shop.urls[0].thresholds["response_time_seconds"] == Threshold(3, 6)
    assert shop.urls[1].thresholds["response_time_seconds"] == Threshold(None, 8)


def test_thresholds_are_floats(example: Inventory) -> None:
    value = example.site("acme-shop").resources.load_balancers[0].thresholds["elb_5xx_rate"]
    assert isinstance(value.warning, float) and isinstance(value.critical, float)


def test_only_clients_shards(example: Inventory) -> None:
    assert [s.id for s in example.only_clients(["nova"]).sites] == ["nova-api", "nova-storefront"]


def test_merge_keys_and_anchors_are_supported(inv: Path) -> None:
    (inv / "sites/acme/shop2.yaml").write_text(
        (inv / "sites/acme/shop.yaml")
        .read_text()
        .replace("id: acme-shop\n", "id: acme-shop2\n")
        .replace("aws:\n", "aws: &aws\n")
        .replace("tags:\n  cost-center: ecommerce\n", "tags:\n  <<: {cost-center: x, owner: me}\n")
    )
    site = load_inventory(inv).site("acme-shop2")
    assert dict(site.tags) == {"cost-center": "x", "owner": "me"}


def test_a_site_stack_reads_only_its_clients_folders(inv: Path) -> None:
    """A broken file of another client fails its own stack and the whole-inventory checks,
    not this shard; the shard's own files are still checked."""
    edit(inv / "sites/bistro/booking.yaml", "id: bistro-booking\n", "id: Bistro Booking\n")
    with pytest.raises(InventoryError):
        load_inventory(inv)
    shard = load_inventory(inv, clients=["acme", "nova"])
    assert shard.clients == ("acme", "nova")
    assert [s.id for s in shard.sites] == ["acme-b2b", "acme-shop", "nova-api", "nova-storefront"]
    with pytest.raises(InventoryError) as caught:
        load_inventory(inv, clients=["bistro"])
    assert {Path(p.file).name for p in caught.value.problems} == {"booking.yaml"}


def test_client_folders_are_known_without_reading_site_files(inv: Path) -> None:
    (inv / "sites/acme/shop.yaml").write_text(": not yaml [")
    (inv / "sites/empty").mkdir()
    assert client_folders(inv) == ("acme", "bistro", "nova")
