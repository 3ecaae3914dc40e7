"""How long a stopped service must be back before its "down" trigger resolves.

A site's URL checks depend on the service-down triggers of its servers (nginx, php-fpm,
MySQL… is not running), so a stopped service is one page, not one per URL. A dependency holds
the URL trigger only while the service trigger is in PROBLEM (Zabbix 6.0 manual, "Trigger
dependencies"), and Zabbix evaluates the URL trigger whenever a web value arrives, in whatever
order its history syncers process them. So at recovery a web run measured while the service was
down, processed just after the service trigger resolved, found two failed runs
(``min(...,#2)<>0``) with nothing holding it any more: a second page, for an outage already
over (seen in the one-page fire drill).

The cure is hysteresis on the service trigger: its ``recovery_expression`` is
``min(<item>,{$VIGIL.SERVICE.RECOVERY})>0`` (Zabbix 6.0 manual, "Trigger configuration",
OK event generation "Recovery expression": the problem ends only when the problem expression
is false *and* the recovery expression true), so it stays in PROBLEM until the service has been
up for that long. The window covers the longest a web run of the site can overlap the
recovery: one scenario interval until the next run starts, every step attempt of the run before
it timing out (``attempts`` 2, Zabbix 6.0 manual, "Web scenario": a step is attempted again on
network errors), and slack for pollers and history syncers. By then a run that started after the
service came back has been processed; if it failed too, the site is still down for another
reason and pages once the service trigger no longer holds it.
"""

from __future__ import annotations

import re

from vigil.models import Site

RECOVERY_MACRO = "{$VIGIL.SERVICE.RECOVERY}"
WEB_STEP_ATTEMPTS = 2
"""``attempts`` of every vigil web scenario (vigil.zabbix.render._httptest)."""
PROCESSING_SLACK_S = 30
"""Poller start delay and history sync (1 s per syncer pass) on a busy server, with margin."""

_SUFFIX_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_TIME = re.compile(r"(\d+)([smhdw]?)")


def zabbix_seconds(value: str) -> int:
    """Seconds of a Zabbix time value with an optional suffix (``30s``, ``1m``, ``90``).

    Zabbix 6.0 manual, "Time suffixes": s, m, h, d, w; a bare number is seconds.
    """
    match = _TIME.fullmatch(value.strip())
    if not match:
        raise ValueError(f"not a Zabbix time value with a suffix (s, m, h, d, w): {value!r}")
    return int(match.group(1)) * _SUFFIX_SECONDS[match.group(2)]


def recovery_window_seconds(site: Site, check_interval: str) -> int:
    """The site's ``{$VIGIL.SERVICE.RECOVERY}``: its web runs cannot outlast it (see module)."""
    longest_run = WEB_STEP_ATTEMPTS * max((u.timeout_seconds for u in site.urls), default=0)
    return zabbix_seconds(check_interval) + longest_run + PROCESSING_SLACK_S


def recovery_expression(item: str, up: str) -> str:
    """The item (``/host/key``) has been ``up`` (``>0``, ``=1``) for the whole hold window."""
    return f"min({item},{RECOVERY_MACRO}){up}"


def recovery_macro(site: Site, check_interval: str) -> dict[str, str]:
    """The host macro every server host of the site carries, in Zabbix's seconds form."""
    return {RECOVERY_MACRO: f"{recovery_window_seconds(site, check_interval)}s"}
