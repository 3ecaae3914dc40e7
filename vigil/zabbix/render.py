"""Pure rendering of a site into Zabbix's own export format (YAML, ``version: '6.0'``).

Why the export format: it is what ``configuration.import`` and ``configuration.importcompare``
consume, what an operator can import by hand, and it diffs cleanly in review. Everything is
written the way Zabbix itself exports it (defaults left out, lists sorted, UUIDs derived from
names) so a compare against the live server shows only real changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import yaml

from vigil import naming
from vigil.catalog import url as url_catalog
from vigil.models import Server, Site, Threshold, UrlCheck
from vigil.zabbix.agentless import agentless_items, agentless_macros
from vigil.zabbix.service_recovery import WEB_STEP_ATTEMPTS, recovery_macro
from vigil.zabbix.service_templates import BASE_SERVICE, canonical_service, service_table
from vigil.zabbix.uuids import stable_uuid

MANAGED_BY = ("managed-by", "vigil")
TEMPLATE_GROUP = "Templates/vigil"
"""Group of every vigil template (a host group on 6.0, a template group on 6.2+)."""
SITE_TEMPLATE_PREFIX = "vigil-site-"
SERVICE_TEMPLATE_PREFIX = "vigil-svc-"
CLIENT_GROUP_PREFIX = "vigil/"

DEFAULT_RESPONSE_TIME = url_catalog.RESPONSE_TIME.default
CERT_WARN_DAYS = 21
CERT_CRIT_DAYS = 7
CERT_MACROS = {
    "{$VIGIL.CERT.WARN.DAYS}": str(CERT_WARN_DAYS),
    "{$VIGIL.CERT.CRIT.DAYS}": str(CERT_CRIT_DAYS),
}
RESPONSE_TIME_SIGNAL = url_catalog.RESPONSE_TIME.key


# --------------------------------------------------------------------------- names


def client_group(client: str) -> str:
    return f"{CLIENT_GROUP_PREFIX}{client}"


def site_template_name(site_id: str) -> str:
    return f"{SITE_TEMPLATE_PREFIX}{site_id}"


def service_template_name(service: str) -> str:
    return f"{SERVICE_TEMPLATE_PREFIX}{canonical_service(service)}"


web_host_name = naming.zabbix_web_host  # one naming for the renderer and the Grafana panels


def server_host_name(site_id: str, server: Server) -> str:
    return naming.zabbix_server_host(site_id, server.name)


@dataclass(frozen=True)
class RenderOptions:
    """What the export needs besides the site: links and the check interval.

    ``dashboard_url``: the site's Grafana dashboard, carried as the ``vigil:dashboard`` host
    tag so every page links it (notifications resolve only global user macros, but event tags
    include host tags). ``check_interval``: how often web scenarios run (Zabbix default 1m).
    ``cert_agent``: ``address:port`` of the Zabbix agent 2 that reads the sites' TLS
    certificates (``web.certificate.get``, agent 2 only), by default the one beside the Zabbix
    server; empty: no certificate checks. ``cert_interval``: how often it reads them.
    """

    dashboard_url: str = ""
    check_interval: str = "1m"
    cert_agent: str = "127.0.0.1:10050"
    cert_interval: str = "1h"


DEFAULT_OPTIONS = RenderOptions()
TAG_VALUE_MAX = 255
"""Zabbix 6.0 tag values are at most 255 characters (``host_tag.value``)."""


@dataclass(frozen=True)
class SiteObjects:
    """Names of what a site's export holds; what the provider owns and may delete."""

    site: str
    client_group: str
    template_name: str
    host_names: tuple[str, ...]
    web_scenarios: tuple[str, ...]
    service_templates: tuple[str, ...]


def site_services(site: Site) -> tuple[str, ...]:
    """Canonical services used by the site's servers, always including the Linux basics."""
    found = {canonical_service(s) for server in site.servers for s in server.services}
    if site.servers:
        found.add(BASE_SERVICE)
    return tuple(sorted(found))


