"""Names, tags and links every tool shares, so an alert in any tool points at the same objects."""

from __future__ import annotations

import re

from vigil.models import Site

MANAGED_BY = "vigil"
TAG_SITE = "vigil:site"
TAG_CLIENT = "vigil:client"
TAG_TIER = "vigil:tier"
TAG_MANAGED_BY = "managed-by"
REQUIRED_TAGS = (TAG_SITE, TAG_CLIENT, TAG_TIER, TAG_MANAGED_BY)
TAG_SEVERITY = "vigil:severity"
TAG_SIGNAL = "vigil:signal"
TAG_AVAILABILITY = "vigil:availability"
"""Set on alarms (and paging topics) so policies can tell availability signals and severities."""


def slug(value: str) -> str:
    """Lower-case, dash-separated; safe inside AWS, Grafana, Zabbix and PagerDuty names."""
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


def resource_name(site: Site, resource: str, signal: str = "", severity: str = "") -> str:
    """``{site}-{resource}-{signal}-{severity}``, empty parts left out."""
    return "-".join(part for part in (site.id, slug(resource), slug(signal), severity) if part)


def vigil_tags(site: Site) -> dict[str, str]:
    """The standard tags alone (what policies and ownership checks rely on)."""
    return {
        TAG_SITE: site.id,
        TAG_CLIENT: site.client,
        TAG_TIER: site.tier.name,
        TAG_MANAGED_BY: MANAGED_BY,
    }


def standard_tags(site: Site) -> dict[str, str]:
    """The site's extra tags overlaid by the standard ones (which always win)."""
    return {**dict(site.tags), **vigil_tags(site)}


def dashboard_uid(site: Site) -> str:
    """Stable Grafana uid (≤ 40 chars), known before Grafana exists so alarms can link to it."""
    return f"vigil-{site.id}"[:40]


def dashboard_url(grafana_url: str, site: Site) -> str:
    return f"{grafana_url.rstrip('/')}/d/{dashboard_uid(site)}/{site.id}"
