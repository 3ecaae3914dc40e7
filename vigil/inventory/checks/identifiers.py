"""Identifier checks JSON Schema cannot express: time zones, host names, URLs, addresses."""

from __future__ import annotations

import ipaddress
import re
import zoneinfo
from functools import cache
from urllib.parse import urlsplit

from vigil.inventory.problems import did_you_mean

HOSTNAME_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$", re.IGNORECASE)


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
    if len(host) > 253 or "." not in host:
        return f"'{host}' is not a fully qualified host name"
    if not all(HOSTNAME_LABEL.match(label) for label in host.rstrip(".").split(".")):
        return f"'{host}' is not a valid host name"
    return None


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


def address_problem(address: str) -> str | None:
    try:
        ipaddress.ip_address(address)
        return None
    except ValueError:
        return hostname_problem(address) and f"'{address}' is neither an IP address nor a host name"
