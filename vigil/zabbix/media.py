"""PagerDuty routing in Zabbix: the webhook media type, a routing user per site, an action.

Why this shape: Zabbix's official PagerDuty webhook sends to the routing key it is given; with
``token = {ALERT.SENDTO}`` the key comes from the *user media*, so one shared media type serves
every site and each site's key lives only on that site's routing user. The action selects the
site's events by the ``vigil:site`` tag its hosts carry (no host-group IDs to look up).
"""

from __future__ import annotations

import hashlib
import secrets
from functools import cache
from importlib import resources
from typing import Any

import yaml

from vigil.zabbix.render import dump, export_version

MEDIA_TYPE_NAME = "vigil PagerDuty"
USER_GROUP_NAME = "vigil PagerDuty routing"
USER_PREFIX = "vigil-pagerduty-"
ACTION_PREFIX = "vigil PagerDuty: "
ROUTING_ROLE = "Super admin role"
"""Routing users must see every vigil host to be notified; they cannot log in (GUI disabled)."""

SEVERITY_MAP = {
    "Not classified": "info",
    "Information": "info",
    "Warning": "warning",
    "Average": "warning",
    "High": "error",
    "Disaster": "critical",
}
"""Zabbix severity → PagerDuty Events API v2 severity, as the official webhook script maps it."""

# Zabbix API enums (6.0): action condition/operation types and user group access.
EVENT_SOURCE_TRIGGERS = 0
CONDITION_EVENT_TAG_VALUE = 26
CONDITION_SUPPRESSED = 16
OPERATOR_EQUALS = 0
OPERATOR_NO = 11
OPERATION_MESSAGE = 0
OPERATION_NOTIFY_RECOVERY = 11
OPERATION_NOTIFY_UPDATE = 12
GUI_ACCESS_DISABLED = 3
ALL_SEVERITIES = 63


EVENTS_ENDPOINTS = {
    "us": "https://events.pagerduty.com/v2/enqueue",
    "eu": "https://events.eu.pagerduty.com/v2/enqueue",
}
"""PagerDuty Events API v2 hosts per service region (PagerDuty: "Events API v2 Overview";
EU accounts send to events.eu.pagerduty.com). The endpoint is a media type parameter."""


def events_endpoint(region: str = "us") -> str:
    """The Events API v2 URL of a PagerDuty service region (``us``/empty or ``eu``)."""
    region = (region or "us").strip().lower()
    if region not in EVENTS_ENDPOINTS:
        raise ValueError(f"unknown PagerDuty service region {region!r}: use us or eu")
    return EVENTS_ENDPOINTS[region]


RETRY = {"attempts": "10", "attempt_interval": "30s", "timeout": "10s"}
"""Outlasts a PagerDuty blip: 10 attempts 30 s apart, each waiting at most 10 s, keep a page
alive for 4.5-6 minutes (Zabbix 6.0 media type: attempts 1-100, attempt_interval 0-1h,
webhook timeout 1-60 s). Zabbix's default (3 attempts, 10 s) loses a page in a 30 s outage."""

PARAMETERS = {
    "endpoint": "",  # filled from the region (or a loopback capture server in tests)
    "token": "{ALERT.SENDTO}",  # the site's routing key, from the routing user's media
    "eventid": "{EVENT.ID}",
    "event_name": "{EVENT.NAME}",
    "eventvalue": "{EVENT.VALUE}",
    "eventupdate": "{EVENT.UPDATE.STATUS}",
    "eventack": "{EVENT.ACK.STATUS}",
    "severity": "{EVENT.NSEVERITY}",
    "severity_name": "{EVENT.SEVERITY}",
    "eventtags_json": "{EVENT.TAGSJSON}",
    "eventtags": "{EVENT.TAGS}",
    "eventdate": "{EVENT.DATE}",
    "eventtime": "{EVENT.TIME}",
    "hostname": "{HOST.NAME}",
    "triggerid": "{TRIGGER.ID}",
    "triggerdesc": "{TRIGGER.DESCRIPTION}",
    "opdata": "{EVENT.OPDATA}",
    "runbook": "{TRIGGER.URL}",
    "url": "{$ZABBIX.URL}",  # replaced by the frontend URL of the stack's Zabbix
}
"""Webhook parameters: Zabbix resolves the macros per alert (only global user macros resolve
in notifications, so site facts travel as event tags: vigil:site, vigil:runbook,
vigil:dashboard; Zabbix 6.0 manual, "User macros supported by location")."""


@cache
def _stock_media_type() -> dict[str, Any]:
    text = resources.files("vigil.zabbix").joinpath("data/media_pagerduty.yaml").read_text()
    return yaml.safe_load(text)


