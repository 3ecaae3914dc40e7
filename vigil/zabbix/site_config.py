"""The ``config`` kind: a site's templates, hosts and web scenarios, from one export document.

Why this shape: one ``configuration.import`` writes the whole site, but it overwrites any object
of the same name, so every write (create *and* update) first runs
:func:`vigil.zabbix.ownership.check_owned` on every object the document names. Ids of what
vigil wrote are kept in the outputs (``object_ids``), which is how ownership survives a hand
edit of an object's tags. Drift is computed the same way for ``diff`` and ``read``: templates
with ``configuration.importcompare``, hosts with ``configuration.export`` (6.0's importcompare
does not cover hosts).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import yaml

from vigil.zabbix.api import ZabbixSession
from vigil.zabbix.drift import compare_changes, export_changes, sha
from vigil.zabbix.ownership import check_owned, service_marker, site_marker, split_owned
from vigil.zabbix.problems import close_open_problems
from vigil.zabbix.render import TEMPLATE_GROUP, client_group

MARKER_TEXT = "'managed-by: vigil' and 'vigil:site' (or 'vigil:service') tags"
OUT_KEYS = (
    "kind",
    "site",
    "client",
    "url",
    "template_name",
    "host_names",
    "web_scenarios",
    "service_templates",
    "export",
)


def _site_names(props: Mapping[str, Any]) -> list[str]:
    return [props["template_name"], *props["host_names"]]


def _all_names(props: Mapping[str, Any]) -> list[str]:
    return [*_site_names(props), *props.get("service_templates", [])]


def _find(s: ZabbixSession, site: str, names: list[str]) -> list[dict[str, Any]]:
    return list(
        s.call(
            "host.get",
            {
                "filter": {"host": names},
                "templated_hosts": True,
                "output": ["hostid", "host", "status"],
                "selectTags": ["tag", "value"],
            },
            what=f"site {site} hosts and templates",
        )
    )


def _marker(props: Mapping[str, Any]) -> Any:
    site_names = set(_site_names(props))
    is_site = site_marker(props["site"])
    return lambda obj: is_site(obj) if obj["host"] in site_names else service_marker(obj)


def claim(
    s: ZabbixSession, props: Mapping[str, Any], recorded: Mapping[str, str]
) -> dict[str, str]:
    """{name: id} of the existing objects the import will write; refuses foreign ones."""
    return check_owned(
        f"site {props['site']}",
        _find(s, props["site"], _all_names(props)),
        id_key="hostid",
        name_key="host",
        recorded=recorded,
        marker=_marker(props),
        marker_text=MARKER_TEXT,
    )


def _import(s: ZabbixSession, props: Mapping[str, Any]) -> None:
    s.call(
        "configuration.import",
        {"format": "yaml", "source": props["export"], "rules": s.features.import_rules()},
        what=f"site {props['site']} (template {props['template_name']})",
        hint="the rendered export is in the resource's `export` input; import it by hand "
        "in the Zabbix UI to see the failing object, fix the inventory, and re-run",
    )


def write(
    s: ZabbixSession,
    props: Mapping[str, Any],
    recorded: Mapping[str, str],
    before_import: Callable[[Mapping[str, str]], Any] | None = None,
) -> dict:
    """Create or update the site (ownership checked first); returns ``object_ids``.

    ``before_import`` gets the {name: id} of the existing objects once they are known to be
    vigil's (an update closes the problems of triggers the import will drop there).
    """
    ids = claim(s, props, recorded)
    if before_import is not None:
        before_import(ids)
    _import(s, props)
    names = _all_names(props)
    if set(names) - set(ids):
        found = _find(s, props["site"], names)
        ids.update({o["host"]: o["hostid"] for o in found})
    return {n: ids[n] for n in sorted(ids) if n in names}


def owned_site_objects(
    s: ZabbixSession, props: Mapping[str, Any], names: list[str]
) -> dict[str, str]:
    """{name: id} of vigil's objects among ``names`` (foreign ones are left alone)."""
    owned, _ = split_owned(
        _find(s, props["site"], names),
        id_key="hostid",
        name_key="host",
        recorded=props.get("object_ids") or {},
        marker=site_marker(props["site"]),
    )
    return owned


