"""Servers without a Zabbix agent: the server checks each service's port itself.

``net.tcp.service[tcp,,<port>]`` is a simple check (Zabbix 6.0 manual, "Simple checks"): 1 when
the port accepts a TCP connection, 0 otherwise, run by the Zabbix server against the host's
interface address. Its trigger is a service-down trigger: the site's URL checks wait on it.

Timing, so that one failure is one page: a dependency holds the URL trigger only once this
trigger is already in PROBLEM (Zabbix 6.0 manual, "Trigger dependencies"), and the URL trigger
fires at its second failed run, at the soonest one web interval (1 m) after the port closed.
``PORT_MISSES`` refused connections ``{$VIGIL.PORT.INTERVAL}`` apart take at most
``PORT_MISSES × interval`` = 45 s, so the port is the page. Three misses, not one, because a
connection from the server can fail once on a busy network without the service being down.
Recovery is held like every service-down trigger's (vigil.zabbix.service_recovery).
"""

from __future__ import annotations

from typing import Any

from vigil.models import Server
from vigil.zabbix.service_recovery import recovery_expression
from vigil.zabbix.service_templates import canonical_service, service_table

PORT_INTERVAL_MACRO = "{$VIGIL.PORT.INTERVAL}"
PORT_INTERVAL = "15s"
PORT_MISSES = 3


def port_macros(server: Server) -> dict[str, tuple[str, str]]:
    """{macro: (service, default port)} of the ports the server's services listen on."""
    table = service_table()
    found: dict[str, tuple[str, str]] = {}
    for service in sorted({canonical_service(s) for s in server.services}):
        for macro, value in table[service].get("macros", {}).items():
            if macro.endswith(".PORT}"):
                found[macro] = (service, str(value))
    return found


def agentless_macros(server: Server) -> dict[str, str]:
    """The host macros the simple checks read: the ports' defaults and the check interval."""
    ports = {m: v for m, (_s, v) in port_macros(server).items()}
    return {**ports, PORT_INTERVAL_MACRO: PORT_INTERVAL} if ports else {}


def agentless_items(server: Server, host: str) -> list[dict[str, Any]]:
    """One simple check per service port, with its service-down trigger (see module)."""
    items = []
    for macro, (service, _port) in sorted(port_macros(server).items()):
        key = f"net.tcp.service[tcp,,{macro}]"
        items.append(
            {
                "name": f"{service} port {macro} reachable from Zabbix",
                "type": "SIMPLE",
                "key": key,
                "delay": PORT_INTERVAL_MACRO,
                "tags": [{"tag": "component", "value": service}],
                "interface_ref": "if1",
                "triggers": [
                    {
                        "expression": f"max(/{host}/{key},#{PORT_MISSES})=0",
                        "name": f"{service} is not accepting connections on port {macro}",
                        "priority": "DISASTER",
                        "manual_close": "YES",
                        "recovery_mode": "RECOVERY_EXPRESSION",
                        "recovery_expression": recovery_expression(f"/{host}/{key}", "=1"),
                    }
                ],
            }
        )
    return items
