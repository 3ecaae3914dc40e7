"""Coverage per site: how many objects each tool got, and what the site lacks to be covered.

Read from the one resource graph (`policies.graph.Graph`, built from the recording or a saved
plan), so a live plan and a saved plan give the same numbers. What "covered" means is the
``every-site-covered`` policy's `site_gaps`, not a second definition here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from policies import every_site_covered
from policies.graph import Graph, SiteInfo, prop
from vigil import resource_types as rt

TOOLS = ("cloudwatch", "zabbix", "grafana", "pagerduty")

COUNTED: dict[str, str] = {
    "cloudwatch": rt.METRIC_ALARM,
    "pagerduty": rt.PD_SERVICE,
}
"""Tools counted by resource below the site; Zabbix is counted by what its config holds,
Grafana by its alert rules routed to the site (a dashboard alone pages nobody)."""
ZABBIX_COUNTED = ("web_scenarios", "host_names")
"""A Zabbix ``config`` resource's objects that watch the site: web scenarios and hosts."""


@dataclass
class SiteCoverage:
    id: str
    client: str | None
    tier: str | None
    coverage: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TOOLS, 0))
    gaps: list[str] = field(default_factory=list)
    waived: list[tuple[str, str, str]] = field(default_factory=list)
    """(tool, gap, reason) the stack declared out of scope (``vigil.plan.gate``)."""

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "client": self.client,
            "tier": self.tier,
            "coverage": dict(self.coverage),
            "gaps": list(self.gaps),
            "outOfScope": [
                {"tool": tool, "gap": gap, "reason": reason} for tool, gap, reason in self.waived
            ],
        }


def _zabbix_count(graph: Graph, site: SiteInfo) -> int:
    total = 0
    for config in every_site_covered.zabbix_configs(graph, site):
        for key in ZABBIX_COUNTED:
            value = prop(config.props, key)
            total += len(value) if isinstance(value, list) else 0
    return total


def site_coverage(graph: Graph, cfg: Mapping[str, Any] | None = None) -> list[SiteCoverage]:
    """One entry per ``SiteMonitoring`` (sorted by id); ``cfg`` is the every-site-covered
    policy's config (``requireZabbix``, ``requireGrafana``)."""
    gaps = every_site_covered.site_gaps(graph, dict(cfg or {}))
    result = []
    for site in sorted(graph.sites, key=lambda s: s.site_id):
        cov = SiteCoverage(site.site_id, site.client or None, site.tier or None)
        for tool, token in COUNTED.items():
            cov.coverage[tool] = len(graph.descendants(site.resource, token))
        cov.coverage["zabbix"] = _zabbix_count(graph, site)
        cov.coverage["grafana"] = len(every_site_covered.grafana_rules(graph, site) or [])
        cov.gaps = gaps[site.site_id]
        result.append(cov)
    return result