def outputs(
    props: Mapping[str, Any], version: str, ids: Mapping[str, str], drift: list[str]
) -> dict[str, Any]:
    outs = {k: props.get(k) for k in OUT_KEYS}
    outs.update(
        export_sha=sha(props["export"]), zabbix_version=version, object_ids=dict(ids), drift=drift
    )
    return outs


def drift(s: ZabbixSession, props: Mapping[str, Any], recorded: Mapping[str, str]) -> list[str]:
    """Every difference between Zabbix and the export, named per object and field."""
    site = props["site"]
    compare = s.call(
        "configuration.importcompare",
        {"format": "yaml", "source": props["export"], "rules": s.features.import_rules()},
        what=f"site {site} (template {props['template_name']})",
    )
    out = compare_changes(compare)
    wanted = yaml.safe_load(props["export"])["zabbix_export"].get("hosts", [])
    found = _find(s, site, [*_site_names(props)])
    owned, foreign = split_owned(
        found, id_key="hostid", name_key="host", recorded=recorded, marker=site_marker(site)
    )
    out += [f"{n}: replaced by an object vigil does not own" for n in foreign]
    if props["template_name"] not in owned and props["template_name"] not in foreign:
        out.append(f"template {props['template_name']}: missing")
    host_ids = [owned[h["host"]] for h in wanted if h["host"] in owned]
    have: list[dict[str, Any]] = []
    if host_ids:
        exported = s.call(
            "configuration.export",
            {"format": "json", "options": {"hosts": host_ids}},
            what=f"site {site} hosts",
        )
        have = json.loads(exported)["zabbix_export"].get("hosts", [])
    wanted_here = [h for h in wanted if h["host"] not in foreign]
    out += export_changes("host", have, wanted_here, "host")
    return sorted(set(out))


def delete(s: ZabbixSession, props: Mapping[str, Any]) -> None:
    """Remove the site's hosts and template that vigil owns; nothing else."""
    owned = owned_site_objects(s, props, _site_names(props))
    template = props["template_name"]
    hosts = [oid for name, oid in owned.items() if name != template]
    if hosts:
        close_open_problems(s, hosts, f"site {props['site']}")
        s.call("host.delete", hosts, what=f"site {props['site']} hosts")
    if template in owned:
        s.call("template.delete", [owned[template]], what=f"site {props['site']} template")
    delete_unused_shared(s, props, list(props.get("service_templates") or []), groups=True)


def delete_unused_shared(
    s: ZabbixSession, props: Mapping[str, Any], names: list[str], *, groups: bool
) -> None:
    """Service templates and groups vigil made, once no host or template uses them.

    They are shared between sites (of this and other stacks), so "unused" is asked of Zabbix:
    a service template linked to no host, a ``vigil/<client>`` or ``Templates/vigil`` group
    holding nothing. Only objects with vigil's marker (tags) or vigil's group names qualify.
    """
    site = props["site"]
    if names:
        found = s.call(
            "template.get",
            {
                "filter": {"host": names},
                "output": ["templateid", "host"],
                "selectTags": ["tag", "value"],
                "selectHosts": ["hostid"],
                "selectTemplates": ["templateid"],
            },
            what=f"service templates of {site}",
        )
        unused = [
            t["templateid"]
            for t in found
            if service_marker(t) and not t.get("hosts") and not t.get("templates")
        ]
        if unused:
            s.call("template.delete", unused, what=f"unused service templates after {site}")
    group_names = [client_group(props["client"]), TEMPLATE_GROUP] if props.get("client") else []
    if groups and group_names:
        found = s.call(
            "hostgroup.get",
            {
                "filter": {"name": group_names},
                "output": ["groupid", "name"],
                "selectHosts": "count",
                "selectTemplates": "count",
            },
            what=f"groups of {site}",
        )
        empty = [
            g["groupid"]
            for g in found
            if int(g.get("hosts") or 0) == 0 and int(g.get("templates") or 0) == 0
        ]
        if empty:
            s.call("hostgroup.delete", empty, what=f"empty vigil groups after {site}")