def site_objects(site: Site) -> SiteObjects:
    return SiteObjects(
        site=site.id,
        client_group=client_group(site.client),
        template_name=site_template_name(site.id),
        host_names=naming.zabbix_host_names(site),
        web_scenarios=tuple(u.name for u in site.urls),
        service_templates=tuple(service_template_name(s) for s in site_services(site)),
    )


# --------------------------------------------------------------------------- helpers


def _num(value: float) -> str:
    """3.0 → '3', 2.5 → '2.5': how Zabbix shows macro values."""
    return f"{value:g}"


def _tags(pairs: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"tag": t, "value": v} for t, v in sorted(set(pairs))]


def site_tags(site: Site) -> list[tuple[str, str]]:
    return [
        ("vigil:site", site.id),
        ("vigil:client", site.client),
        ("vigil:tier", site.tier.name),
        MANAGED_BY,
    ]


def _macros(values: Mapping[str, str], descriptions: Mapping[str, str] | None = None) -> list:
    out = []
    # Zabbix exports "{$A}" before "{$A:"ctx"}": sort on the name inside the braces.
    for macro in sorted(values, key=lambda m: m.strip("{$}")):
        entry: dict[str, str] = {"macro": macro, "value": values[macro]}
        if descriptions and descriptions.get(macro):
            entry["description"] = descriptions[macro]
        out.append(entry)
    return out


REGEX_SPECIAL = frozenset("\\^$.|?*+()[]{}")
"""Characters with a meaning in a Zabbix regular expression (POSIX extended and PCRE alike)."""


def required_pattern(text: str) -> str:
    """The web step's ``required`` for the inventory's literal ``required_text``.

    Zabbix reads ``required`` as a regular expression (Zabbix 6.0 manual, "Web monitoring":
    "Required string ... Supports regular expressions"), so a literal like "$9.99 (incl.
    VAT)" would never match (``$`` anchors at the end) and the URL would page as down
    forever; every special character is escaped with a backslash, which both regex dialects
    read as the literal character.
    """
    return "".join(f"\\{c}" if c in REGEX_SPECIAL else c for c in text)


def response_time(url: UrlCheck) -> Threshold:
    return url.thresholds.get(RESPONSE_TIME_SIGNAL, DEFAULT_RESPONSE_TIME)


def _groups_key(version: str) -> tuple[str, str]:
    """Top-level keys for host groups and template groups (template groups arrived in 6.2)."""
    return ("groups", "groups") if _before_62(version) else ("host_groups", "template_groups")


def _before_62(version: str) -> bool:
    major, minor = (int(x) for x in version.split(".")[:2])
    return (major, minor) < (6, 2)


def export_version(server_version: str) -> str:
    """The export ``version`` to write for a server: 6.0 rejects newer formats."""
    return "6.0" if _before_62(server_version) else "6.2"


# --------------------------------------------------------------------------- web checks


def _fail_trigger(site: Site, template: str, url: UrlCheck) -> dict[str, Any]:
    """ "<site>: <url> is down", with the reason (``web.test.error``) in the event name.

    One trigger per URL: a wrong status code, missing text, timeout or refused connection all
    fail the scenario (the step lists the expected codes), so the 5xx and "down" cases are one
    problem, one page. ``web.test.error`` is the expression's second item (an always-true
    ``length(...)>=0``) only so ``{ITEM.LASTVALUE2}`` names the reason (Zabbix 6.0: trigger
    ``event_name`` and ``opdata`` resolve ``{ITEM.LASTVALUE<N>}`` of the N-th item).
    """
    n = url.name
    name = f"{site.id}: {n} is down ({url.url})"
    trigger: dict[str, Any] = {
        "uuid": stable_uuid("trigger", template, n, "fail"),
        "expression": f"min(/{template}/web.test.fail[{n}],#2)<>0"
        f" and length(last(/{template}/web.test.error[{n}]))>=0",
        "name": name,
        "event_name": name + ": {ITEM.LASTVALUE2}",
        "opdata": "{ITEM.LASTVALUE2}",
        "priority": "DISASTER",
        "manual_close": "YES",  # so destroy can close an open problem (and resolve its page)
        "description": f"Web scenario {n} of site {site.id} failed. Runbook: {site.runbook_url}",
        "url": site.runbook_url,
        "tags": _tags([*site_tags(site), ("scope", "availability"), ("vigil:signal", "url")]),
    }
    holds = site_down_triggers(site)
    if holds:
        trigger["dependencies"] = holds
    return trigger


