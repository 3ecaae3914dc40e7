"""API wrapper and provider logic without a server: versions, auth, retries, errors, diff."""

from __future__ import annotations

import json
from typing import Any

import pytest

from vigil.zabbix import api as zapi
from vigil.zabbix.api import Credentials, Features, ZabbixError, ZabbixSession, resolve_credentials
from vigil.zabbix.provider import ZabbixProvider, real_changes


class FakeServer:
    """Stands in for urllib: answers JSON-RPC like a Zabbix of ``version``."""

    def __init__(self, version: str, fail_first: int = 0) -> None:
        self.version = version
        self.fail_first = fail_first
        self.requests: list[tuple[dict[str, str], dict[str, Any]]] = []

    def urlopen(self, req, context=None, timeout=None):
        from urllib.error import URLError

        body = json.loads(req.data)
        self.requests.append((dict(req.header_items()), body))
        if self.fail_first:
            self.fail_first -= 1
            raise URLError("Connection reset by peer")
        method = body["method"]
        if method == "apiinfo.version":
            result: Any = self.version
        elif method == "user.login":
            if body["params"].get("password") != "good":
                err = {
                    "code": -32602,
                    "message": "Invalid params.",
                    "data": "Incorrect user name or password.",
                }
                return _Resp({"jsonrpc": "2.0", "error": err, "id": body["id"]})
            result = "SESSION"
        elif method == "host.get":
            result = []
        elif method == "template.create":
            err = {
                "code": -32602,
                "message": "Invalid params.",
                "data": 'Template with the same name "x" already exists.',
            }
            return _Resp({"jsonrpc": "2.0", "error": err, "id": body["id"]})
        else:
            result = True
        return _Resp({"jsonrpc": "2.0", "result": result, "id": body["id"]})


class _Resp:
    def __init__(self, payload: dict) -> None:
        self._data = json.dumps(payload).encode()

    def read(self) -> bytes:
        return self._data


@pytest.fixture
def fake(monkeypatch):
    def make(version: str, **kw: Any) -> FakeServer:
        server = FakeServer(version, **kw)
        monkeypatch.setattr("zabbix_utils.api.ul.urlopen", server.urlopen)
        return server

    zapi.forget_sessions()
    return make


URL = "http://zabbix.test/api_jsonrpc.php"


@pytest.mark.parametrize(
    ("version", "bearer"), [("6.0.14", False), ("6.4.0", True), ("7.0.5", True)]
)
def test_token_auth_where_each_version_wants_it(fake, version: str, bearer: bool) -> None:
    server = fake(version)
    s = ZabbixSession(Credentials(url=URL, token="T0KEN"))
    s.call("host.get", {"output": ["host"]}, what="hosts")
    headers, body = server.requests[-1]
    assert ("auth" not in body) is bearer
    assert (headers.get("Authorization") == "Bearer T0KEN") is bearer
    assert Features(version).bearer_auth is bearer
    # version is asked without auth
    v_headers, v_body = server.requests[0]
    assert v_body["method"] == "apiinfo.version" and "auth" not in v_body
    assert "Authorization" not in v_headers


def test_features_by_version() -> None:
    old, new = Features("6.0.14"), Features("7.0.0")
    assert not old.template_groups and new.template_groups
    assert "groups" in old.import_rules() and "template_groups" not in old.import_rules()
    assert {"template_groups", "host_groups"} <= set(new.import_rules())
    for rules in (old.import_rules(), new.import_rules()):
        assert "deleteMissing" not in rules["templates"] and "deleteMissing" not in rules["hosts"]
        assert rules["httptests"]["deleteMissing"] is True
    assert old.auth_request("s") == ({}, {"auth": "s"})
    assert new.auth_request("s") == ({"Authorization": "Bearer s"}, {})
    assert old.export_version == "6.0" and new.export_version == "6.2"


def test_transient_failures_are_retried_with_backoff(fake) -> None:
    server = fake("6.0.14", fail_first=2)
    sleeps: list[float] = []
    s = ZabbixSession(Credentials(url=URL, user="Admin", password="good"), sleep=sleeps.append)
    assert s.version == "6.0.14"
    assert sleeps == [0.5, 1.0]
    assert len(server.requests) == 4  # 2 failures + version + login


def test_wrong_password_message_never_echoes_it(fake) -> None:
    fake("6.0.14")
    with pytest.raises(zapi.ZabbixAuthError) as err:
        ZabbixSession(Credentials(url=URL, user="Admin", password="s3cr3t-pw"))
    assert "s3cr3t-pw" not in str(err.value) and "rejected user 'Admin'" in str(err.value)


