"""RDS read replicas: listed by their own DB instance identifiers, validated with positions."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import EXAMPLE
from tests.inventory.util import edit, only, problems
from vigil.inventory import load_inventory

SHOP = "sites/acme/shop.yaml"
REPLICAS = "      replicas: [acme-shop-db-replica-1, acme-shop-db-replica-2]\n"
EXPECTED_ID = (
    "expected DB instance identifier: 1-63 letters, digits and hyphens, starting with a letter, "
    "without two hyphens in a row or a hyphen at the end"
)
SECOND_DB = "    - id: acme-shop-db2\n      engine: mysql\n"


def test_example_replicas_load() -> None:
    inventory = load_inventory(EXAMPLE)
    shop = inventory.site("acme-shop").resources.rds_instances[0]
    assert shop.replicas == ("acme-shop-db-replica-1", "acme-shop-db-replica-2")
    assert shop.has_replicas
    b2b = inventory.site("acme-b2b").resources.rds_instances[0]
    assert b2b.replicas == ("acme-b2b-db-replica-1",)
    assert not any(
        db.has_replicas
        for site in inventory.sites
        if site.id not in ("acme-shop", "acme-b2b")
        for db in site.resources.rds_instances
    )


def test_identifiers_are_lower_cased_like_rds_stores_them(inv: Path) -> None:
    edit(inv / SHOP, "acme-shop-db-replica-2]", "Acme-Shop-DB-Replica-2]")
    edit(inv / SHOP, "    - id: acme-shop-db\n", "    - id: ACME-Shop-DB\n")
    db = load_inventory(inv).site("acme-shop").resources.rds_instances[0]
    assert db.id == "acme-shop-db"
    assert db.replicas == ("acme-shop-db-replica-1", "acme-shop-db-replica-2")


def test_empty_replica_list_means_none(inv: Path) -> None:
    edit(inv / SHOP, REPLICAS, "      replicas: []\n")
    db = load_inventory(inv).site("acme-shop").resources.rds_instances[0]
    assert db.replicas == () and not db.has_replicas


@pytest.mark.parametrize(
    ("replica", "col", "index"),
    [
        ("1replica", 18, 0),  # must start with a letter
        ("acme-shop-db--replica-2", 42, 1),  # two hyphens in a row
        ("acme-shop-db-replica-", 18, 0),  # hyphen at the end
        ("a" + "b" * 63, 18, 0),  # 64 characters
        ("acme_shop_db_replica", 18, 0),  # underscore
        ("''", 18, 0),  # empty
    ],
)
def test_invalid_replica_identifier(inv: Path, replica: str, col: int, index: int) -> None:
    old = "acme-shop-db-replica-2" if index else "acme-shop-db-replica-1"
    edit(inv / SHOP, REPLICAS, REPLICAS.replace(old, replica))
    file, line, column, path, message = only(inv)
    assert (file, line, column, path) == (
        SHOP, 29, col, f"resources.rds_instances[0].replicas[{index}]",
    )  # fmt: skip
    assert message.startswith("invalid value ") and message.endswith(EXPECTED_ID)


def test_longest_valid_identifier(inv: Path) -> None:
    replica = "a" + "1-" * 30 + "bc"  # 63 characters, single hyphens
    assert len(replica) == 63
    edit(inv / SHOP, "acme-shop-db-replica-1", replica)
    assert load_inventory(inv).site("acme-shop").resources.rds_instances[0].replicas[0] == replica


def test_primary_identifier_uses_the_same_rules(inv: Path) -> None:
    edit(inv / SHOP, "    - id: acme-shop-db\n", "    - id: acme-shop-db-\n")
    assert only(inv) == (
        SHOP, 27, 11, "resources.rds_instances[0].id",
        f"invalid value 'acme-shop-db-': {EXPECTED_ID}",
    )  # fmt: skip


def test_replica_that_is_not_a_string(inv: Path) -> None:
    edit(inv / SHOP, REPLICAS, "      replicas: acme-shop-db-replica-1\n")
    assert only(inv) == (
        SHOP, 29, 17, "resources.rds_instances[0].replicas",
        "expected a list, got a string 'acme-shop-db-replica-1'",
    )  # fmt: skip


def test_has_replicas_is_an_error_not_a_silent_fallback(inv: Path) -> None:
    edit(inv / SHOP, REPLICAS, "      has_replicas: true\n")
    assert only(inv) == (
        SHOP, 29, 7, "resources.rds_instances[0].has_replicas",
        "has_replicas is no longer read: list the read replicas' DB instance identifiers under "
        "replicas (RDS reports ReplicaLag under each replica's own identifier, not the "
        "primary's), or remove the key if there are none",
    )  # fmt: skip


def test_replica_is_the_primary_itself(inv: Path) -> None:
    edit(inv / SHOP, "acme-shop-db-replica-1", "ACME-shop-db")  # identifiers ignore case
    assert only(inv) == (
        SHOP, 29, 18, "resources.rds_instances[0].replicas[0]",
        "'ACME-shop-db' is this instance's own identifier; list only its read replicas here",
    )  # fmt: skip


def test_replica_listed_twice_in_one_instance(inv: Path) -> None:
    edit(inv / SHOP, "acme-shop-db-replica-2", "Acme-Shop-DB-Replica-1")
    assert only(inv) == (
        SHOP, 29, 42, "resources.rds_instances[0].replicas[1]",
        "replica 'Acme-Shop-DB-Replica-1' is listed twice (also rds_instances[0].replicas[0])",
    )  # fmt: skip


def test_replica_listed_under_two_instances(inv: Path) -> None:
    edit(inv / SHOP, REPLICAS, REPLICAS + SECOND_DB + "      replicas: [acme-shop-db-replica-2]\n")
    assert only(inv) == (
        SHOP, 32, 18, "resources.rds_instances[1].replicas[0]",
        "replica 'acme-shop-db-replica-2' is listed twice (also rds_instances[0].replicas[1])",
    )  # fmt: skip


def test_replica_that_is_another_primary(inv: Path) -> None:
    edit(inv / SHOP, REPLICAS, REPLICAS + SECOND_DB)
    edit(inv / SHOP, "acme-shop-db-replica-2", "acme-shop-db2")
    assert only(inv) == (
        SHOP, 29, 42, "resources.rds_instances[0].replicas[1]",
        "'acme-shop-db2' is also listed as a DB instance (rds_instances[1]); list each instance "
        "once, as a primary or as a replica",
    )  # fmt: skip


def test_primary_listed_twice_ignoring_case(inv: Path) -> None:
    edit(inv / SHOP, REPLICAS, REPLICAS + "    - id: Acme-Shop-DB\n      engine: mysql\n")
    assert only(inv) == (
        SHOP, 30, 11, "resources.rds_instances[1].id",
        "'Acme-Shop-DB' is listed twice (also rds_instances[0])",
    )  # fmt: skip


def test_all_replica_problems_in_one_run(inv: Path) -> None:
    edit(inv / SHOP, "acme-shop-db-replica-1", "acme-shop-db")
    edit(inv / "sites/acme/b2b.yaml", "acme-b2b-db-replica-1", "acme-b2b-db-replica-")
    found = problems(inv)
    assert [(f, line, path) for f, line, _, path, _ in found] == [
        ("sites/acme/b2b.yaml", 32, "resources.rds_instances[0].replicas[0]"),
        (SHOP, 29, "resources.rds_instances[0].replicas[0]"),
    ]
