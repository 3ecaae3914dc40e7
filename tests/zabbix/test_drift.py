"""Against a real Zabbix 6.0: every hand edit that can stop paging is seen by ``diff``.

``diff`` is what ``pulumi preview`` and ``pulumi up`` run; refresh is not part of the deploy
workflow, so drift seen only by ``read`` would go unnoticed. Each case edits one object through
the API the way an operator would, then checks that diff wants an update, that read names the
object in its drift message, that update repairs it, and that diff is quiet again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest

from tests.zabbix.conftest import make_site
from vigil.models import Server
from vigil.zabbix import api as zapi
from vigil.zabbix.api import ZabbixError, ZabbixSession, resolve_credentials, session
from vigil.zabbix.provider import ZabbixProvider, config_inputs, media_inputs

pytestmark = pytest.mark.zabbix

KEY = "DRIFT-ROUTING-KEY-0123456789abcd"


@dataclass
class Stack:
    zx: ZabbixSession
    provider: ZabbixProvider
    inputs: dict[str, dict[str, Any]]
    outs: dict[str, dict[str, Any]]
    ids: dict[str, str]


@pytest.fixture(scope="module")
def stack(clean_zabbix: dict[str, str]) -> Stack:
    zapi.forget_sessions()
    zx = session(resolve_credentials())
    provider = ZabbixProvider()
    site = make_site("drift-shop", "drift")
    media_in = media_inputs()
    media_out = provider.create(media_in).outs
    routing_in = {
        "kind": "routing",
        "site": site.id,
        "routing_key": KEY,
        **{k: media_out[k] for k in ("mediatypeid", "usrgrpid", "roleid")},
    }
    cfg_in = config_inputs(site)
    cfg_out = provider.create(cfg_in).outs
    routing_out = provider.create(routing_in).outs
    hostid = cfg_out["object_ids"]["drift-shop-web1"]
    return Stack(
        zx,
        provider,
        {"media": media_in, "config": cfg_in, "routing": routing_in},
        {"media": media_out, "config": cfg_out, "routing": routing_out},
        {
            "host": hostid,
            "template": cfg_out["object_ids"]["vigil-site-drift-shop"],
            "mediatype": media_out["mediatypeid"],
            "usrgrp": media_out["usrgrpid"],
            "user": routing_out["userid"],
            "action": routing_out["actionid"],
        },
    )


def _call(st: Stack, method: str, params: Any) -> Any:
    return st.zx.call(method, params, what="a hand edit in the test")


def _action(st: Stack) -> dict[str, Any]:
    return _call(
        st,
        "action.get",
        {
            "actionids": [st.ids["action"]],
            "output": "extend",
            "selectFilter": "extend",
            "selectOperations": "extend",
        },
    )[0]


def _edit_condition(st: Stack) -> None:
    conditions = [
        {"conditiontype": 26, "operator": 0, "value2": "vigil:site", "value": "another-site"},
        {"conditiontype": 16, "operator": 11},
    ]
    _call(
        st,
        "action.update",
        {"actionid": st.ids["action"], "filter": {"evaltype": 0, "conditions": conditions}},
    )


def _edit_operation(st: Stack) -> None:
    admins = _call(st, "usergroup.get", {"filter": {"name": "Zabbix administrators"}})
    _call(
        st,
        "action.update",
        {
            "actionid": st.ids["action"],
            "operations": [
                {
                    "operationtype": 0,
                    "opmessage": {"default_msg": 1, "mediatypeid": st.ids["mediatype"]},
                    "opmessage_grp": [{"usrgrpid": admins[0]["usrgrpid"]}],
                }
            ],
        },
    )


def _replace_script(st: Stack) -> None:
    _call(
        st,
        "mediatype.update",
        {"mediatypeid": st.ids["mediatype"], "script": "return 'OK';"},
    )


def _change_parameter(st: Stack) -> None:
    params = _call(
        st,
        "mediatype.get",
        {"mediatypeids": [st.ids["mediatype"]], "output": ["parameters"]},
    )[0]["parameters"]
    for p in params:
        if p["name"] == "token":
            p["value"] = "hard-coded-key"
    _call(st, "mediatype.update", {"mediatypeid": st.ids["mediatype"], "parameters": params})


def _unlink_template(st: Stack) -> None:
    linked = _call(
        st,
        "host.get",
        {"hostids": [st.ids["host"]], "selectParentTemplates": ["templateid", "host"]},
    )[0]["parentTemplates"]
    nginx = [t["templateid"] for t in linked if t["host"] == "vigil-svc-nginx"]
    _call(st, "host.update", {"hostid": st.ids["host"], "templates_clear": nginx})


def _drop_site_tag(st: Stack) -> None:
    tags = _call(st, "host.get", {"hostids": [st.ids["host"]], "selectTags": "extend"})[0]["tags"]
    kept = [{"tag": t["tag"], "value": t["value"]} for t in tags if t["tag"] != "vigil:site"]
    _call(st, "host.update", {"hostid": st.ids["host"], "tags": kept})


def _user_media(st: Stack, sendto: str) -> None:
    _call(
        st,
        "user.update",
        {
            "userid": st.ids["user"],
            "medias": [{"mediatypeid": st.ids["mediatype"], "sendto": sendto}],
        },
    )


def _remove_user_from_group(st: Stack) -> None:
    guests = _call(st, "usergroup.get", {"filter": {"name": "Guests"}})[0]["usrgrpid"]
    _call(st, "user.update", {"userid": st.ids["user"], "usrgrps": [{"usrgrpid": guests}]})


CASES: list[tuple[str, str, Callable[[Stack], None], str]] = [
    (
        "media type disabled",
        "media",
        lambda st: _call(st, "mediatype.update", {"mediatypeid": st.ids["mediatype"], "status": 1}),
        "media type 'vigil PagerDuty': status is DISABLED",
    ),
    ("media type script", "media", _replace_script, "media type 'vigil PagerDuty': script"),
    (
        "media type parameter",
        "media",
        _change_parameter,
        "media type 'vigil PagerDuty': parameters token",
    ),
    (
        "user group disabled",
        "media",
        lambda st: _call(st, "usergroup.update", {"usrgrpid": st.ids["usrgrp"], "users_status": 1}),
        "user group 'vigil PagerDuty routing': users_status is 1, want 0",
    ),
    (
        "routing key",
        "routing",
        lambda st: _user_media(st, "someone-elses-key"),
        "routing user vigil-pagerduty-drift-shop: routing key is not the site's PagerDuty key",
    ),
    (
        "routing user group",
        "routing",
        _remove_user_from_group,
        "routing user vigil-pagerduty-drift-shop: usrgrps changed",
    ),
    (
        "action disabled",
        "routing",
        lambda st: _call(st, "action.update", {"actionid": st.ids["action"], "status": 1}),
        "action 'vigil PagerDuty: drift-shop': status is 1, want 0",
    ),
    (
        "action condition",
        "routing",
        _edit_condition,
        "action 'vigil PagerDuty: drift-shop': filter changed",
    ),
    (
        "action operation",
        "routing",
        _edit_operation,
        "action 'vigil PagerDuty: drift-shop': operations changed",
    ),
    (
        "host disabled",
        "config",
        lambda st: _call(st, "host.update", {"hostid": st.ids["host"], "status": 1}),
        "host drift-shop-web1: status is DISABLED",
    ),
    (
        "template unlinked",
        "config",
        _unlink_template,
        "host drift-shop-web1: templates removed: vigil-svc-nginx",
    ),
    (
        "vigil:site tag removed",
        "config",
        _drop_site_tag,
        "host drift-shop-web1: tags removed: vigil:site=drift-shop",
    ),
    (
        "host macro override",
        "config",
        lambda st: _call(
            st, "usermacro.create", {"hostid": st.ids["host"], "macro": "{$X}", "value": "1"}
        ),
        "host drift-shop-web1: macros added by hand: {$X}",
    ),
    (
        "web scenario disabled",
        "config",
        lambda st: _call(
            st,
            "httptest.update",
            {
                "httptestid": _call(
                    st,
                    "httptest.get",
                    {"templateids": [st.ids["template"]], "filter": {"name": "home"}},
                )[0]["httptestid"],
                "status": 1,
            },
        ),
        "vigil-site-drift-shop / httptest home: status is DISABLED",
    ),
]


@pytest.mark.parametrize(
    ("kind", "edit", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_drift_is_seen_by_diff_and_repaired_by_update(
    stack: Stack, kind: str, edit: Callable[[Stack], None], message: str
) -> None:
    p, news, olds = stack.provider, stack.inputs[kind], stack.outs[kind]
    assert p.diff("id", olds, news).changes is False, "not clean before the edit"
    edit(stack)
    assert p.diff("id", olds, news).changes is True, "diff (preview/up) did not see the edit"
    drift = p.read("id", olds).outs["drift"]
    assert any(message in d for d in drift), drift
    assert all("?" not in d.split(": ", 1)[0] for d in drift), drift
    repaired = p.update("id", olds, news).outs
    stack.outs[kind] = repaired
    assert p.diff("id", repaired, news).changes is False, p.read("id", repaired).outs["drift"]


def test_adding_a_server_that_exists_by_hand_is_refused(stack: Stack) -> None:
    """The update path checks ownership too; a later destroy leaves the foreign host alone."""
    group = _call(stack, "hostgroup.get", {"filter": {"name": ["Linux servers"]}})[0]["groupid"]
    foreign = _call(
        stack, "host.create", {"host": "drift-shop-db9", "groups": [{"groupid": group}]}
    )["hostids"][0]
    site = make_site("drift-shop", "drift")
    more = config_inputs(replace(site, servers=(*site.servers, Server("db9", "10.0.0.9", ()))))
    before = stack.outs["config"]
    with pytest.raises(ZabbixError, match="drift-shop-db9 not created by vigil"):
        stack.provider.update("id", before, more)
    host = _call(stack, "host.get", {"hostids": [foreign], "selectParentTemplates": ["host"]})
    assert host[0]["parentTemplates"] == [], "the refused update still wrote the foreign host"
    # the state still holds the old inputs; destroying the site leaves the foreign host
    stack.provider.delete("id", before)
    assert _call(stack, "host.get", {"hostids": [foreign], "output": ["host"]})
    assert not _call(stack, "host.get", {"filter": {"host": before["host_names"]}})