def test_api_errors_name_the_object_and_the_fix(fake) -> None:
    fake("6.0.14")
    s = ZabbixSession(Credentials(url=URL, user="Admin", password="good"))
    with pytest.raises(ZabbixError) as err:
        s.call("template.create", {"host": "x"}, what="template x of site s", hint="rename it")
    text = str(err.value)
    assert "template x of site s" in text and "already exists" in text and "rename it" in text
    assert "good" not in text and "SESSION" not in text


def test_credentials_resolution_order(monkeypatch) -> None:
    monkeypatch.setenv("ZABBIX_URL", "http://env/api_jsonrpc.php")
    monkeypatch.setenv("ZABBIX_USER", "envuser")
    monkeypatch.setenv("ZABBIX_PASSWORD", "envpw")
    monkeypatch.delenv("ZABBIX_API_TOKEN", raising=False)
    assert resolve_credentials().user == "envuser"
    cfg = {"vigil:zabbixApiToken": "cfgtoken"}
    creds = resolve_credentials(None, cfg)
    assert creds.token == "cfgtoken" and creds.user is None and "cfgtoken" not in repr(creds)
    creds = resolve_credentials({"url": "http://in/api_jsonrpc.php", "token": "intoken"}, cfg)
    assert (creds.url, creds.token) == ("http://in/api_jsonrpc.php", "intoken")
    monkeypatch.delenv("ZABBIX_URL")
    with pytest.raises(ZabbixError, match="ZABBIX_URL"):
        resolve_credentials()


def test_order_only_compare_results_are_not_changes() -> None:
    before = {
        "template": "t",
        "macros": [{"macro": "{$A}", "value": "1"}, {"macro": '{$A:"x"}', "value": "2"}],
    }
    after = {"template": "t", "macros": list(reversed(before["macros"]))}
    assert real_changes({"templates": {"updated": [{"before": before, "after": after}]}}) == []
    changed = {"template": "t", "macros": [{"macro": "{$A}", "value": "9"}]}
    assert real_changes({"templates": {"updated": [{"before": before, "after": changed}]}}) == [
        'template t: macros added by hand: {$A:"x"}',
        "template t: macros {$A}: value is 1, want 9",
    ]
    tags = {
        "templates": {
            "updated": [
                {
                    "before": {"template": "t", "tags": []},
                    "after": {"template": "t", "tags": [{"tag": "vigil:site", "value": "s"}]},
                }
            ]
        }
    }
    assert real_changes(tags) == ["template t: tags removed: vigil:site=s"]
    nested = {
        "templates": {
            "updated": [
                {"before": before, "after": before, "httptests": {"removed": [{"name": "home"}]}}
            ]
        }
    }
    assert real_changes(nested) == ["t / httptests removed: home"]
    assert real_changes([]) == []


def test_local_diff_needs_no_server() -> None:
    p = ZabbixProvider()
    olds = {
        "kind": "routing",
        "site": "s",
        "key_fingerprint": "x",
        "mediatypeid": "1",
        "usrgrpid": "2",
        "roleid": "3",
        "drift": [],
    }
    news = {
        "kind": "routing",
        "site": "s",
        "routing_key": "K",
        "mediatypeid": "1",
        "usrgrpid": "2",
        "roleid": "3",
    }
    assert p.diff("id", olds, news).changes is True  # another key: no call needed
    moved = p.diff("id", {**olds, "site": "other"}, news)
    assert moved.replaces == ["site"]
    cfg_olds = {"kind": "config", "site": "s", "export_sha": "old", "drift": []}
    assert p.diff("id", cfg_olds, {"kind": "config", "site": "s", "export": "new"}).changes


def test_configured_provider_does_not_pickle_stack_secrets() -> None:
    import dill
    from pulumi.dynamic import ConfigureRequest
    from pulumi.dynamic.config import Config

    p = ZabbixProvider()
    p.configure(ConfigureRequest(Config({"vigil:zabbixPassword": "pw-in-config"}, "vigil")))
    assert p._stack_config  # used at run time …
    assert b"pw-in-config" not in dill.dumps(p, recurse=True)  # … never serialized


def test_respelt_zabbix_url_replaces_nothing() -> None:
    """Build point 3: the Zabbix URL is normalised, so spelling it another way is no change."""
    from vigil.zabbix.provider import _url_key

    spellings = [
        "HTTPS://Zabbix.Example.com:443/zabbix/",
        "https://zabbix.example.com/zabbix/api_jsonrpc.php",
        "https://zabbix.example.com//zabbix",
    ]
    assert len({_url_key(u) for u in spellings}) == 1
    assert _url_key("https://zabbix.example.com:8443/zabbix") != _url_key(spellings[0])
