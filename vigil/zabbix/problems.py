"""Close open problems before vigil deletes the hosts they belong to, so their pages resolve.

Why: deleting a host or trigger with an open problem sends no recovery (Zabbix 6.0: the
problem's events go with the trigger), so its PagerDuty incident stays open for ever. vigil's
triggers allow manual close (``manual_close: YES``); closing a problem through
``event.acknowledge`` (action 1 = close) makes the server generate the recovery event and run
the action's recovery operation (vigil's webhook sends "resolve"). Deletion then waits,
bounded, until the server has closed the problems and sent (or given up on) the resolves.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from vigil.zabbix.api import ZabbixSession

CLOSE = 1
"""``event.acknowledge`` action bit: close problem (Zabbix 6.0 API, event.acknowledge)."""
ALERT_NOT_SENT = "0"
WAIT_SECONDS = 60.0


def close_open_problems(
    s: ZabbixSession,
    hostids: list[str],
    what: str,
    *,
    wait: float = WAIT_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> list[str]:
    """Close the open problems of ``hostids``; returns their event ids (empty: nothing open)."""
    if not hostids:
        return []
    open_ = s.call(
        "problem.get", {"hostids": hostids, "output": ["eventid"]}, what=f"open problems of {what}"
    )
    eventids = [p["eventid"] for p in open_]
    if not eventids:
        return []
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
                break
        sleep(1.0)
    return eventids
