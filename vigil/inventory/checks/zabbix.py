"""Site file checks the Zabbix side needs: server macro overrides and web check timing.

Why here: a macro override no template defines, or a response-time threshold the URL's
timeout makes unreachable, imports fine and silently never pages; ``vigil validate`` must say
so at the line (rule sources: the service table, vigil/zabbix/data/service_templates.yaml;
Zabbix 6.0 web scenarios stop waiting at the step timeout and fail the step, so
``web.test.time`` never exceeds it; a step's ``required`` pattern is at most 255 characters,
``vigil.zabbix.field_limits``).
"""

from __future__ import annotations

from collections.abc import Iterator

from vigil.catalog import url as url_catalog
from vigil.inventory.problems import Problem, did_you_mean
from vigil.inventory.yaml_source import Source
from vigil.zabbix.agentless import PORT_INTERVAL_MACRO
from vigil.zabbix.field_limits import REQUIRED_MAX
from vigil.zabbix.render import required_pattern
from vigil.zabbix.service_templates import BASE_SERVICE, canonical_service, service_table

DEFAULT_TIMEOUT = 10
RESPONSE_TIME = url_catalog.RESPONSE_TIME.key


def service_macros(services: list[str] | tuple[str, ...]) -> set[str]:
    """Macros the templates of these services (plus the Linux basics) define."""
    table = service_table()
    names = {BASE_SERVICE, *(canonical_service(s) for s in services)}
    return {m for n in names for m in table[n].get("macros", {})}


def site_problems(src: Source) -> Iterator[Problem]:
    doc = src.data
    for index, server in enumerate(doc.get("servers") or ()):
        known = service_macros(server.get("services") or ())
        if server.get("agent") is False:
            known.add(PORT_INTERVAL_MACRO)  # the interval of its simple port checks
        for macro in server.get("macros") or {}:
            if macro not in known:
                hint = did_you_mean(macro, sorted(known))
                yield src.problem(
                    ("servers", index, "macros", macro),
                    f"macro {macro} is not used by the templates of this server's services "
                    f"({', '.join(server.get('services') or ()) or 'none'}){hint}",
                    at_key=True,
                )
    for index, url in enumerate(doc.get("urls") or ()):
        text = url.get("required_text")
        escaped = len(required_pattern(text)) if isinstance(text, str) else 0
        if escaped > REQUIRED_MAX:
            yield src.problem(
                ("urls", index, "required_text"),
                f"is {escaped} characters once its regular-expression "
                f"characters are escaped for Zabbix, over the {REQUIRED_MAX} Zabbix keeps "
                "(httpstep.required); shorten it to a distinctive phrase",
            )
        timeout = url.get("timeout_seconds", DEFAULT_TIMEOUT)
        levels = (url.get("thresholds") or {}).get(RESPONSE_TIME) or {}
        for level in ("warning", "critical"):
            value = levels.get(level)
            if isinstance(value, (int, float)) and value >= timeout:
                yield src.problem(
                    ("urls", index, "thresholds", RESPONSE_TIME, level),
                    f"{level} response time {value:g}s is not below the URL's timeout "
                    f"({timeout}s): the check fails at the timeout, so this can never fire; "
                    "lower it or raise timeout_seconds",
                )
