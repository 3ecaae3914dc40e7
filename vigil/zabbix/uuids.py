"""Deterministic version-4 UUIDs, so re-rendering a site gives byte-identical exports.

Zabbix (6.0+) requires a real v4 UUID on templates, items, triggers, web scenarios and groups
and uses it to match objects on import; random UUIDs would make every render a change.
"""

from __future__ import annotations

import hashlib
import uuid


def stable_uuid(*parts: str) -> str:
    """The v4 UUID (32 hex digits, Zabbix export form) derived from ``parts``."""
    name = "\x1f".join(parts)
    digest = hashlib.md5(name.encode("utf-8"), usedforsecurity=False).digest()
    return uuid.UUID(bytes=digest, version=4).hex
