"""Identifiers the real services would refuse or merge: Zabbix host names, addresses, ARNs, URLs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.inventory.util import edit, only, problems
from vigil.inventory import InventoryError, load_inventory
from vigil.inventory.checks.zabbix_hosts import HOST_NAME_MAX
from vigil.models import Server
from vigil.zabbix.render import server_host_name, web_host_name

SHOP = "sites/acme/shop.yaml"
WEBSITE = "sites/bistro/website.yaml"
ZABBIX_ONE = "Zabbix keeps one host per name: rename one of them"


def test_the_check_uses_the_renderers_names() -> None:
    """The names checked are the ones the Zabbix export creates."""
    server = Server(name="web", address="10.0.0.1", services=(), port=10050)
    assert server_host_name("acme-shop", server) == web_host_name("acme-shop") == "acme-shop-web"


def test_server_named_like_the_web_check_host_is_reported_at_both_places(inv: Path) -> None:
    edit(inv / SHOP, "  - name: acme-web-2\n", "  - name: web\n")
    found = [p for p in problems(inv) if "Zabbix host" in p[4]]
    assert found == [
        (SHOP, 37, 3, "urls",
         "Zabbix host 'acme-shop-web' of the web checks of site 'acme-shop' is also the host of "
         f"server 'web' of site 'acme-shop' ({inv / SHOP}:48); {ZABBIX_ONE}"),
        (SHOP, 48, 11, "servers[1].name",
         "Zabbix host 'acme-shop-web' of server 'web' of site 'acme-shop' is also the host of "
         f"the web checks of site 'acme-shop' ({inv / SHOP}:37); {ZABBIX_ONE}"),
    ]  # fmt: skip


def test_hosts_of_two_sites_meeting_in_one_name(inv: Path) -> None:
    """Site ``bistro`` server ``website-bistro-web`` and site ``bistro-website`` server
    ``bistro-web`` are both ``bistro-website-bistro-web``."""
    other = inv / "sites/bistro/main.yaml"
    other.write_text(
        (inv / WEBSITE)
        .read_text()
        .replace("id: bistro-website", "id: bistro")
        .replace("  - name: bistro-web\n", "  - name: website-bistro-web\n")
    )
    found = sorted(p for p in problems(inv) if "Zabbix host" in p[4])
    host = "bistro-website-bistro-web"
    assert [(f, line, path) for f, line, _, path, _ in found] == [
        ("sites/bistro/main.yaml", 23, "servers[0].name"),
        (WEBSITE, 23, "servers[0].name"),
    ]
    assert found[0][4] == (
        f"Zabbix host '{host}' of server 'website-bistro-web' of site 'bistro' is also the host "
        f"of server 'bistro-web' of site 'bistro-website' ({inv / WEBSITE}:23); {ZABBIX_ONE}"
    )
    assert f"({other}:23)" in found[1][4]


def test_host_name_over_zabbix_length(inv: Path) -> None:
    name = "x" * (HOST_NAME_MAX - len("acme-shop-") + 1)
    edit(inv / SHOP, "  - name: acme-web-2\n", f"  - name: {name}\n")
    assert only(inv) == (
        SHOP, 48, 11, "servers[1].name",
        f"Zabbix host name 'acme-shop-{name}' of server '{name}' of site 'acme-shop' is 129 "
        "characters; Zabbix 6.0 allows 128: shorten the site id or server name",
    )  # fmt: skip


def test_host_name_of_exactly_the_limit_is_accepted(inv: Path) -> None:
    name = "x" * (HOST_NAME_MAX - len("acme-shop-"))
    edit(inv / SHOP, "  - name: acme-web-2\n", f"  - name: {name}\n")
    assert not [p for p in problems_or_none(inv) if "Zabbix" in p[4]]


def problems_or_none(root: Path) -> list[tuple[str, int, int, str, str]]:
    try:
        load_inventory(root)
    except InventoryError:
        return problems(root)
    return []


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("10.10.1.300", "'10.10.1.300' is not an IPv4 address: 300 is over 255"),
        ("256.1.1.1", "'256.1.1.1' is not an IPv4 address: 256 is over 255"),
        ("10.10.1", "'10.10.1' is not an IPv4 address: it needs four numbers 0-255"),
        ("10.10.1.1.1", "'10.10.1.1.1' is not an IPv4 address: it needs four numbers 0-255"),
        ("010.10.1.12", "'010.10.1.12' is not an IPv4 address: write each number without "
         "leading zeros"),
        ("db.example.123", "'db.example.123' is neither an IP address nor a host name"),
        ("web_1.example.com", "'web_1.example.com' is neither an IP address nor a host name"),
    ],
)  # fmt: skip
def test_bad_addresses(inv: Path, address: str, message: str) -> None:
    edit(inv / SHOP, "address: 10.10.1.12\n", f'address: "{address}"\n')
    assert only(inv) == (SHOP, 49, 14, "servers[1].address", message)


@pytest.mark.parametrize("address", ["10.10.1.255", "fd00::12", "web-2.acme.example"])
def test_good_addresses(inv: Path, address: str) -> None:
    edit(inv / SHOP, "address: 10.10.1.12\n", f'address: "{address}"\n')
    assert problems_or_none(inv) == []


ALB_ARN = "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/acme-shop-prod/"


@pytest.mark.parametrize(
    ("partition", "region", "message"),
    [
        ("aws-cn", "eu-west-1",
         "ARN partition 'aws-cn' is not the partition of aws.region 'eu-west-1' ('aws'): ARNs "
         "are arn:aws:… there"),
        ("aws-us-gov", "eu-west-1",
         "ARN partition 'aws-us-gov' is not the partition of aws.region 'eu-west-1' ('aws'): "
         "ARNs are arn:aws:… there"),
    ],
)  # fmt: skip
def test_arn_of_another_partition(inv: Path, partition: str, region: str, message: str) -> None:
    edit(inv / SHOP, ALB_ARN, ALB_ARN.replace("arn:aws:", f"arn:{partition}:"))
    assert only(inv) == (SHOP, 16, 12, "resources.load_balancers[0].arn", message)


def test_arn_region_and_account_are_checked_too(inv: Path) -> None:
    edit(inv / SHOP, ALB_ARN, ALB_ARN.replace("eu-west-1:111111111111", "eu-west-2:999999999999"))
    assert sorted(p[4] for p in problems(inv)) == [
        "ARN account '999999999999' does not match aws.account_id '111111111111'",
        "ARN region 'eu-west-2' does not match aws.region 'eu-west-1'",
    ]


def test_partition_follows_botocore() -> None:
    from vigil.inventory.checks.identifiers import partition_of

    assert [partition_of(r) for r in ("eu-west-1", "cn-north-1", "us-gov-west-1", "xx")] == [
        "aws", "aws-cn", "aws-us-gov", None,
    ]  # fmt: skip


@pytest.mark.parametrize(
    "again",
    [
        "https://shop.acme.example/",
        "https://SHOP.acme.example/",
        "https://shop.acme.example:443/",
        "https://shop.acme.example",
        "https://shop.acme.example./",
    ],
)
def test_the_same_url_twice_is_reported(inv: Path, again: str) -> None:
    edit(inv / SHOP, "    url: https://shop.acme.example/checkout/cart/\n", f"    url: {again}\n")
    assert only(inv) == (
        SHOP, 41, 10, "urls[1].url",
        f"URL {again} is already checked by urls[0]; the same URL twice is two health checks "
        "and two pages for one outage: keep one",
    )  # fmt: skip


@pytest.mark.parametrize(
    "other", ["https://shop.acme.example/Checkout", "https://shop.acme.example/?a=1"]
)
def test_different_paths_and_queries_are_different_urls(inv: Path, other: str) -> None:
    edit(inv / SHOP, "    url: https://shop.acme.example/checkout/cart/\n", f"    url: {other}\n")
    assert problems_or_none(inv) == []
