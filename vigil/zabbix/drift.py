"""What differs between an object in Zabbix and what vigil wants it to be, named per object.

Why here, apart from the provider: ``diff`` (so ``pulumi preview`` and ``up`` see drift) and
``read`` (refresh) must report the same drift, and each message must say which object and
which field moved ("host acme-web1: status is DISABLED, want ENABLED"), never ``added: ?``.
Two comparisons cover everything vigil writes:

- export documents (templates, hosts, media types) in Zabbix's export form, compared after
  :func:`normalise`; Zabbix 6.0's ``configuration.importcompare`` covers templates only
  (not hosts, and returns nothing for media types), so hosts and the media type are exported
  with ``configuration.export`` and compared here;
- API objects (routing user, user group, action) compared on the fields vigil sets
  (:func:`field_changes`), so fields Zabbix adds on its own (ids, defaults) are not drift.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

LABEL_KEYS = ("template", "host", "key", "name", "expression", "macro", "tag")
LONG = 60
"""Values longer than this (scripts, descriptions) are reported as changed, not quoted."""


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def normalise(value: Any) -> Any:
    """Zabbix's export form, order-free: lists sorted, empty values dropped, numbers as text."""
    if isinstance(value, Mapping):
        return {k: normalise(v) for k, v in sorted(value.items()) if v not in ("", [], {}, None)}
    if isinstance(value, list):
        items = [normalise(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def label(obj: Any) -> str:
    """A short human name for an export entry: its name, key, macro or ``tag=value``."""
    if not isinstance(obj, Mapping):
        return _show(obj)
    if obj.get("tag"):
        return f"{obj['tag']}={obj.get('value', '')}"
    if obj.get("event_source"):  # media type message templates
        return f"{obj['event_source']} {obj.get('operation_mode', 'PROBLEM')} message"
    for key in LABEL_KEYS:
        if obj.get(key):
            return str(obj[key])
    return _show(dict(obj))


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return text if len(text) <= LONG else text[: LONG - 1] + "…"


def _default(value: Any) -> str:
    return "unset (default)" if value is None else _show(value)


def object_changes(what: str, have: Any, want: Any) -> list[str]:
    """Field-by-field changes of one export object (``what`` names it in every message)."""
    have_n, want_n = normalise(have or {}), normalise(want or {})
    out: list[str] = []
    for key in sorted(set(have_n) | set(want_n)):
        h, w = have_n.get(key), want_n.get(key)
        if h == w:
            continue
        if isinstance(h or w, list):
            out.extend(_list_changes(f"{what}: {key}", h or [], w or []))
        elif isinstance(h, str) and isinstance(w, str) and max(len(h), len(w)) > LONG:
            out.append(f"{what}: {key} changed")
        elif isinstance(h or w, Mapping):
            out.extend(object_changes(f"{what}: {key}", h, w))
        else:
            out.append(f"{what}: {key} is {_default(h)}, want {_default(w)}")
    return out


def _list_changes(what: str, have: list[Any], want: list[Any]) -> list[str]:
    """Added/removed/changed entries of a list, matched by their label (name, key, tag…)."""
    by_label_h = {label(x): x for x in have}
    by_label_w = {label(x): x for x in want}
    out = [f"{what} added by hand: {n}" for n in sorted(set(by_label_h) - set(by_label_w))]
    out += [f"{what} removed: {n}" for n in sorted(set(by_label_w) - set(by_label_h))]
    for name in sorted(set(by_label_h) & set(by_label_w)):
        h, w = by_label_h[name], by_label_w[name]
        if h != w:
            if isinstance(h, Mapping) and isinstance(w, Mapping):
                out.extend(object_changes(f"{what} {name}", h, w))
            else:
                out.append(f"{what} {name} changed")
    return out


def export_changes(
    kind: str, have: Iterable[Mapping[str, Any]], want: Iterable[Mapping[str, Any]], key: str
) -> list[str]:
    """Changes between exported and wanted objects of one kind (hosts, media types), by ``key``."""
    have_by = {o[key]: o for o in have}
    want_by = {o[key]: o for o in want}
    out = [f"{kind} {n}: missing" for n in sorted(set(want_by) - set(have_by))]
    for name in sorted(set(want_by) & set(have_by)):
        out.extend(object_changes(f"{kind} {name}", have_by[name], want_by[name]))
    return out


def project(have: Any, like: Any) -> Any:
    """``have`` cut down to the shape of ``like`` (the fields vigil sets), values as text."""
    if isinstance(like, Mapping):
        have = have if isinstance(have, Mapping) else {}
        return {k: project(have.get(k), v) for k, v in like.items()}
    if isinstance(like, list):
        template: dict[str, Any] = {}
        for entry in like:
            if isinstance(entry, Mapping):
                template.update(entry)
        items = [project(h, template) if template else project(h, "") for h in have or []]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    if have is None or have == "":
        return None
    return str(have)


def field_changes(what: str, have: Mapping[str, Any], want: Mapping[str, Any]) -> list[str]:
    """Changes of an API object on the fields of ``want`` (what vigil sets), named by field."""
    wanted = project(want, want)
    got = project(have, want)
    out: list[str] = []
    for key in want:
        if got.get(key) != wanted.get(key):
            h, w = got.get(key), wanted.get(key)
            if isinstance(w, (list, Mapping)):
                out.append(f"{what}: {key} changed by hand")
            else:
                out.append(f"{what}: {key} is {_default(h)}, want {_default(w)}")
    return out


def compare_changes(compare: Any, path: str = "") -> list[str]:
    """The changes in an ``importcompare`` result that survive normalisation, named.

    Zabbix reports an object as updated when only list order or defaults differ; those are
    not drift. Each change reads ``"<kind> <added|removed|updated>: <name>"``; nested changes
    are prefixed with the parent's name (``vigil-site-x / httptests updated: home``).
    """
    out: list[str] = []
    if not isinstance(compare, Mapping):
        return out
    for kind, groups in compare.items():
        if not isinstance(groups, Mapping):
            continue
        for action, entries in groups.items():
            for entry in entries or []:
                if action in ("added", "removed"):
                    out.append(f"{path}{kind} {action}: {label(entry)}")
                    continue
                before, after = entry.get("before"), entry.get("after")
                name = label(after or before)
                if normalise(before) != normalise(after):
                    detail = object_changes(f"{path}{kind.removesuffix('s')} {name}", before, after)
                    out.extend(detail or [f"{path}{kind} updated: {name}"])
                nested = {k: v for k, v in entry.items() if k not in ("before", "after")}
                out.extend(compare_changes(nested, f"{path}{name} / "))
    return sorted(out)