def dependency_on(trigger: Mapping[str, Any], host: str | None = None) -> dict[str, str]:
    """How an export names a trigger that another depends on.

    Zabbix 6.0 ``CConfigurationImport::gatherReferences`` finds the trigger by name, expression
    and recovery expression together, so a dependency on a service-down trigger (which has a
    recovery expression, vigil.zabbix.service_recovery) must carry all three. ``host`` replaces
    the ``{T}`` of a service-table trigger.
    """
    ref = {"name": trigger["name"], "expression": trigger["expression"]}
    if trigger.get("recovery_expression"):
        ref["recovery_expression"] = trigger["recovery_expression"]
    if host is not None:
        ref = {k: v.replace("{T}", host) if k != "name" else v for k, v in ref.items()}
    return ref


def site_down_triggers(site: Site) -> list[dict[str, str]]:
    """The service-down triggers of the site's servers, as the URL checks depend on them.

    While nginx (or php-fpm, MySQL…) is down on one of the site's servers, the site's URLs fail
    too; that is one failure, paged once, as the service. A template trigger may depend on
    another host's trigger (Zabbix 6.0 ``CTriggerGeneral::checkDependenciesOfTemplateTriggers``
    refuses only dependencies on parent or child templates and hosts, and host triggers on
    template triggers), written by name and expression as the server host carries it
    (``CConfigurationImport::processTriggerDependencies`` finds it by both). Dependencies
    hold a trigger only while the other is already in problem, so the URL trigger needs two
    failed runs (``min(...,#2)``) and service checks run at least as often as web checks.
    """
    table = service_table()
    out: list[dict[str, str]] = []
    for server in site.servers:
        host = server_host_name(site.id, server)
        if not server.agent:
            agentless = agentless_items(server, host)
            out += [dependency_on(t) for item in agentless for t in item["triggers"]]
            continue
        for service in sorted({canonical_service(s) for s in server.services}):
            for item in table[service]["items"]:
                for t in item.get("triggers", []):
                    if t.get("down"):
                        out.append(dependency_on(t, host))
    # in the order Zabbix exports them (by name, case-insensitively), so compare sees no change
    return sorted(out, key=lambda d: (d["name"].lower(), d["expression"]))


def _agent_trigger(site: Site) -> dict[str, Any] | None:
    """One "agent unreachable" trigger over all of the site's agent servers: one page.

    A per-host trigger gives one Disaster page per silent server (15 servers without an agent
    were 15 pages). This host trigger spans every server host (a trigger may use items of
    several hosts; Zabbix 6.0 manual, "Trigger expression"), so it opens once, and a second
    server going silent while it is open pages no one again. ``nodata`` reads each host's
    ``{$AGENT.NODATA.TIMEOUT}`` (template default 5m, overridable per server).
    """
    hosts = [server_host_name(site.id, s) for s in site.servers if s.agent]
    if not hosts:
        return None
    expression = " or ".join(
        f"nodata(/{h}/agent.ping,{{$AGENT.NODATA.TIMEOUT}})=1" for h in sorted(hosts)
    )
    return {
        "expression": expression,
        "name": f"{site.id}: Zabbix agent unreachable on one or more servers",
        "opdata": "no data for {$AGENT.NODATA.TIMEOUT}",
        "priority": "DISASTER",
        "manual_close": "YES",
        "description": f"No data from the Zabbix agent of at least one of site {site.id}'s "
        f"servers ({', '.join(sorted(hosts))}). Runbook: {site.runbook_url}",
        "url": site.runbook_url,
        "tags": _tags([*site_tags(site), ("scope", "availability"), ("vigil:signal", "agent")]),
    }


