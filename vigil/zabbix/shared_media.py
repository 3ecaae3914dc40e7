"""The ``pagerduty-media`` kind: the shared "vigil PagerDuty" media type and routing user group.

Why it reads both back on every diff: one edit of the media type (disabled, script replaced,
a parameter changed) or of the user group (users disabled) stops every site on that Zabbix
server from paging, and 6.0's ``configuration.importcompare`` returns nothing for media types.
So the media type is exported (``configuration.export`` with ``mediaTypes``) and compared
field by field with the wanted export; the group is compared on the fields vigil sets.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import yaml

from vigil.zabbix import media
from vigil.zabbix.api import ZabbixError, ZabbixSession, frontend_url
from vigil.zabbix.drift import field_changes, object_changes, sha
from vigil.zabbix.ownership import check_owned

MEDIA_RULES = {"mediaTypes": {"createMissing": True, "updateExisting": True}}
MARKER_TEXT = "description starting with 'vigil:'"


def _document(s: ZabbixSession, props: Mapping[str, Any]) -> dict[str, Any]:
    """The export to import: event links point at this Zabbix's frontend (``{$ZABBIX.URL}``
    would need a global macro vigil does not own)."""
    doc = yaml.safe_load(props["export"])
    site_url = props.get("frontend_url") or frontend_url(s.url)
    for mt in doc["zabbix_export"]["media_types"]:
        for p in mt.get("parameters", []):
            if p["name"] == "url" and p["value"] == "{$ZABBIX.URL}":
                p["value"] = site_url
    return dict(doc)


def _wanted(s: ZabbixSession, props: Mapping[str, Any]) -> dict[str, Any]:
    return dict(_document(s, props)["zabbix_export"]["media_types"][0])


def _find_media(s: ZabbixSession) -> list[dict[str, Any]]:
    return list(
        s.call(
            "mediatype.get",
            {
                "filter": {"name": media.MEDIA_TYPE_NAME},
                "output": ["mediatypeid", "name", "description"],
            },
            what=f"media type {media.MEDIA_TYPE_NAME}",
        )
    )


def _find_group(s: ZabbixSession) -> list[dict[str, Any]]:
    return list(
        s.call(
            "usergroup.get",
            {"filter": {"name": media.USER_GROUP_NAME}, "output": "extend"},
            what=f"user group {media.USER_GROUP_NAME}",
        )
    )


def write(s: ZabbixSession, props: Mapping[str, Any], recorded: Mapping[str, str]) -> dict:
    """Create or converge the media type and the group (ownership checked first)."""
    check_owned(
        "the shared PagerDuty routing",
        _find_media(s),
        id_key="mediatypeid",
        name_key="name",
        recorded=recorded,
        marker=lambda m: str(m.get("description", "")).startswith("vigil:"),
        marker_text=MARKER_TEXT,
    )
    # As JSON: Zabbix's YAML reader adds a space at each escaped line break of PyYAML's long
    # double-quoted scalars, which would change the script (and show as drift for ever).
    source = json.dumps(_document(s, props))
    s.call(
        "configuration.import",
        {"format": "json", "source": source, "rules": MEDIA_RULES},
        what=f"the {media.MEDIA_TYPE_NAME} media type",
    )
    mediatypeid = _find_media(s)[0]["mediatypeid"]
    roles = s.call(
        "role.get",
        {"filter": {"name": media.ROUTING_ROLE}, "output": ["roleid"]},
        what=f"role {media.ROUTING_ROLE}",
    )
    if not roles:
        raise ZabbixError(
            f"Zabbix has no role {media.ROUTING_ROLE!r}; restore the stock "
            "role or set media.ROUTING_ROLE, then re-run"
        )
    groups = _find_group(s)
    if groups:
        usrgrpid = groups[0]["usrgrpid"]
        if field_changes("group", groups[0], media.user_group_params()):
            s.call(
                "usergroup.update",
                {"usrgrpid": usrgrpid, **media.user_group_params()},
                what=f"user group {media.USER_GROUP_NAME}",
            )
    else:
        usrgrpid = s.call(
            "usergroup.create",
            media.user_group_params(),
            what=f"user group {media.USER_GROUP_NAME}",
        )["usrgrpids"][0]
    return {
        "kind": props["kind"],
        "site": props.get("site", ""),
        "url": props.get("url"),
        "export": props["export"],
        "export_sha": sha(props["export"]),
        "frontend_url": props.get("frontend_url") or "",
        "mediatypeid": str(mediatypeid),
        "usrgrpid": str(usrgrpid),
        "roleid": str(roles[0]["roleid"]),
        "drift": [],
    }


def drift(s: ZabbixSession, props: Mapping[str, Any]) -> list[str]:
    """The media type and routing group as Zabbix has them vs as vigil wants them."""
    out: list[str] = []
    name = media.MEDIA_TYPE_NAME
    found = s.call(
        "mediatype.get",
        {"mediatypeids": [props["mediatypeid"]], "output": ["mediatypeid"]},
        what=f"media type {name}",
    )
    if not found:
        out.append(f"media type {name!r}: missing")
    else:
        exported = s.call(
            "configuration.export",
            {"format": "json", "options": {"mediaTypes": [props["mediatypeid"]]}},
            what=f"media type {name}",
        )
        have = json.loads(exported)["zabbix_export"]["media_types"][0]
        out += object_changes(f"media type {name!r}", have, _wanted(s, props))
    groups = s.call(
        "usergroup.get",
        {"usrgrpids": [props["usrgrpid"]], "output": "extend"},
        what=f"user group {media.USER_GROUP_NAME}",
    )
    group = f"user group {media.USER_GROUP_NAME!r}"
    if not groups:
        out.append(f"{group}: missing")
    else:
        out += field_changes(group, groups[0], media.user_group_params())
    return sorted(out)


def delete(s: ZabbixSession, props: Mapping[str, Any]) -> None:
    users = s.call(
        "user.get",
        {"usrgrpids": [props["usrgrpid"]], "output": ["userid"]},
        what="routing user group",
    )
    if users:
        return  # still routing sites this stack does not manage: leave them working
    if s.call(
        "usergroup.get",
        {"usrgrpids": [props["usrgrpid"]], "output": ["usrgrpid"]},
        what="routing user group",
    ):
        s.call("usergroup.delete", [props["usrgrpid"]], what="routing user group")
    if s.call(
        "mediatype.get",
        {"mediatypeids": [props["mediatypeid"]], "output": ["mediatypeid"]},
        what="media type",
    ):
        s.call("mediatype.delete", [props["mediatypeid"]], what="vigil PagerDuty media type")
