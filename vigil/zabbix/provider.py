"""The Pulumi dynamic provider for Zabbix: site config, PagerDuty routing, shared media type.

Why one provider class dispatching on ``kind``: Pulumi serializes the provider with dill into
state for every resource, so it must be small and hold nothing — no client, no credentials.
Credentials are resolved inside each CRUD call: secret resource inputs first (create, update,
diff), then the stack config the engine hands to ``configure`` (read and delete only get
outputs), then the environment. Outputs never carry credentials or the routing key.

Kinds:
- ``config``: the site's export (groups, templates, web scenarios, hosts) via
  ``configuration.import``; diff and refresh via ``configuration.importcompare``.
- ``routing``: the site's PagerDuty routing user (media "send to" = integration key) and action.
- ``pagerduty-media``: the shared "vigil PagerDuty" media type and routing user group.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import yaml
from pulumi.dynamic import (
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from vigil.models import Site
from vigil.zabbix import media
from vigil.zabbix.api import (
    CONFIG_KEYS,
    ZabbixError,
    ZabbixSession,
    resolve_credentials,
    session,
)
from vigil.zabbix.media import media_type_yaml
from vigil.zabbix.render import MANAGED_BY, render_site_yaml, site_objects

CONNECTION_INPUTS = ("url", "token", "user", "password")
SECRET_INPUTS = ("token", "password", "routing_key")


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# --------------------------------------------------------------------------- compare


def _normalise(value: Any) -> Any:
    """Zabbix's export form, order-free: lists sorted, empty values dropped."""
    if isinstance(value, Mapping):
        return {k: _normalise(v) for k, v in sorted(value.items()) if v not in ("", [], {}, None)}
    if isinstance(value, list):
        items = [_normalise(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    return value


def _label(obj: Mapping[str, Any] | None) -> str:
    obj = obj or {}
    for key in ("template", "host", "key", "name", "expression", "macro"):
        if obj.get(key):
            return str(obj[key])
    return "?"


def real_changes(compare: Any, path: str = "") -> list[str]:
    """The changes in an ``importcompare`` result that survive normalisation.

    Zabbix reports an object as updated when only list order or defaults differ; those are
    not drift. Each change is ``"<kind> <added|removed|updated>: <name>"``.
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
                    out.append(f"{path}{kind} {action}: {_label(entry)}")
                    continue
                before, after = entry.get("before"), entry.get("after")
                name = _label(after or before)
                if _normalise(before) != _normalise(after):
                    out.append(f"{path}{kind} updated: {name}")
                nested = {k: v for k, v in entry.items() if k not in ("before", "after")}
                out.extend(real_changes(nested, f"{path}{name} / "))
    return sorted(out)


# --------------------------------------------------------------------------- provider


class ZabbixProvider(ResourceProvider):
    """CRUD for vigil's Zabbix resources; see the module docstring for the kinds."""

    serialize_as_secret_always = False

    def __init__(self) -> None:
        # Deliberately empty: whatever is set here is pickled into Pulumi state.
        super().__init__()

    def __getstate__(self) -> dict[str, Any]:
        """Never pickle the stack config (it holds decrypted secrets) into state."""
        return {k: v for k, v in self.__dict__.items() if k != "_stack_config"}

    # ---- plumbing

    def configure(self, req: ConfigureRequest) -> None:
        """Keep the stack's Zabbix config (decrypted by the engine) for read and delete."""
        found = {key: req.config.get(key) for key in CONFIG_KEYS.values()}
        self._stack_config = {k: v for k, v in found.items() if v}

    def _session(self, props: Mapping[str, Any] | None = None) -> ZabbixSession:
        conn = {k: (props or {}).get(k) for k in CONNECTION_INPUTS}
        return session(resolve_credentials(conn, getattr(self, "_stack_config", {})))

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = []
        kind = news.get("kind")
        if kind not in ("config", "routing", "pagerduty-media"):
            from pulumi.dynamic import CheckFailure

            failures.append(CheckFailure("kind", f"unknown kind {kind!r}"))
        return CheckResult(news, failures)

    # ---- dispatch

    def create(self, props: dict[str, Any]) -> CreateResult:
        kind = props["kind"]
        if kind == "config":
            return self._create_config(props)
        if kind == "routing":
            return self._create_routing(props)
        return self._apply_media(props)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        kind = news["kind"]
        if kind == "config":
            return self._update_config(id_, olds, news)
        if kind == "routing":
            return self._update_routing(id_, olds, news)
        return UpdateResult(self._apply_media(news).outs)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = [k for k in ("kind", "site", "url") if olds.get(k) != news.get(k)]
        if replaces:
            return DiffResult(changes=True, replaces=replaces, delete_before_replace=True)
        kind = news["kind"]
        if kind == "config":
            return self._diff_config(olds, news)
        if kind == "routing":
            changed = media.key_fingerprint(news["routing_key"]) != olds.get("key_fingerprint")
            changed |= any(
                olds.get(k) != news.get(k) for k in ("mediatypeid", "usrgrpid", "roleid")
            )
            return DiffResult(changes=changed or bool(olds.get("drift")))
        changed = olds.get("export_sha") != sha(news["export"]) or bool(olds.get("drift"))
        return DiffResult(changes=changed)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        kind = props["kind"]
        if kind == "config":
            return self._read_config(id_, props)
        if kind == "routing":
            return self._read_routing(id_, props)
        return self._read_media(id_, props)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        kind = props["kind"]
        if kind == "config":
            self._delete_config(props)
        elif kind == "routing":
            self._delete_routing(props)
        else:
            self._delete_media(props)

    # ---- config: templates, hosts, web scenarios

    def _import(self, s: ZabbixSession, props: Mapping[str, Any]) -> None:
        s.call(
            "configuration.import",
            {"format": "yaml", "source": props["export"], "rules": s.features.import_rules()},
            what=f"site {props['site']} (template {props['template_name']})",
            hint="the rendered export is in the resource's `export` input; import it by hand "
            "in the Zabbix UI to see the failing object, fix the inventory, and re-run",
        )

    def _compare(self, s: ZabbixSession, props: Mapping[str, Any]) -> list[str]:
        result = s.call(
            "configuration.importcompare",
            {"format": "yaml", "source": props["export"], "rules": s.features.import_rules()},
            what=f"site {props['site']} (template {props['template_name']})",
        )
        return real_changes(result)

    def _owned_objects(
        self, s: ZabbixSession, site: str, names: list[str]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """(owned, foreign) hosts/templates among ``names``, judged by vigil's tags."""
        found = s.call(
            "host.get",
            {
                "filter": {"host": names},
                "templated_hosts": True,
                "output": ["hostid", "host", "status"],
                "selectTags": ["tag", "value"],
            },
            what=f"site {site} hosts and template",
        )
        owned, foreign = [], []
        for obj in found:
            tags = {(t["tag"], t["value"]) for t in obj.get("tags", [])}
            is_ours = MANAGED_BY in tags and ("vigil:site", site) in tags
            (owned if is_ours else foreign).append(obj)
        return owned, foreign

    def _config_outs(self, props: Mapping[str, Any], version: str, drift: list[str]) -> dict:
        keep = (
            "kind",
            "site",
            "client",
            "url",
            "template_name",
            "host_names",
            "web_scenarios",
            "service_templates",
            "export",
        )
        outs = {k: props.get(k) for k in keep}
        outs.update(export_sha=sha(props["export"]), zabbix_version=version, drift=drift)
        return outs

    def _create_config(self, props: dict[str, Any]) -> CreateResult:
        s = self._session(props)
        names = [props["template_name"], *props["host_names"]]
        _owned, foreign = self._owned_objects(s, props["site"], names)
        if foreign:
            clash = ", ".join(o["host"] for o in foreign)
            raise ZabbixError(
                f"site {props['site']}: Zabbix already has {clash} not created by vigil (no "
                f"'managed-by: vigil' and 'vigil:site: {props['site']}' tags); vigil will not "
                "take it over. Rename or remove it in Zabbix, or tag it to adopt it, and re-run"
            )
        self._import(s, props)
        return CreateResult(props["template_name"], self._config_outs(props, s.version, []))

    def _update_config(self, id_: str, olds: dict, news: dict) -> UpdateResult:
        s = self._session(news)
        self._import(s, news)
        gone = sorted(set(olds.get("host_names") or []) - set(news["host_names"]))
        if gone:
            owned, _ = self._owned_objects(s, news["site"], gone)
            if owned:
                s.call(
                    "host.delete",
                    [o["hostid"] for o in owned],
                    what=f"site {news['site']} removed hosts {gone}",
                )
        return UpdateResult(self._config_outs(news, s.version, []))

    def _diff_config(self, olds: dict, news: dict) -> DiffResult:
        if olds.get("export_sha") != sha(news["export"]) or olds.get("drift"):
            return DiffResult(changes=True)
        if olds.get("host_names") != news.get("host_names"):
            return DiffResult(changes=True)
        # Same inputs: ask Zabbix whether someone changed the objects by hand.
        drift = self._compare(self._session(news), news)
        return DiffResult(changes=bool(drift))

    def _read_config(self, id_: str, props: dict[str, Any]) -> ReadResult:
        s = self._session(props)
        template = props["template_name"]
        owned, _ = self._owned_objects(s, props["site"], [template, *props["host_names"]])
        if not any(o["host"] == template for o in owned):
            return ReadResult("", {})  # gone: refresh drops it, the next up re-creates it
        drift = self._compare(s, props)  # templates (importcompare covers templates only)
        drift += self._host_drift(s, props, [o for o in owned if o["host"] != template])
        return ReadResult(id_, self._config_outs(props, s.version, sorted(drift)))

    def _host_drift(
        self, s: ZabbixSession, props: Mapping[str, Any], owned_hosts: list[dict[str, Any]]
    ) -> list[str]:
        """Hosts as Zabbix exports them vs as rendered: 6.0's importcompare skips hosts."""
        wanted = {
            h["host"]: h for h in yaml.safe_load(props["export"])["zabbix_export"].get("hosts", [])
        }
        drift = [
            f"hosts removed: {name}"
            for name in sorted(set(wanted) - {o["host"] for o in owned_hosts})
        ]
        if not owned_hosts:
            return drift
        exported = s.call(
            "configuration.export",
            {"format": "json", "options": {"hosts": [o["hostid"] for o in owned_hosts]}},
            what=f"site {props['site']} hosts",
        )
        for host in json.loads(exported)["zabbix_export"].get("hosts", []):
            if host["host"] in wanted and _normalise(host) != _normalise(wanted[host["host"]]):
                drift.append(f"hosts updated: {host['host']}")
        return drift

    def _delete_config(self, props: dict[str, Any]) -> None:
        s = self._session(props)
        names = [props["template_name"], *props["host_names"]]
        owned, _ = self._owned_objects(s, props["site"], names)
        hosts = [o["hostid"] for o in owned if o["host"] != props["template_name"]]
        templates = [o["hostid"] for o in owned if o["host"] == props["template_name"]]
        if hosts:
            s.call("host.delete", hosts, what=f"site {props['site']} hosts")
        if templates:
            s.call("template.delete", templates, what=f"site {props['site']} template")

    # ---- routing: user with the integration key + action

    def _routing_outs(
        self,
        props: Mapping[str, Any],
        userid: str,
        actionid: str,
        fingerprint: str,
        drift: list[str],
    ) -> dict[str, Any]:
        return {
            "kind": "routing",
            "site": props["site"],
            "url": props.get("url"),
            "user_name": media.routing_user_name(props["site"]),
            "action_name": media.action_name(props["site"]),
            "userid": userid,
            "actionid": actionid,
            "mediatypeid": props["mediatypeid"],
            "usrgrpid": props["usrgrpid"],
            "roleid": props["roleid"],
            "key_fingerprint": fingerprint,
            "drift": drift,
        }

    def _ensure_user(self, s: ZabbixSession, props: Mapping[str, Any]) -> str:
        site = props["site"]
        params = media.routing_user_params(
            site,
            routing_key=props["routing_key"],
            mediatypeid=props["mediatypeid"],
            usrgrpid=props["usrgrpid"],
            roleid=props["roleid"],
        )
        try:
            return s.call("user.create", params, what=f"PagerDuty routing user of {site}")[
                "userids"
            ][0]
        except ZabbixError as exc:
            if "already exists" not in str(exc):
                raise
        # Left over from an interrupted run: adopt it (the name is vigil's) and converge.
        found = s.call(
            "user.get",
            {"filter": {"username": params["username"]}, "output": ["userid"]},
            what=f"routing user of {site}",
        )
        userid = found[0]["userid"]
        self._update_user(s, props, userid)
        return userid

    def _update_user(self, s: ZabbixSession, props: Mapping[str, Any], userid: str) -> None:
        s.call(
            "user.update",
            {
                "userid": userid,
                "usrgrps": [{"usrgrpid": props["usrgrpid"]}],
                "roleid": props["roleid"],
                "medias": [media.media_params(props["routing_key"], props["mediatypeid"])],
            },
            what=f"PagerDuty routing user of {props['site']}",
        )

    def _ensure_action(self, s: ZabbixSession, props: Mapping[str, Any], userid: str) -> str:
        site = props["site"]
        params = media.action_params(site, mediatypeid=props["mediatypeid"], userid=userid)
        try:
            return s.call("action.create", params, what=f"PagerDuty action of {site}")["actionids"][
                0
            ]
        except ZabbixError as exc:
            if "already exists" not in str(exc):
                raise
        found = s.call(
            "action.get",
            {"filter": {"name": params["name"]}, "output": ["actionid"]},
            what=f"action of {site}",
        )
        actionid = found[0]["actionid"]
        self._update_action(s, props, actionid, userid)
        return actionid

    def _update_action(
        self, s: ZabbixSession, props: Mapping[str, Any], actionid: str, userid: str
    ) -> None:
        params = media.action_params(props["site"], mediatypeid=props["mediatypeid"], userid=userid)
        params.pop("eventsource")
        s.call(
            "action.update",
            {"actionid": actionid, **params},
            what=f"PagerDuty action of {props['site']}",
        )

    def _create_routing(self, props: dict[str, Any]) -> CreateResult:
        s = self._session(props)
        userid = self._ensure_user(s, props)
        actionid = self._ensure_action(s, props, userid)
        fp = media.key_fingerprint(props["routing_key"])
        return CreateResult(
            media.action_name(props["site"]), self._routing_outs(props, userid, actionid, fp, [])
        )

    def _update_routing(self, id_: str, olds: dict, news: dict) -> UpdateResult:
        s = self._session(news)
        userid, actionid = olds.get("userid"), olds.get("actionid")
        if userid and s.call(
            "user.get",
            {"userids": [userid], "output": ["userid"]},
            what=f"routing user of {news['site']}",
        ):
            self._update_user(s, news, userid)
        else:
            userid = self._ensure_user(s, news)
        if actionid and s.call(
            "action.get",
            {"actionids": [actionid], "output": ["actionid"]},
            what=f"action of {news['site']}",
        ):
            self._update_action(s, news, actionid, userid)
        else:
            actionid = self._ensure_action(s, news, userid)
        fp = media.key_fingerprint(news["routing_key"])
        return UpdateResult(self._routing_outs(news, userid, actionid, fp, []))

    def _read_routing(self, id_: str, props: dict[str, Any]) -> ReadResult:
        s = self._session(props)
        users = s.call(
            "user.get",
            {
                "userids": [props["userid"]],
                "output": ["userid"],
                "selectMedias": ["mediatypeid", "sendto"],
            },
            what=f"routing user of {props['site']}",
        )
        actions = s.call(
            "action.get",
            {"actionids": [props["actionid"]], "output": ["actionid", "status"]},
            what=f"action of {props['site']}",
        )
        if not users and not actions:
            return ReadResult("", {})
        drift = []
        fingerprint = props.get("key_fingerprint", "")
        if not users:
            drift.append("routing user removed")
        else:
            sendto = [
                m["sendto"]
                for m in users[0].get("medias", [])
                if m["mediatypeid"] == props["mediatypeid"]
            ]
            if len(sendto) != 1:
                drift.append("routing user media changed")
            else:
                fingerprint = media.key_fingerprint(sendto[0])
        if not actions:
            drift.append("action removed")
        elif actions[0]["status"] != "0":
            drift.append("action disabled")
        return ReadResult(
            id_, self._routing_outs(props, props["userid"], props["actionid"], fingerprint, drift)
        )

    def _delete_routing(self, props: dict[str, Any]) -> None:
        s = self._session(props)
        if s.call(
            "action.get",
            {"actionids": [props["actionid"]], "output": ["actionid"]},
            what=f"action of {props['site']}",
        ):
            s.call("action.delete", [props["actionid"]], what=f"action of {props['site']}")
        if s.call(
            "user.get",
            {"userids": [props["userid"]], "output": ["userid"]},
            what=f"routing user of {props['site']}",
        ):
            s.call("user.delete", [props["userid"]], what=f"routing user of {props['site']}")

    # ---- shared PagerDuty media type + routing user group

    def _apply_media(self, props: dict[str, Any]) -> CreateResult:
        s = self._session(props)
        rules = {"mediaTypes": {"createMissing": True, "updateExisting": True}}
        s.call(
            "configuration.import",
            {"format": "yaml", "source": props["export"], "rules": rules},
            what="the vigil PagerDuty media type",
        )
        found = s.call(
            "mediatype.get",
            {"filter": {"name": media.MEDIA_TYPE_NAME}, "output": ["mediatypeid"]},
            what="media type",
        )
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
        groups = s.call(
            "usergroup.get",
            {"filter": {"name": media.USER_GROUP_NAME}, "output": ["usrgrpid"]},
            what="routing user group",
        )
        if groups:
            usrgrpid = groups[0]["usrgrpid"]
        else:
            usrgrpid = s.call(
                "usergroup.create",
                media.user_group_params(),
                what=f"user group {media.USER_GROUP_NAME}",
            )["usrgrpids"][0]
        outs = {
            "kind": props["kind"],
            "site": props.get("site", ""),
            "url": props.get("url"),
            "export": props["export"],
            "export_sha": sha(props["export"]),
            "mediatypeid": found[0]["mediatypeid"],
            "usrgrpid": usrgrpid,
            "roleid": roles[0]["roleid"],
            "drift": [],
        }
        return CreateResult(media.MEDIA_TYPE_NAME, outs)

    def _read_media(self, id_: str, props: dict[str, Any]) -> ReadResult:
        s = self._session(props)
        rules = {"mediaTypes": {"createMissing": True, "updateExisting": True}}
        drift = real_changes(
            s.call(
                "configuration.importcompare",
                {"format": "yaml", "source": props["export"], "rules": rules},
                what="media type",
            )
        )
        return ReadResult(id_, {**props, "drift": drift})

    def _delete_media(self, props: dict[str, Any]) -> None:
        s = self._session(props)
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


def config_inputs(site: Site) -> dict[str, Any]:
    """Inputs of a site's ``config`` resource (without connection settings)."""
    objects = site_objects(site)
    return {
        "kind": "config",
        "site": site.id,
        "client": site.client,
        "template_name": objects.template_name,
        "host_names": list(objects.host_names),
        "web_scenarios": list(objects.web_scenarios),
        "service_templates": list(objects.service_templates),
        "export": render_site_yaml(site),
    }


def media_inputs() -> dict[str, Any]:
    """Inputs of the shared ``pagerduty-media`` resource (without connection settings)."""
    return {"kind": "pagerduty-media", "site": "", "export": media_type_yaml()}