def _web_triggers(site: Site, template: str) -> list[dict[str, Any]]:
    triggers: list[dict[str, Any]] = []
    tags = site_tags(site)
    for url in site.urls:
        n = url.name
        fail = _fail_trigger(site, template, url)
        triggers.append(fail)
        down = [dependency_on(fail)]
        time_key = f"web.test.time[{n},{n},resp]"
        levels = response_time(url)
        crit_trigger = None
        for level, value, priority in (
            ("CRIT", levels.critical, "HIGH"),
            ("WARN", levels.warning, "WARNING"),
        ):
            if value is None:
                continue
            macro = f'{{$WEB.TIME.{level}:"{n}"}}'
            trig: dict[str, Any] = {
                "uuid": stable_uuid("trigger", template, n, "time", level),
                "expression": f"avg(/{template}/{time_key},5m)>{macro}",
                "name": f"{site.id}: {n} response time over {macro}s (5m avg)",
                "priority": priority,
                "manual_close": "YES",
                "url": site.runbook_url,
                "tags": _tags([*tags, ("scope", "performance")]),
            }
            if crit_trigger is not None:
                # A slow page is not news while it is already critically slow.
                trig["dependencies"] = [dependency_on(crit_trigger)]
            else:
                trig["dependencies"] = down  # nor while it is down
                crit_trigger = trig
            triggers.append(trig)
    return sorted(triggers, key=lambda t: (t["name"], t["expression"]))


def _httptest(site: Site, template: str, url: UrlCheck, options: RenderOptions) -> dict[str, Any]:
    step: dict[str, Any] = {"name": url.name, "url": url.url}
    if not url.follow_redirects:
        step["follow_redirects"] = "NO"
    if url.timeout_seconds != 15:
        step["timeout"] = f"{url.timeout_seconds}s"
    if url.required_text:
        step["required"] = required_pattern(url.required_text)
    step["status_codes"] = ",".join(str(c) for c in url.expected_status)
    test: dict[str, Any] = {
        "uuid": stable_uuid("httptest", template, url.name),
        "name": url.name,
    }
    if options.check_interval != "1m":
        test["delay"] = options.check_interval
    test.update(
        attempts=str(WEB_STEP_ATTEMPTS),
        verify_peer="YES",  # TLS verified: an expired or wrong certificate is an outage
        verify_host="YES",
        steps=[step],
        tags=_tags([*site_tags(site), ("url", url.url)]),
    )
    return test


def _site_template(site: Site, version: str, options: RenderOptions) -> dict[str, Any]:
    name = site_template_name(site.id)
    macros = {
        "{$WEB.TIME.WARN}": _num(DEFAULT_RESPONSE_TIME.warning or 0),
        "{$WEB.TIME.CRIT}": _num(DEFAULT_RESPONSE_TIME.critical or 0),
    }
    for url in site.urls:
        levels = response_time(url)
        if levels.warning is not None:
            macros[f'{{$WEB.TIME.WARN:"{url.name}"}}'] = _num(levels.warning)
        if levels.critical is not None:
            macros[f'{{$WEB.TIME.CRIT:"{url.name}"}}'] = _num(levels.critical)
    template: dict[str, Any] = {
        "uuid": stable_uuid("template", name),
        "template": name,
        "name": name,
        "description": f"vigil: web checks of site {site.id} ({site.name}). "
        f"Runbook: {site.runbook_url}",
        "groups": [{"name": TEMPLATE_GROUP}],
    }
    if site.urls:
        template["httptests"] = sorted(
            (_httptest(site, name, u, options) for u in site.urls), key=lambda h: h["name"]
        )
    cert_items = _cert_items(site, name, options)
    if cert_items:
        template["items"] = cert_items
        macros.update(CERT_MACROS)
    template["tags"] = _tags(site_tags(site))
    template["macros"] = _macros(macros)
    return template


def tls_endpoints(site: Site) -> dict[tuple[str, int], list[str]]:
    """{(host, port): [URL names]} of the site's https URLs: one certificate check each."""
    found: dict[tuple[str, int], list[str]] = {}
    for url in site.urls:
        parts = urlsplit(url.url)
        if parts.scheme.lower() != "https" or not parts.hostname:
            continue
        found.setdefault((parts.hostname.lower(), parts.port or 443), []).append(url.name)
    return found


