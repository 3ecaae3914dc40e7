"""The ``routing`` kind: a site's PagerDuty routing user (media "send to" = key) and action.

Why its own module: the routing user and action are what make a site's problems page; a hand
edit of either (media removed, key changed, action disabled, a condition or operation edited)
silently stops that site's pages. So ``diff`` reads both back and compares every field vigil
sets (:func:`drift`), and every write goes through :func:`claim` first, like the site config.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vigil.zabbix import media
from vigil.zabbix.api import ZabbixSession
from vigil.zabbix.drift import field_changes
from vigil.zabbix.ownership import check_owned

USER_MARKER = "the name 'vigil PagerDuty' and the site id as surname"


def _user_marker(site: str) -> Any:
    return lambda u: u.get("name") == "vigil PagerDuty" and u.get("surname") == site


def claim(
    s: ZabbixSession, props: Mapping[str, Any], recorded: Mapping[str, str]
) -> tuple[str | None, str | None]:
    """(userid, actionid) of the site's existing routing objects; refuses foreign ones.

    The action's name (``vigil PagerDuty: <site>``) is in vigil's namespace: Zabbix gives
    actions no tags, so an action of that name is vigil's.
    """
    site = props["site"]
    username, action = media.routing_user_name(site), media.action_name(site)
    users = s.call(
        "user.get",
        {"filter": {"username": username}, "output": ["userid", "username", "name", "surname"]},
        what=f"routing user of {site}",
    )
    owned = check_owned(
        f"site {site}",
        users,
        id_key="userid",
        name_key="username",
        recorded=recorded,
        marker=_user_marker(site),
        marker_text=USER_MARKER,
    )
    actions = s.call(
        "action.get",
        {"filter": {"name": action}, "output": ["actionid"]},
        what=f"action of {site}",
    )
    return owned.get(username), actions[0]["actionid"] if actions else None


def _user_fields(props: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "usrgrps": [{"usrgrpid": props["usrgrpid"]}],
        "roleid": props["roleid"],
        "medias": [media.media_params(props["routing_key"], props["mediatypeid"])],
    }


def _action_fields(props: Mapping[str, Any], userid: str) -> dict[str, Any]:
    params = media.action_params(props["site"], mediatypeid=props["mediatypeid"], userid=userid)
    params.pop("eventsource")
    return params


def write(
    s: ZabbixSession, props: Mapping[str, Any], recorded: Mapping[str, str]
) -> tuple[str, str]:
    """Create or converge the routing user and action (ownership checked first)."""
    site = props["site"]
    userid, actionid = claim(s, props, recorded)
    if userid:
        s.call(
            "user.update",
            {"userid": userid, **_user_fields(props)},
            what=f"PagerDuty routing user of {site}",
        )
    else:
        params = media.routing_user_params(
            site,
            routing_key=props["routing_key"],
            mediatypeid=props["mediatypeid"],
            usrgrpid=props["usrgrpid"],
            roleid=props["roleid"],
        )
        userid = s.call("user.create", params, what=f"PagerDuty routing user of {site}")["userids"][
            0
        ]
    fields = _action_fields(props, userid)
    if actionid:
        s.call(
            "action.update", {"actionid": actionid, **fields}, what=f"PagerDuty action of {site}"
        )
    else:
        params = media.action_params(site, mediatypeid=props["mediatypeid"], userid=userid)
        actionid = s.call("action.create", params, what=f"PagerDuty action of {site}")["actionids"][
            0
        ]
    return str(userid), str(actionid)


def drift(
    s: ZabbixSession, props: Mapping[str, Any], userid: str, actionid: str, fingerprint: str
) -> tuple[list[str], str | None]:
    """(changes, fingerprint of the key Zabbix holds): every field vigil set, read back.

    ``fingerprint`` is the wanted routing key's digest; the key itself never enters a message.
    """
    site = props["site"]
    username, action = media.routing_user_name(site), media.action_name(site)
    out: list[str] = []
    users = s.call(
        "user.get",
        {
            "userids": [userid],
            "output": ["userid", "roleid"],
            "selectMedias": ["mediatypeid", "sendto", "active", "severity", "period"],
            "selectUsrgrps": ["usrgrpid"],
        },
        what=f"routing user of {site}",
    )
    held = None
    if not users:
        out.append(f"routing user {username}: missing")
    else:
        user = dict(users[0])
        medias = [dict(m) for m in user.get("medias", [])]
        ours = [m for m in medias if m["mediatypeid"] == props["mediatypeid"]]
        if len(ours) == 1:
            held = media.key_fingerprint(ours[0]["sendto"])
            if held != fingerprint:
                out.append(f"routing user {username}: routing key is not the site's PagerDuty key")
        for m in medias:
            m["sendto"] = fingerprint  # compared separately above
        user["medias"] = medias
        want = _user_fields({**props, "routing_key": fingerprint})
        out += field_changes(f"routing user {username}", user, want)
    actions = s.call(
        "action.get",
        {
            "actionids": [actionid],
            "output": ["actionid", "name", "status", "esc_period"],
            "selectFilter": "extend",
            "selectOperations": "extend",
            "selectRecoveryOperations": "extend",
            "selectUpdateOperations": "extend",
        },
        what=f"action of {site}",
    )
    if not actions:
        out.append(f"action {action!r}: missing")
    else:
        out += field_changes(f"action {action!r}", actions[0], _action_fields(props, userid))
    return sorted(out), held


def delete(s: ZabbixSession, props: Mapping[str, Any]) -> None:
    site = props["site"]
    if s.call(
        "action.get",
        {"actionids": [props["actionid"]], "output": ["actionid"]},
        what=f"action of {site}",
    ):
        s.call("action.delete", [props["actionid"]], what=f"action of {site}")
    if s.call(
        "user.get",
        {"userids": [props["userid"]], "output": ["userid"]},
        what=f"routing user of {site}",
    ):
        s.call("user.delete", [props["userid"]], what=f"routing user of {site}")
