"""Identifier checks JSON Schema cannot express: time zones, host names, URLs, addresses."""

from __future__ import annotations

import ipaddress
import re
import zoneinfo
from functools import cache
from urllib.parse import urlsplit

import botocore
import botocore.loaders

from vigil.inventory.problems import did_you_mean

HOSTNAME_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$", re.IGNORECASE)


@cache
def _partitions() -> tuple[tuple[str, re.Pattern[str], frozenset[str]], ...]:
    """(partition id, region pattern, known regions) from botocore's ``data/partitions.json``:
    the table the AWS SDKs resolve a region's partition with."""
    data = botocore.loaders.create_loader().load_data("partitions")
    return tuple(
        (p["id"], re.compile(p["regionRegex"]), frozenset(p.get("regions", ())))
        for p in data["partitions"]
    )


def known_regions() -> frozenset[str]:
    """Every region botocore's partitions table lists, without the ``*-global`` pseudo regions
    (endpoints for global services such as IAM, not places resources or alarms live in)."""
    return frozenset(
        region
        for _, _, regions in _partitions()
        for region in regions
        if not region.endswith("-global")
    )


def region_problem(region: str) -> str | None:
    """``None`` if ``region`` is an AWS region, else why not.

    The schema's pattern accepts any well-formed code (``eu-west-9``); a code AWS does not have
    would plan cleanly and fail at the first API call, so the region must be one botocore's
    ``data/partitions.json`` lists (the table every AWS SDK resolves endpoints from). A region
    opened after the pinned botocore release needs a botocore upgrade: the message says so.
    """
    regions = known_regions()
    if region in regions:
        return None
    area = region.rsplit("-", 1)[0]
    siblings = sorted(r for r in regions if r.rsplit("-", 1)[0] == area)
    hint = f"; {area} has: {', '.join(siblings)}" if siblings else did_you_mean(region, regions)
    return (
        f"unknown AWS region '{region}' (not in the region list of botocore "
        f"{botocore.__version__}; a region newer than that needs a botocore upgrade){hint}"
    )


def partition_of(region: str) -> str | None:
    """The AWS partition (``aws``, ``aws-cn``, ``aws-us-gov``…) a region belongs to: a listed
    region first, else the first partition whose region pattern matches, as botocore does."""
    for partition, _, regions in _partitions():
        if region in regions:
            return partition
    for partition, pattern, _ in _partitions():
        if pattern.match(region):
            return partition
    return None


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def timezone_problem(name: str) -> str | None:
    """``None`` if ``name`` is an IANA time zone, else the message (with a suggestion)."""
    if name in _zones():
        return None
    try:
        zoneinfo.ZoneInfo(name)
        return None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return f"unknown time zone '{name}'{did_you_mean(name, _zones())}"


def hostname_problem(host: str) -> str | None:
    """A fully qualified DNS name (RFC 1123 §2.1 labels), or why not.

    A name whose last label is all digits is not a DNS name (RFC 1123 §2.1: a valid host name
    never has the dotted-decimal form; RFC 3696 §2: top-level domains are not all-numeric), so
    ``10.0.0.300`` is reported as a bad IPv4 address, not taken for a host name.
    """
    if len(host) > 253 or "." not in host:
        return f"'{host}' is not a fully qualified host name"
    labels = host.rstrip(".").split(".")
    if all(label.isdigit() for label in labels):
        return ipv4_problem(host)
    if labels[-1].isdigit():
        return f"'{host}' is not a valid host name: its last label is all digits"
    if not all(HOSTNAME_LABEL.match(label) for label in labels):
        return f"'{host}' is not a valid host name"
    return None


def ipv4_problem(address: str) -> str:
    """Why a dotted-decimal ``address`` is not an IPv4 address (``ipaddress`` refused it)."""
    parts = address.split(".")
    if len(parts) != 4 or not all(p.isdigit() for p in parts):
        return f"'{address}' is not an IPv4 address: it needs four numbers 0-255"
    for part in parts:
        if int(part) > 255:
            return f"'{address}' is not an IPv4 address: {part} is over 255"
    return f"'{address}' is not an IPv4 address: write each number without leading zeros"


def url_problem(url: str) -> str | None:
    """An https URL with a valid host and port, or why not."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return f"invalid URL: {exc}"
    if parts.scheme != "https":
        return "URL must use https://"
    if parts.username or parts.password:
        return "URL must not carry credentials"
    if not parts.hostname:
        return "URL has no host"
    if port == 0:
        return "URL port must be 1-65535"
    try:
        ipaddress.ip_address(parts.hostname)
        return None
    except ValueError:
        pass
    problem = hostname_problem(parts.hostname)
    return f"URL host {problem}" if problem else None


def same_url_key(url: str) -> str:
    """What two URLs that fetch the same resource share: scheme and host are case-insensitive
    and the default port is implied (RFC 3986 §6.2.2.1, §6.2.3), an empty path is ``/``; the
    path and query are compared as written (they are case-sensitive)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url
    host = (parts.hostname or "").rstrip(".")
    default = {"https": 443, "http": 80}.get(parts.scheme.lower())
    netloc = host if port in (None, default) else f"{host}:{port}"
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{netloc}{parts.path or '/'}{query}"


def address_problem(address: str) -> str | None:
    """An IPv4/IPv6 address or a fully qualified DNS name (what a Zabbix interface takes)."""
    try:
        ipaddress.ip_address(address)
        return None
    except ValueError:
        pass
    if address.replace(".", "").isdigit():
        return ipv4_problem(address)
    return hostname_problem(address) and f"'{address}' is neither an IP address nor a host name"