def _cert_items(site: Site, template: str, options: RenderOptions) -> list[dict[str, Any]]:
    """Certificate expiry per TLS endpoint, read by Zabbix agent 2.

    ``web.certificate.get[host,port]`` (agent 2's WebCertificate plugin) returns the
    certificate as JSON; a dependent item keeps ``$.x509.not_after.timestamp`` and two triggers
    compare the days left, ``(last(...)-now())/86400``, with ``{$VIGIL.CERT.WARN.DAYS}`` (21,
    WARNING: a low-urgency heads-up) and ``{$VIGIL.CERT.CRIT.DAYS}`` (7, HIGH); WARN waits while
    CRIT fires. The shape of Zabbix's own "Website certificate by Zabbix agent 2" template
    (zabbix/zabbix ``templates/app/certificate_agent2``). An expired or untrusted certificate
    already fails the URL check (scenarios verify TLS).
    """
    if not options.cert_agent:
        return []
    items: list[dict[str, Any]] = []
    for (host, port), names in sorted(tls_endpoints(site).items()):
        endpoint = f"{host}:{port}"
        master = f"web.certificate.get[{host},{port}]"
        expires = f"vigil.cert.expires[{host},{port}]"
        tags = _tags([("component", "tls"), ("vigil:urls", ", ".join(names)[:TAG_VALUE_MAX])])
        items.append(
            {
                "uuid": stable_uuid("item", template, master),
                "name": f"TLS certificate of {endpoint}",
                "key": master,
                "delay": options.cert_interval,
                "history": "1d",
                "trends": "0",
                "value_type": "TEXT",
                "tags": tags,
            }
        )
        triggers = []
        crit = None
        for level, priority in (("CRIT", "HIGH"), ("WARN", "WARNING")):
            macro = f"{{$VIGIL.CERT.{level}.DAYS}}"
            trig: dict[str, Any] = {
                "uuid": stable_uuid("trigger", template, expires, level),
                "expression": f"(last(/{template}/{expires})-now())/86400<{macro}",
                "name": f"{site.id}: TLS certificate of {endpoint} expires in under {macro} days",
                "opdata": "expires {ITEM.LASTVALUE1}",
                "priority": priority,
                "manual_close": "YES",
                "description": f"The certificate served at {endpoint} (URLs {', '.join(names)} "
                f"of site {site.id}) must be renewed. Runbook: {site.runbook_url}",
                "url": site.runbook_url,
                "tags": _tags([*site_tags(site), ("scope", "notice"), ("vigil:signal", "tls")]),
            }
            if crit is not None:
                trig["dependencies"] = [dependency_on(crit)]
            else:
                crit = trig
            triggers.append(trig)
        items.append(
            {
                "uuid": stable_uuid("item", template, expires),
                "name": f"TLS certificate of {endpoint}: expires",
                "type": "DEPENDENT",
                "key": expires,
                "delay": "0",
                "units": "unixtime",
                "preprocessing": [
                    {"type": "JSONPATH", "parameters": ["$.x509.not_after.timestamp"]}
                ],
                "master_item": {"key": master},
                "tags": tags,
                "triggers": sorted(triggers, key=lambda t: t["name"]),
            }
        )
    return sorted(items, key=lambda i: i["key"])


# --------------------------------------------------------------------------- services