@cache
def webhook_script() -> str:
    return resources.files("vigil.zabbix").joinpath("data/pagerduty_webhook.js").read_text()


def media_type(
    version: str = "6.0", *, endpoint: str = EVENTS_ENDPOINTS["us"], frontend_url: str = ""
) -> dict[str, Any]:
    """The export document of the vigil PagerDuty media type.

    Message templates come from Zabbix's stock PagerDuty media type (actions with default
    messages need them); the script and parameters are vigil's.
    """
    stock = _stock_media_type()
    values = {**PARAMETERS, "endpoint": endpoint}
    if frontend_url:
        values["url"] = frontend_url
    mt: dict[str, Any] = {
        "name": MEDIA_TYPE_NAME,
        "type": "WEBHOOK",
        "parameters": [{"name": k, "value": v} for k, v in sorted(values.items())],
        **RETRY,
        "script": webhook_script(),
        "description": "vigil: PagerDuty Events API v2. The routing key is the user media's "
        "'send to'; each site has its own routing user. Managed by vigil: edits are drift.",
        "message_templates": stock["message_templates"],
    }
    return {"zabbix_export": {"version": export_version(version), "media_types": [_trimmed(mt)]}}


def _trimmed(value: Any) -> Any:
    """Texts as Zabbix stores them (trailing whitespace dropped), so export and wanted agree."""
    if isinstance(value, str):
        return value.rstrip()
    if isinstance(value, list):
        return [_trimmed(v) for v in value]
    if isinstance(value, dict):
        return {k: _trimmed(v) for k, v in value.items()}
    return value


def media_type_yaml(
    version: str = "6.0", *, endpoint: str = EVENTS_ENDPOINTS["us"], frontend_url: str = ""
) -> str:
    return dump(media_type(version, endpoint=endpoint, frontend_url=frontend_url))


def routing_user_name(site_id: str) -> str:
    return f"{USER_PREFIX}{site_id}"


def action_name(site_id: str) -> str:
    return f"{ACTION_PREFIX}{site_id}"


def key_fingerprint(routing_key: str) -> str:
    """A short digest of the routing key: lets diff/read see a change without storing it."""
    return hashlib.sha256(routing_key.encode()).hexdigest()[:16]


def user_group_params() -> dict[str, Any]:
    return {"name": USER_GROUP_NAME, "gui_access": GUI_ACCESS_DISABLED, "users_status": 0}


def routing_user_params(
    site_id: str, *, routing_key: str, mediatypeid: str, usrgrpid: str, roleid: str
) -> dict[str, Any]:
    """``user.create`` parameters; the password is random and never stored (no one logs in)."""
    return {
        "username": routing_user_name(site_id),
        "name": "vigil PagerDuty",
        "surname": site_id,
        "passwd": secrets.token_urlsafe(24) + "aA1!",
        "roleid": roleid,
        "usrgrps": [{"usrgrpid": usrgrpid}],
        "medias": [media_params(routing_key, mediatypeid)],
    }


def media_params(routing_key: str, mediatypeid: str) -> dict[str, Any]:
    return {
        "mediatypeid": mediatypeid,
        "sendto": routing_key,
        "active": 0,
        "severity": ALL_SEVERITIES,
        "period": "1-7,00:00-24:00",
    }


def action_params(site_id: str, *, mediatypeid: str, userid: str) -> dict[str, Any]:
    """``action.create`` parameters: the site's problems, updates and recoveries to PagerDuty."""
    message = {"default_msg": 1, "mediatypeid": mediatypeid}
    return {
        "name": action_name(site_id),
        "eventsource": EVENT_SOURCE_TRIGGERS,
        "status": 0,
        "esc_period": "1h",
        "filter": {
            "evaltype": 0,
            "conditions": [
                {
                    "conditiontype": CONDITION_EVENT_TAG_VALUE,
                    "operator": OPERATOR_EQUALS,
                    "value2": "vigil:site",
                    "value": site_id,
                },
                {"conditiontype": CONDITION_SUPPRESSED, "operator": OPERATOR_NO},
            ],
        },
        "operations": [
            {
                "operationtype": OPERATION_MESSAGE,
                "esc_step_from": 1,
                "esc_step_to": 1,
                "opmessage": message,
                "opmessage_usr": [{"userid": userid}],
                "opmessage_grp": [],  # explicit, so a group added by hand is drift
            }
        ],
        "recovery_operations": [
            {"operationtype": OPERATION_NOTIFY_RECOVERY, "opmessage": {"default_msg": 1}}
        ],
        "update_operations": [
            {"operationtype": OPERATION_NOTIFY_UPDATE, "opmessage": {"default_msg": 1}}
        ],
    }
