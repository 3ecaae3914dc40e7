"""every-site-covered: no site in the stack is missing a monitoring source or its pager.

A site is covered when a check notices it is down and the alert reaches PagerDuty:
- CloudWatch: a Route 53 health check (a URL check) and an alarm on ``HealthCheckStatus``;
- Zabbix (when ``zabbixEnabled``): the site's ``kind: config`` dynamic resource has at least
  one web scenario (``web_scenarios`` output, else the ``export`` YAML);
- Grafana (when ``grafanaEnabled``): a dashboard, and an alert rule below the site that carries
  the routing label ``site=<id>`` (vigil's monitoring-health rules): without one, Grafana
  watches nothing and its contact point is never used, so no Grafana path to PagerDuty exists;
- PagerDuty: a service with an integration for each enabled source (cloudwatch always,
  zabbix and grafana when enabled), recognised by the integration's name.
Resources are attributed to a site by the parent chain up to ``vigil:index:SiteMonitoring``
(Zabbix dynamic resources also by their ``site`` input).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml
from pulumi_policy import EnforcementLevel, PolicyResource, ReportViolation

from policies import define as d
from policies import graph as g

NAME = "every-site-covered"
DESCRIPTION = (
    "Each site has an availability check in CloudWatch and Zabbix, a Grafana dashboard and "
    "alert rule routed by its site label, and a PagerDuty service with an integration per "
    "enabled monitoring source."
)
REMEDIATION = (
    "vigil creates all of these for a site whose inventory file has at least one urls: entry, "
    "an owner_team and a tier, for every tool the stack enables (vigil:zabbixUrl, "
    "grafana:auth); one missing despite that was removed or overridden in the program."
)
DEFAULTS: dict[str, Any] = {"requireZabbix": True, "requireGrafana": True}
CONFIG_SCHEMA = d.config_schema(
    DEFAULTS,
    requireZabbix="Require Zabbix coverage on sites whose zabbixEnabled is true.",
    requireGrafana=(
        "Require a Grafana dashboard and a site-labelled Grafana alert rule on sites whose "
        "grafanaEnabled is true."
    ),
)


def _has_web_scenario(export: Any) -> bool:
    document = export
    if isinstance(export, str):
        try:
            document = yaml.safe_load(export)
        except yaml.YAMLError:
            return "httptests:" in export
    return _find_nonempty(document, "httptests")


def _find_nonempty(node: Any, key: str) -> bool:
    if isinstance(node, Mapping):
        return bool(node.get(key)) or any(_find_nonempty(v, key) for v in node.values())
    if isinstance(node, list):
        return any(_find_nonempty(v, key) for v in node)
    return False


def _is_dynamic(res: PolicyResource) -> bool:
    return res.resource_type.startswith(g.DYNAMIC_PREFIX)


def _zabbix_resources(graph: g.Graph, site: g.SiteInfo) -> list[PolicyResource]:
    found = {r.urn: r for r in graph.descendants(site.resource) if _is_dynamic(r)}
    for res in graph.dynamic_by_site().get(site.site_id, ()):
        found[res.urn] = res
    return [found[k] for k in sorted(found)]


def _web_scenarios(res: PolicyResource) -> bool | None:
    """Whether a Zabbix ``config`` resource has web scenarios (``None``: unknown yet)."""
    listed = g.prop(res.props, "web_scenarios")
    if isinstance(listed, list) and listed and not g.contains_unknown(listed):
        return True
    export = g.prop(res.props, "export")
    if export is not None and not g.is_unknown(export) and _has_web_scenario(export):
        return True
    if g.contains_unknown(listed) or g.is_unknown(export):
        return None
    return False


def _source_of(integration: PolicyResource) -> str:
    label = g.prop(integration.props, "name")
    text = f"{label if isinstance(label, str) else ''} {integration.name}".lower()
    return next((s for s in ("cloudwatch", "zabbix", "grafana") if s in text), "")


def site_gaps(
    graph: g.Graph, cfg: dict[str, Any] | None = None, unverified: g.Unverified | None = None
) -> dict[str, list[str]]:
    """What each site lacks to be covered (site id → missing items, ``[]`` when covered).

    The one definition of "covered": this policy reports it and `vigil plan`'s coverage
    report shows it. What cannot be decided before apply goes to ``unverified``.
    """
    cfg = {**DEFAULTS, **(cfg or {})}
    unverified = unverified if unverified is not None else g.Unverified()
    return {site.site_id: _missing(graph, site, cfg, unverified) for site in graph.sites}


def _missing(
    graph: g.Graph, site: g.SiteInfo, cfg: dict[str, Any], unverified: g.Unverified
) -> list[str]:
    where = f"site {site.site_id}"
    file = site.file
    missing: list[str] = []

    # CloudWatch: a URL check that an alarm watches.
    if not graph.descendants(site.resource, g.HEALTH_CHECK):
        missing.append(f"a CloudWatch URL check (add a url to {file})")
    else:
        alarms = graph.descendants(site.resource, g.METRIC_ALARM)
        namespaces = [g.prop(a.props, "namespace") for a in alarms]
        if "AWS/Route53" not in namespaces:
            if any(g.is_unknown(n) for n in namespaces):
                unverified.add(f"CloudWatch URL alarm of {where}")
            else:
                missing.append(
                    "a CloudWatch alarm on its Route 53 health check (HealthCheckStatus)"
                )

    # Zabbix: a web scenario in the site's config export.
    if site.zabbix_enabled and cfg["requireZabbix"]:
        states = [_web_scenarios(r) for r in zabbix_configs(graph, site)]
        if True not in states:
            if None in states:
                unverified.add(f"Zabbix web scenarios of {where}")
            else:
                missing.append(f"a Zabbix web scenario (add a url to {file})")

    # Grafana: a dashboard, and a rule that can fire and is routed to the site.
    if site.grafana_enabled and cfg["requireGrafana"]:
        if not graph.descendants(site.resource, g.GRAFANA_DASHBOARD):
            missing.append("a Grafana dashboard")
        rules = grafana_rules(graph, site)
        if rules is None:
            unverified.add(f"Grafana alert rules of {where}")
        elif not rules:
            missing.append(
                f"a Grafana alert rule labelled {g.GRAFANA_SITE_LABEL}={site.site_id} "
                "(vigil's monitoring-health rule group)"
            )

    # PagerDuty: a service with an integration per enabled source.
    services = graph.descendants(site.resource, g.PD_SERVICE)
    if not services:
        missing.append(f"a PagerDuty service (check owner_team and tier in {file})")
        return missing
    wanted = ["cloudwatch"]
    if site.zabbix_enabled and cfg["requireZabbix"]:
        wanted.append("zabbix")
    if site.grafana_enabled and cfg["requireGrafana"]:
        wanted.append("grafana")
    have: set[str] = set()
    for integration in graph.descendants(site.resource, g.PD_INTEGRATION):
        ref = g.prop(integration.props, "service")
        linked = graph.resolve(integration, "service", ref, g.PD_SERVICE)
        if linked is None:
            # New service in preview: its id is unknown; the parent chain still
            # places the integration under this site's only service(s).
            linked = services if len(services) == 1 else None
        if linked is None:
            unverified.add(f"service of integration {integration.name} of {where}")
        elif any(s in services for s in linked):
            have.add(_source_of(integration))
    missing += [
        f"a PagerDuty {source} integration on its service"
        for source in wanted
        if source not in have
    ]
    return missing


def grafana_rules(graph: g.Graph, site: g.SiteInfo) -> list[dict[str, Any]] | None:
    """Rules of the site's Grafana rule groups that carry ``site=<id>`` (the label the
    notification policy routes on); ``None`` while a group's rules are unknown (preview)."""
    found: list[dict[str, Any]] = []
    for group in graph.descendants(site.resource, g.GRAFANA_RULE_GROUP):
        rules = graph.props(group).get("rules")  # memoised: every site asks again
        if g.is_unknown(rules):
            return None
        for rule in rules if isinstance(rules, list) else []:
            labels = rule.get("labels") if isinstance(rule, Mapping) else None
            label = labels.get(g.GRAFANA_SITE_LABEL) if isinstance(labels, Mapping) else None
            if g.is_unknown(label):
                return None
            if label == site.site_id:
                found.append(dict(rule))
    return found


def zabbix_configs(graph: g.Graph, site: g.SiteInfo) -> list[PolicyResource]:
    """The site's Zabbix ``kind: config`` dynamic resources (its template and hosts)."""
    return [r for r in _zabbix_resources(graph, site) if g.prop(r.props, "kind") == "config"]


def check(
    graph: g.Graph, cfg: dict[str, Any], report: ReportViolation, unverified: g.Unverified
) -> None:
    gaps = site_gaps(graph, cfg, unverified)
    for site in graph.sites:
        missing = gaps[site.site_id]
        if missing:
            report(
                f"site {site.site_id} ({site.file}) lacks {'; '.join(missing)}. {REMEDIATION}",
                site.urn,
            )


POLICY = d.stack_policy(
    NAME, DESCRIPTION, EnforcementLevel.MANDATORY, REMEDIATION, CONFIG_SCHEMA, check
)
