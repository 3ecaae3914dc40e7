"""Close open problems before vigil deletes the hosts or triggers they belong to.

Why: deleting a host or trigger with an open problem sends no recovery (Zabbix 6.0: the
problem's events go with the trigger), so its PagerDuty incident stays open for ever. vigil's
triggers allow manual close (``manual_close: YES``); closing a problem through
``event.acknowledge`` (action 1 = close) makes the server generate the recovery event and run
the action's recovery operation (vigil's webhook sends "resolve"). Deletion then waits,
bounded, until the server has closed the problems and sent (or given up on) the resolves.

Two callers: deleting hosts (destroy, a server removed) closes every open problem of those
hosts; an update closes the problems of the triggers the new export drops (a URL removed, a
service dropped), found with :mod:`vigil.zabbix.kept_triggers`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from typing import Any

from vigil.zabbix.api import ZabbixSession
from vigil.zabbix.kept_triggers import KeptTriggers, kept_triggers

CLOSE = 1
"""``event.acknowledge`` action bit: close problem (Zabbix 6.0 API, event.acknowledge)."""
ALERT_NOT_SENT = "0"
WAIT_SECONDS = 60.0
ROUNDS = 4
"""A dropped trigger whose check still runs (a service trigger, or a web scenario before the
server reloads its held delay) can fire again between the close and the import; problems
still open are closed again, at most this many times."""
HOLD_DELAY = "1d"

Sleep = Callable[[float], None]
_FUNCTION_REF = re.compile(r"\{(\d+)\}")
TRIGGER_IDENTITY = ["triggerid", "description", "expression", "recovery_expression", "templateid"]
"""What tells an import which trigger an open problem belongs to (vigil.zabbix.kept_triggers)."""


def export_expression(trigger: Mapping[str, Any], field: str = "expression") -> str:
    """A trigger's expression (or ``recovery_expression``) as an export writes it
    (``last(/host/key)<>0``).

    The API stores ``{functionid}`` references (``{32804}<>0``); each function has a name and a
    parameter whose leading ``$`` stands for the item. ``expandExpression`` would also resolve
    user macros, which the export keeps, so the reference is rebuilt from the functions.
    """
    hosts = {h["hostid"]: h["host"] for h in trigger.get("hosts", [])}
    items = {i["itemid"]: i for i in trigger.get("items", [])}
    functions = {f["functionid"]: f for f in trigger.get("functions", [])}

    def call(match: re.Match[str]) -> str:
        fn = functions.get(match.group(1))
        if fn is None or fn["itemid"] not in items:
            return match.group(0)  # unknown: no export matches it, so its problem is closed
        item = items[fn["itemid"]]
        ref = f"/{hosts.get(item['hostid'], '?')}/{item['key_']}"
        return f"{fn['function']}({ref}{fn['parameter'][1:]})"

    return _FUNCTION_REF.sub(call, trigger.get(field, ""))


def close_open_problems(
    s: ZabbixSession,
    hostids: list[str],
    what: str,
    *,
    wait: float = WAIT_SECONDS,
    sleep: Sleep = time.sleep,
) -> list[str]:
    """Close the open problems of ``hostids``; returns their event ids (empty: nothing open)."""
    if not hostids:
        return []
    open_ = s.call(
        "problem.get", {"hostids": hostids, "output": ["eventid"]}, what=f"open problems of {what}"
    )
    eventids = [p["eventid"] for p in open_]
    close_events(s, eventids, what, wait=wait, sleep=sleep)
    return eventids


def close_events(
    s: ZabbixSession, eventids: list[str], what: str, *, wait: float, sleep: Sleep
) -> None:
    """Close problem events and wait (bounded) until their resolves have been sent."""
    if not eventids:
        return
    s.call(
        "event.acknowledge",
        {"eventids": eventids, "action": CLOSE, "message": "closed by vigil: object deleted"},
        what=f"closing the open problems of {what}",
        hint="vigil's triggers allow manual close; check the API user may close problems",
    )
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        events = s.call(
            "event.get",
            {"eventids": eventids, "output": ["eventid", "r_eventid"]},
            what=f"problems of {what}",
        )
        recoveries = [e["r_eventid"] for e in events if e.get("r_eventid") not in (None, "0")]
        if len(recoveries) == len(eventids):
            alerts = s.call(
                "alert.get",
                {"eventids": recoveries, "output": ["alertid", "status"]},
                what=f"resolves of {what}",
            )
            if alerts and all(a["status"] != ALERT_NOT_SENT for a in alerts):
                return
        sleep(1.0)


def _hold_dropped_scenarios(
    s: ZabbixSession, hostids: list[str], kept: KeptTriggers, what: str
) -> None:
    """Push the next run of the web scenarios the export drops a day away.

    A closed problem comes back at the scenario's next failed run, and that page would be lost
    with the trigger. Disabling the scenario is no way out: the server closes a problem only
    while its trigger's items are enabled (a close of a disabled scenario's problem never
    completes; seen with 6.0.14). An inherited scenario accepts a new ``delay`` (Zabbix 6.0
    ``CHttpTest::validateUpdate`` refuses only ``name`` and step names; ``delay`` is 1 s-1 d),
    so it stays enabled and closable but stops running once the server reloads its
    configuration; a problem reopened before that is closed again by the caller.
    """
    found = s.call(
        "httptest.get",
        {"hostids": hostids, "output": ["httptestid", "name", "delay"], "selectHosts": ["host"]},
        what=f"web scenarios of {what}",
    )
    going = [
        {"httptestid": t["httptestid"], "delay": HOLD_DELAY}
        for t in found
        if t.get("delay") != HOLD_DELAY
        and not any((h["host"], t["name"]) in kept.scenarios for h in t.get("hosts", []))
    ]
    if going:
        s.call("httptest.update", going, what=f"web scenarios {what} drops")


def _dropped(
    s: ZabbixSession, problems: list[Mapping[str, Any]], kept: KeptTriggers, what: str
) -> dict[str, str]:
    """{eventid: triggerid} of the problems whose trigger the export no longer has."""
    triggerids = sorted({p["objectid"] for p in problems})
    triggers = s.call(
        "trigger.get",
        {
            "triggerids": triggerids,
            "output": TRIGGER_IDENTITY,
            "selectHosts": ["hostid", "host"],
            "selectItems": ["itemid", "key_", "hostid"],
            "selectFunctions": "extend",  # a field list drops "function" (6.0.14)
        },
        what=f"triggers with open problems of {what}",
    )
    parents = sorted({t["templateid"] for t in triggers if t.get("templateid") not in (None, "0")})
    uuids: dict[str, str] = {}
    if parents:
        found = s.call(
            "trigger.get",
            {"triggerids": parents, "output": ["triggerid", "uuid"]},
            what=f"template triggers of {what}",
        )
        uuids = {t["triggerid"]: t["uuid"] for t in found}
    going = {
        t["triggerid"]
        for t in triggers
        if not any(
            kept.keeps(
                h["host"],
                parent_uuid=uuids.get(t.get("templateid") or ""),
                name=t["description"],
                expression=export_expression(t),
                recovery_expression=export_expression(t, "recovery_expression"),
            )
            for h in t.get("hosts", [])
        )
    }
    return {p["eventid"]: p["objectid"] for p in problems if p["objectid"] in going}


def close_dropped_problems(
    s: ZabbixSession,
    hostids: list[str],
    export_yaml: str,
    what: str,
    *,
    wait: float = WAIT_SECONDS,
    sleep: Sleep = time.sleep,
) -> list[str]:
    """Before an update's import: close the open problems of triggers the export drops.

    One ``problem.get`` when nothing is open (the usual update); returns the closed event ids.
    """
    if not hostids:
        return []
    problems = s.call(
        "problem.get",
        {"hostids": hostids, "output": ["eventid", "objectid"]},
        what=f"open problems of {what}",
    )
    if not problems:
        return []
    kept = kept_triggers(export_yaml)
    dropped = _dropped(s, problems, kept, what)
    if dropped:
        _hold_dropped_scenarios(s, hostids, kept, what)
    closed: list[str] = []
    for _ in range(ROUNDS):
        if not dropped:
            break
        close_events(s, sorted(dropped), what, wait=wait, sleep=sleep)
        closed += sorted(dropped)
        again = s.call(
            "problem.get",
            {"objectids": sorted(set(dropped.values())), "output": ["eventid", "objectid"]},
            what=f"problems of {what} opened again",
        )
        dropped = {p["eventid"]: p["objectid"] for p in again}
    return closed
