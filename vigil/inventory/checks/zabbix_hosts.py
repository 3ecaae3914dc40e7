"""Zabbix host names the inventory produces: within Zabbix's length, and unique on the server.

vigil names a site's hosts with ``vigil.naming`` (the function ``vigil.zabbix.render`` uses):
``{site}-web`` for the web scenarios (when the site has URLs) and ``{site}-{server}`` for each
server. Two different inputs can meet in one name — site ``acme`` server ``shop-db`` and site
``acme-shop`` server ``db``; a server named ``web`` next to a site's URLs — and Zabbix keeps one
host per technical name, so the second import would take over the first site's host and its
pages. Each such name is reported at both places, before anything is provisioned.

The inventory does not say which stack (and so which Zabbix server) a site goes to, so names
are checked across the whole inventory: unique there means unique on every server.

Rules (Zabbix 6.0; both pinned against the real server by tests/zabbix/test_host_name_rules.py):
- a host's technical name is at most 128 characters: ``hosts.host`` is ``varchar(128)``
  (``MAX_ZBX_HOSTNAME_LEN 128``, include/common.h; Zabbix 6.0 manual, Appendix → Zabbix agent
  (UNIX), ``Hostname``: "Maximum length: 128 characters"); the API answers 'Value ... is too
  long for field "host" - 129 characters. Allowed length is 128 characters';
- it is unique per server: ``host.create`` answers 'Host with the same name "…" already
  exists', and ``configuration.import`` (how vigil creates hosts) updates that host instead
  (Zabbix 6.0 manual, API → host.create; XML export/import → hosts).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from vigil import naming
from vigil.inventory.problems import Path, Problem
from vigil.inventory.yaml_source import Source

HOST_NAME_MAX = 128


def _hosts(src: Source) -> Iterator[tuple[str, str, Path]]:
    """(host name, what it monitors, inventory path) of every Zabbix host of one site file."""
    data = src.data if isinstance(src.data, dict) else {}
    site_id = data.get("id")
    if not isinstance(site_id, str) or not site_id:
        return
    if data.get("urls"):
        yield naming.zabbix_web_host(site_id), f"the web checks of site '{site_id}'", ("urls",)
    servers = data.get("servers")
    # a wrong type (``servers: true``) is the schema's error to report, not a crash here
    for index, server in enumerate(servers if isinstance(servers, list) else ()):
        name = server.get("name") if isinstance(server, dict) else None
        if isinstance(name, str) and name:
            host = naming.zabbix_server_host(site_id, name)
            yield host, f"server '{name}' of site '{site_id}'", ("servers", index, "name")


def zabbix_host_problems(sites: Iterable[Source]) -> list[Problem]:
    """Every host name over Zabbix's length, and every name two owners share (both places)."""
    problems: list[Problem] = []
    first: dict[str, tuple[str, Source, Path]] = {}
    for src in sites:
        for host, owner, path in _hosts(src):
            if len(host) > HOST_NAME_MAX:
                problems.append(
                    src.problem(
                        path,
                        f"Zabbix host name '{host}' of {owner} is {len(host)} characters; "
                        f"Zabbix 6.0 allows {HOST_NAME_MAX}: shorten the site id or server name",
                    )
                )
                continue
            if host not in first:
                first[host] = (owner, src, path)
                continue
            other, other_src, other_path = first[host]
            here = f"{src.file}:{src.locate(path)[0]}"
            there = f"{other_src.file}:{other_src.locate(other_path)[0]}"
            for at, at_path, mine, theirs, where in (
                (src, path, owner, other, there),
                (other_src, other_path, other, owner, here),
            ):
                problems.append(
                    at.problem(
                        at_path,
                        f"Zabbix host '{host}' of {mine} is also the host of {theirs} ({where}); "
                        "Zabbix keeps one host per name: rename one of them",
                    )
                )
    return problems
