"""Lengths Zabbix 6.0 keeps for the fields vigil writes from inventory values.

Source: Zabbix 6.0's database schema (``schema.sql`` of the zabbix-server package, e.g. Debian's
``/usr/share/zabbix-server-pgsql/schema.sql.gz``); the API refuses a longer value ('value is
too long for field ...') and ``configuration.import`` fails the whole site. A test compares
this table with the installed schema, so a Zabbix upgrade that changes a column shows here.
The inventory schema and ``vigil validate`` enforce them at the line, before anything is
provisioned.
"""

from __future__ import annotations

from collections.abc import Mapping

from vigil.models import frozen_map

LIMITS: Mapping[tuple[str, str], int] = frozen_map({
    ("httptest", "name"): 64,  # a web scenario: the URL's name (a slug of at most 63)
    ("httpstep", "name"): 64,  # its one step: the URL's name again
    ("httpstep", "url"): 2048,  # urls[].url, the step's URL
    ("httptest_tag", "value"): 255,  # urls[].url again, as the scenario's "url" tag
    ("httpstep", "required"): 255,  # urls[].required_text, escaped (render.required_pattern)
    ("triggers", "url"): 255,  # runbook_url, on every trigger vigil creates
})  # fmt: skip
"""(table, column) → the ``varchar`` length."""

REQUIRED_MAX = LIMITS["httpstep", "required"]
URL_MAX = min(LIMITS["httpstep", "url"], LIMITS["httptest_tag", "value"])
"""A URL is also the value of its web scenario's ``url`` tag: 255 binds, not the step's 2,048
(and AWS keeps a tag value in 256: the Route 53 health check's ``vigil:url`` tag)."""
TRIGGER_URL_MAX = LIMITS["triggers", "url"]
