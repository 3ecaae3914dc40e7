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

from collections.abc import Mapping
from typing import Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.runtime import rpc

from vigil.models import Site
from vigil.zabbix import media, routing, shared_media, site_config
from vigil.zabbix.api import (
    CONFIG_KEYS,
    ZabbixSession,
    normalise_url,
    resolve_credentials,
    session,
)
from vigil.zabbix.drift import compare_changes, sha
from vigil.zabbix.media import media_type_yaml
from vigil.zabbix.problems import close_dropped_problems, close_open_problems
from vigil.zabbix.render import DEFAULT_OPTIONS, RenderOptions, render_site_yaml, site_objects

CONNECTION_INPUTS = ("url", "token", "user", "password")
SECRET_INPUTS = ("token", "password", "routing_key")


def _url_key(url: Any) -> Any:
    """What a URL change means: another server only when the normalised URL differs."""
    return normalise_url(url) if isinstance(url, str) and url != UNKNOWN else url


real_changes = compare_changes  # the name earlier callers and tests use
UNKNOWN = rpc.UNKNOWN  # a preview input not known yet


def _unknown(props: Mapping[str, Any], *keys: str) -> bool:
    return any(props.get(k) == UNKNOWN for k in keys)


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
            failures.append(CheckFailure("kind", f"unknown kind {kind!r}"))
        if isinstance(news.get("url"), str):
            news = {**news, "url": normalise_url(news["url"])}
        return CheckResult(news, failures)

    # ---- dispatch

    def create(self, props: dict[str, Any]) -> CreateResult:
        kind = props["kind"]
        if kind == "config":
            return self._write_config(props, {})
        if kind == "routing":
            return self._write_routing(props, {})
        return self._write_media(props, {})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        kind = news["kind"]
        if kind == "config":
            return UpdateResult(self._update_config(olds, news))
        if kind == "routing":
            recorded = {media.routing_user_name(news["site"]): olds.get("userid") or ""}
            return UpdateResult(self._write_routing(news, recorded).outs)
        recorded = {media.MEDIA_TYPE_NAME: olds.get("mediatypeid") or ""}
        return UpdateResult(self._write_media(news, recorded).outs)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Inputs first (no call); then, unchanged inputs, what Zabbix holds now (drift)."""
        replaces = [k for k in ("kind", "site") if olds.get(k) != news.get(k)]
        if _url_key(olds.get("url")) != _url_key(news.get("url")):
            replaces.append("url")
        if replaces:
            return DiffResult(changes=True, replaces=replaces, delete_before_replace=True)
        if olds.get("drift"):
            return DiffResult(changes=True)
        kind = news["kind"]
        if kind == "config":
            return self._diff_config(olds, news)
        if kind == "routing":
            return self._diff_routing(olds, news)
        if olds.get("export_sha") != sha(news["export"]) or (olds.get("frontend_url") or "") != (
            news.get("frontend_url") or ""
        ):
            return DiffResult(changes=True)
        return DiffResult(changes=bool(shared_media.drift(self._session(news), olds)))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        kind = props["kind"]
        s = self._session(props)
        if kind == "config":
            ids = props.get("object_ids") or {}
            if not site_config.owned_site_objects(s, props, [props["template_name"]]):
                return ReadResult("", {})  # gone: refresh drops it, the next up re-creates it
            found = site_config.drift(s, props, ids)
            return ReadResult(id_, site_config.outputs(props, s.version, ids, found))
        if kind == "routing":
            return self._read_routing(id_, props)
        return ReadResult(id_, {**props, "drift": shared_media.drift(s, props)})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        kind = props["kind"]
        s = self._session(props)
        if kind == "config":
            site_config.delete(s, props)
        elif kind == "routing":
            routing.delete(s, props)
        else:
            shared_media.delete(s, props)

    # ---- config: templates, hosts, web scenarios

    def _write_config(self, props: dict[str, Any], recorded: Mapping[str, str]) -> CreateResult:
        s = self._session(props)
        ids = site_config.write(s, props, recorded)
        return CreateResult(props["template_name"], site_config.outputs(props, s.version, ids, []))

    def _update_config(self, olds: dict, news: dict) -> dict[str, Any]:
        s = self._session(news)
        recorded = olds.get("object_ids") or {}

        def close_dropped(found: Mapping[str, str]) -> None:
            hosts = sorted(found[h] for h in news["host_names"] if h in found)
            close_dropped_problems(s, hosts, news["export"], f"site {news['site']}")

        ids = site_config.write(s, news, recorded, before_import=close_dropped)
        gone = sorted(set(olds.get("host_names") or []) - set(news["host_names"]))
        if gone:
            owned = site_config.owned_site_objects(s, {**news, "object_ids": recorded}, gone)
            if owned:
                close_open_problems(s, sorted(owned.values()), f"site {news['site']} {gone}")
                s.call(
                    "host.delete",
                    sorted(owned.values()),
                    what=f"site {news['site']} removed hosts {gone}",
                )
        dropped = sorted(set(olds.get("service_templates") or []) - set(news["service_templates"]))
        if dropped:
            site_config.delete_unused_shared(s, news, dropped, groups=False)
        return site_config.outputs(news, s.version, ids, [])

    def _diff_config(self, olds: dict, news: dict) -> DiffResult:
        if olds.get("export_sha") != sha(news["export"]):
            return DiffResult(changes=True)
        if olds.get("host_names") != news.get("host_names"):
            return DiffResult(changes=True)
        # Same inputs: ask Zabbix whether someone changed the objects by hand.
        found = site_config.drift(self._session(news), news, olds.get("object_ids") or {})
        return DiffResult(changes=bool(found))

    # ---- routing: user with the integration key + action

    def _routing_outs(
        self, props: Mapping[str, Any], userid: str, actionid: str, fp: str, drift: list[str]
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
            "key_fingerprint": fp,
            "drift": drift,
        }

    def _write_routing(self, props: dict[str, Any], recorded: Mapping[str, str]) -> CreateResult:
        s = self._session(props)
        userid, actionid = routing.write(s, props, recorded)
        fp = media.key_fingerprint(props["routing_key"])
        return CreateResult(
            media.action_name(props["site"]), self._routing_outs(props, userid, actionid, fp, [])
        )

    def _diff_routing(self, olds: dict, news: dict) -> DiffResult:
        if _unknown(news, "routing_key", "mediatypeid", "usrgrpid", "roleid"):
            return DiffResult(changes=True)
        fp = media.key_fingerprint(news["routing_key"])
        if fp != olds.get("key_fingerprint") or any(
            olds.get(k) != news.get(k) for k in ("mediatypeid", "usrgrpid", "roleid")
        ):
            return DiffResult(changes=True)
        found, _ = routing.drift(self._session(news), news, olds["userid"], olds["actionid"], fp)
        return DiffResult(changes=bool(found))

    def _read_routing(self, id_: str, props: dict[str, Any]) -> ReadResult:
        s = self._session(props)
        fp = props.get("key_fingerprint", "")
        found, held = routing.drift(s, props, props["userid"], props["actionid"], fp)
        missing = [d for d in found if d.endswith(": missing")]
        if len(missing) == 2:
            return ReadResult("", {})
        outs = self._routing_outs(props, props["userid"], props["actionid"], held or fp, found)
        return ReadResult(id_, outs)

    # ---- shared PagerDuty media type + routing user group

    def _write_media(self, props: dict[str, Any], recorded: Mapping[str, str]) -> CreateResult:
        outs = shared_media.write(self._session(props), props, recorded)
        return CreateResult(media.MEDIA_TYPE_NAME, outs)


def config_inputs(site: Site, options: RenderOptions = DEFAULT_OPTIONS) -> dict[str, Any]:
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
        "export": render_site_yaml(site, options=options),
    }


def media_inputs(
    *, endpoint: str = media.EVENTS_ENDPOINTS["us"], frontend_url: str = ""
) -> dict[str, Any]:
    """Inputs of the shared ``pagerduty-media`` resource (without connection settings).

    ``endpoint``: the PagerDuty Events API v2 URL of the account's service region;
    ``frontend_url``: the Zabbix frontend people click through to (default: the API URL
    without ``/api_jsonrpc.php``).
    """
    return {
        "kind": "pagerduty-media",
        "site": "",
        "export": media_type_yaml(endpoint=endpoint),
        "frontend_url": frontend_url,
    }