def _service_template(service: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A service template and its multi-item triggers (which export at top level)."""
    spec = service_table()[service]
    name = service_template_name(service)
    by_name = _triggers_by_name(spec)
    items = []
    for item in spec["items"]:
        entry: dict[str, Any] = {
            "uuid": stable_uuid("item", name, item["key"]),
            "name": item["name"],
            "key": item["key"],
        }
        for field in ("delay", "value_type", "units"):
            if field in item:
                entry[field] = item[field]
        entry["tags"] = _tags([("component", service)])
        if item.get("triggers"):
            entry["triggers"] = sorted(
                (_trigger(name, t, by_name) for t in item["triggers"]), key=lambda t: t["name"]
            )
        items.append(entry)
    template: dict[str, Any] = {
        "uuid": stable_uuid("template", name),
        "template": name,
        "name": name,
        "description": f"vigil: {spec.get('description', service)}",
        "groups": [{"name": TEMPLATE_GROUP}],
        "items": sorted(items, key=lambda i: i["key"]),
        "tags": _tags([MANAGED_BY, ("vigil:service", service)]),
        "macros": _macros(spec.get("macros", {})),
    }
    top = [_trigger(name, t, by_name) for t in spec.get("triggers", [])]
    return template, top


def _triggers_by_name(spec: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    found = {t["name"]: t for t in spec.get("triggers", [])}
    for item in spec["items"]:
        found.update({t["name"]: t for t in item.get("triggers", [])})
    return found


def _trigger(
    template: str, spec: Mapping[str, Any], by_name: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """A service trigger; ``depends_on`` names a trigger of the same template that, while in
    problem, holds this one (Zabbix 6.0 manual, "Trigger dependencies": a dependent trigger
    does not change state while the trigger it depends on is in PROBLEM) - so one failure is
    one page: a stopped process, not also its closed port; CRIT, not also WARN."""
    expression = spec["expression"].replace("{T}", template)
    trigger: dict[str, Any] = {
        "uuid": stable_uuid("trigger", template, spec["name"]),
        "expression": expression,
        "name": spec["name"],
        "priority": spec["priority"],
        "manual_close": "YES",
    }
    if spec.get("recovery_expression"):  # a service-down trigger: see vigil.zabbix.service_recovery
        trigger["recovery_mode"] = "RECOVERY_EXPRESSION"
        trigger["recovery_expression"] = spec["recovery_expression"].replace("{T}", template)
    parent = spec.get("depends_on")
    if parent:
        trigger["dependencies"] = [dependency_on(by_name[parent], template)]
    return trigger


# --------------------------------------------------------------------------- hosts


def _interface(server: Server) -> dict[str, str]:
    iface: dict[str, str] = {}
    if _is_ip(server.address):
        if server.address != "127.0.0.1":
            iface["ip"] = server.address
    else:
        iface["useip"] = "NO"
        iface["dns"] = server.address
    if server.port != 10050:
        iface["port"] = str(server.port)
    iface["interface_ref"] = "if1"
    return iface


def _agent_interface(address_port: str) -> dict[str, str]:
    """``host:port`` of an agent as an export interface (defaults left out)."""
    address, _, port = address_port.rpartition(":")
    if not address:
        address, port = port, "10050"
    return _interface(Server(name="cert-agent", address=address, services=(), port=int(port)))


def _is_ip(address: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def link_tags(site: Site, options: RenderOptions) -> list[tuple[str, str]]:
    """Host tags every page carries as event tags: the runbook and the Grafana dashboard."""
    links = [("vigil:runbook", site.runbook_url), ("vigil:dashboard", options.dashboard_url)]
    return [(k, v) for k, v in links if v and len(v) <= TAG_VALUE_MAX]


def _hosts(site: Site, options: RenderOptions) -> list[dict[str, Any]]:
    group = client_group(site.client)
    tags = [*site_tags(site), *site.tags.items(), *link_tags(site, options)]
    hosts = []
    if site.urls:
        web: dict[str, Any] = {
            "host": web_host_name(site.id),
            "name": web_host_name(site.id),
            "templates": [{"name": site_template_name(site.id)}],
            "groups": [{"name": group}],
        }
        if options.cert_agent and tls_endpoints(site):
            # certificate checks are agent items: they run on this interface's agent 2
            web["interfaces"] = [_agent_interface(options.cert_agent)]
        web.update(
            description=f"vigil: runs the web scenarios of {site.id}",
            tags=_tags([*tags, ("role", "web-checks")]),
            inventory_mode="DISABLED",
        )
        hosts.append(web)
    hold = recovery_macro(site, options.check_interval)
    for server in site.servers:
        name = server_host_name(site.id, server)
        host: dict[str, Any] = {"host": name, "name": name}
        if server.agent:
            templates = {service_template_name(BASE_SERVICE)}
            templates |= {service_template_name(s) for s in server.services}
            host["templates"] = [{"name": t} for t in sorted(templates)]
        host["groups"] = [{"name": group}]
        host["interfaces"] = [_interface(server)]
        if not server.agent:
            host["items"] = agentless_items(server, name)
        macros = {
            **(agentless_macros(server) if not server.agent else {}),
            **hold,
            **server.macros,
        }
        host["tags"] = _tags([*tags, ("role", "server")])
        if macros:
            host["macros"] = _macros(macros)
        host["inventory_mode"] = "DISABLED"
        hosts.append(host)
    return sorted(hosts, key=lambda h: h["host"])


# --------------------------------------------------------------------------- document


def render_site(
    site: Site, version: str = "6.0", options: RenderOptions = DEFAULT_OPTIONS
) -> dict[str, Any]:
    """The export document (a dict) for one site: groups, templates, hosts, triggers."""
    host_key, template_key = _groups_key(version)
    site_template = _site_template(site, version, options)
    templates = [site_template]
    triggers = _web_triggers(site, site_template["template"])
    for service in site_services(site):
        template, top = _service_template(service)
        templates.append(template)
        triggers.extend(top)
    group_names = {host_key: {client_group(site.client)}}
    group_names.setdefault(template_key, set()).add(TEMPLATE_GROUP)
    export: dict[str, Any] = {"version": export_version(version)}
    for key in ("groups", "template_groups", "host_groups"):
        if key in group_names:
            export[key] = [
                {"uuid": stable_uuid("group", g), "name": g} for g in sorted(group_names[key])
            ]
    export["templates"] = sorted(templates, key=lambda t: t["template"])
    hosts = _hosts(site, options)
    if hosts:
        export["hosts"] = hosts
    agent = _agent_trigger(site)
    if agent:
        triggers.append(agent)
    if triggers:
        export["triggers"] = sorted(triggers, key=lambda t: (t["name"], t["expression"]))
    return {"zabbix_export": export}


DUMP_OPTIONS: dict[str, Any] = {"sort_keys": False, "allow_unicode": True, "width": 1000}
C_SAFE_MAX_LENGTH = 500
"""Strings up to this length are emitted alike by libyaml and PyYAML's emitter (longer ones
may be folded differently, as may be anything near ``width``)."""
_C_DUMPER: Any = getattr(yaml, "CSafeDumper", None)  # PyYAML built without libyaml: none


def _c_safe_text(text: str) -> bool:
    return len(text) <= C_SAFE_MAX_LENGTH and text.isascii() and text.isprintable()


def c_dumpable(document: Any) -> bool:
    """Whether libyaml's emitter (``yaml.CSafeDumper``) writes ``document`` byte for byte as
    PyYAML's own (``yaml.safe_dump``) does: only plain data whose strings are short, printable
    ASCII, with no empty key. Outside that the two emitters differ (libyaml escapes characters
    beyond the BMP and NEL even with ``allow_unicode``, quotes tabs and folds long scalars its
    own way, writes an empty key as ``''`` rather than ``? ''``), so `dump` keeps PyYAML's.
    The SafeRepresenter (which picks tags and styles) is the same Python code in both dumpers;
    only the emitter differs. `tests/zabbix/test_render.py` compares the two."""
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if not _c_safe_text(node):
                return False
        elif isinstance(node, dict):
            for key, value in node.items():
                if not isinstance(key, str) or not key or not _c_safe_text(key):
                    return False
                stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)
        elif node is not None and not isinstance(node, bool | int | float):
            return False
    return True


def dump(document: Mapping[str, Any]) -> str:
    """YAML text of an export document, stable byte for byte: ``yaml.safe_dump``'s text,
    through libyaml's emitter where it writes the same (`c_dumpable`: ~6x faster, the bulk of
    a plan's Zabbix cost)."""
    data = dict(document)
    if _C_DUMPER is not None and c_dumpable(data):
        return yaml.dump(data, Dumper=_C_DUMPER, **DUMP_OPTIONS)
    return yaml.safe_dump(data, **DUMP_OPTIONS)


def render_site_yaml(
    site: Site, version: str = "6.0", options: RenderOptions = DEFAULT_OPTIONS
) -> str:
    return dump(render_site(site, version, options))
