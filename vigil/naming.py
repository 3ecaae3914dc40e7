"""Names, tags and links every tool shares, so an alert in any tool points at the same objects."""

from __future__ import annotations

import hashlib
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
TAG_MAY_BE_STOPPED = "vigil:may-be-stopped"
"""Set (``true``) on every alarm of a resource the inventory says may be stopped on purpose
(EC2 ``may_be_stopped``): its status checks treat missing data as not breaching and it has no
heartbeat alarm; policies read this tag to allow both."""
GRAFANA_SITE_LABEL = "site"
"""Alert label the Grafana notification policy routes on: ``site=<id>`` → the site's contact
point. vigil's own rules carry it; hand-written rules must too (README, "Grafana alerting")."""
GRAFANA_SEVERITY_LABEL = "severity"
"""Alert label the contact point sends as the PagerDuty event severity (default critical)."""


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


GRAFANA_UID_MAX = 40
"""Grafana rejects longer uids: ``MaxUIDLength`` / ``IsShortUIDTooLong`` in grafana/grafana
``pkg/util/shortid_generator.go``; the ``dashboard.uid`` column (folders are rows of the same
table, so dashboard and folder uids share one namespace per org) is ``VARCHAR(40)`` with a
unique ``(org_id, uid)`` index (``pkg/services/sqlstore/migrations/dashboard_mig.go``)."""
GRAFANA_UID_PATTERN = re.compile(r"^[a-zA-Z0-9\-_]*$")
"""``validUIDPattern`` / ``IsValidShortUID`` in the same file: letters, digits, ``-`` and ``_``."""
UID_HASH_LENGTH = 8
"""Hex digits of sha256 appended when a uid is shortened (collision odds ~1 in 4·10⁹ per pair)."""


def grafana_uid(*parts: str) -> str:
    """``parts`` joined by ``-`` (slugged) when that fits Grafana's rules, else a readable
    prefix of it plus a short hash of the *whole* name: stable across runs, length-safe, and
    two names sharing their first 40 characters still get different uids.

    Distinct names can still meet (``a``+``b-c`` and ``a-b``+``c``; a short name equal to a
    long one's shortened form): ``vigil validate`` checks every uid an inventory produces.
    """
    full = "-".join(slug(p) for p in parts if p)
    if len(full) <= GRAFANA_UID_MAX:
        return full
    digest = hashlib.sha256(full.encode()).hexdigest()[:UID_HASH_LENGTH]
    head = full[: GRAFANA_UID_MAX - UID_HASH_LENGTH - 1].rstrip("-")
    return f"{head}-{digest}"


def grafana_uid_problem(uid: str) -> str | None:
    """Why Grafana would refuse ``uid`` (``ValidateUID``), or None."""
    if not uid:
        return "empty Grafana uid"
    if len(uid) > GRAFANA_UID_MAX:
        return f"Grafana uid {uid!r} is longer than {GRAFANA_UID_MAX} characters"
    if not GRAFANA_UID_PATTERN.match(uid):
        return f"Grafana uid {uid!r}: only letters, digits, '-' and '_' are allowed"
    return None


def dashboard_uid(site: Site | str) -> str:
    """Stable Grafana uid of a site's dashboard, known before Grafana exists so alarm
    descriptions can link to it."""
    return grafana_uid(MANAGED_BY, site if isinstance(site, str) else site.id)


def folder_uid(client: str) -> str:
    """Uid of a client's folder; ``folder`` keeps it apart from the dashboards' ``vigil-<site>``
    (a site may be named like its client: both live in the dashboard table)."""
    return grafana_uid(MANAGED_BY, "folder", client)


def dashboard_url(grafana_url: str, site: Site) -> str:
    return f"{grafana_url.rstrip('/')}/d/{dashboard_uid(site)}/{site.id}"


def zabbix_web_host(site_id: str) -> str:
    """The Zabbix host that runs a site's web scenarios (once per site, not per server)."""
    return f"{site_id}-web"


def zabbix_server_host(site_id: str, server_name: str) -> str:
    """Zabbix host of one inventory server: ``{site}-{server}`` (unique across sites)."""
    prefix = f"{site_id}-"
    return server_name if server_name.startswith(prefix) else prefix + server_name


def zabbix_host_names(site: Site) -> tuple[str, ...]:
    """Every Zabbix host vigil creates for ``site``, sorted: the renderer creates exactly
    these and the dashboard's Zabbix panels filter on exactly these."""
    hosts = [zabbix_web_host(site.id)] if site.urls else []
    hosts += [zabbix_server_host(site.id, s.name) for s in site.servers]
    return tuple(sorted(hosts))
