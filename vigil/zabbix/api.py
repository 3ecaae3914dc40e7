"""A small Zabbix API session on top of zabbix-utils: version-aware, retried, with clear errors.

Why a wrapper: the provider needs (1) behaviour chosen by ``apiinfo.version`` (template groups
and the ``Authorization: Bearer`` header arrived after 6.0), (2) retries for transient failures
only, (3) error messages that name the object and say what to do — and never echo a password
(zabbix-utils puts the whole request body, login included, into its exceptions), and (4) one
session per server per process, so a ``pulumi up`` logs in once, not once per resource.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import zabbix_utils.api as zabbix_utils_api
from zabbix_utils import ZabbixAPI
from zabbix_utils.exceptions import (
    APIRequestError,
    ProcessingError,
)

ENV_URL = "ZABBIX_URL"
ENV_TOKEN = "ZABBIX_API_TOKEN"
ENV_USER = "ZABBIX_USER"
ENV_PASSWORD = "ZABBIX_PASSWORD"
CONFIG_KEYS = {  # stack config (namespace vigil) read by the provider's configure()
    "url": "vigil:zabbixUrl",
    "token": "vigil:zabbixApiToken",
    "user": "vigil:zabbixUser",
    "password": "vigil:zabbixPassword",
}


class ZabbixError(Exception):
    """A Zabbix failure with a message meant for the person running ``pulumi up``."""


class ZabbixAuthError(ZabbixError):
    pass


class ZabbixUnreachableError(ZabbixError):
    pass


class ZabbixDatabaseError(ZabbixUnreachableError):
    """The frontend answers but cannot reach its database (not an auth problem)."""


DATABASE_DOWN = ("Error connecting to database", "Database error")
"""What the 6.0 frontend answers (JSON-RPC error, code 1) while its database is down or
restarting, for every method including ``user.login``: transient, never a credential error."""


def _database_down(exc: Exception) -> bool:
    return isinstance(exc, APIRequestError) and any(s in str(exc) for s in DATABASE_DOWN)


@dataclass(frozen=True)
class Credentials:
    """Where and how to log in; ``repr`` never shows the secret parts."""

    url: str
    token: str | None = field(default=None, repr=False)
    user: str | None = None
    password: str | None = field(default=None, repr=False)

    @property
    def cache_key(self) -> str:
        secret = f"{self.token}|{self.user}|{self.password}".encode()
        return f"{self.url}#{hashlib.sha256(secret).hexdigest()}"


API_PATH = "api_jsonrpc.php"
DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise_url(url: str) -> str:
    """One spelling per Zabbix server, so a re-spelt URL never replaces resources.

    ``HTTPS://Zabbix.Example.com:443/zabbix/`` and ``https://zabbix.example.com/zabbix/
    api_jsonrpc.php`` are the same API: scheme and host lower-cased, the scheme's default port
    dropped, slashes collapsed, the API path appended when missing (zabbix-utils appends it
    too, `ZabbixAPI.__check_url`).
    """
    parts = urlsplit(url.strip())
    if not parts.scheme:
        parts = urlsplit("http://" + url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    netloc = host if port in (None, DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    segments = [p for p in parts.path.split("/") if p]
    if not segments or segments[-1] != API_PATH:
        segments.append(API_PATH)
    return urlunsplit((scheme, netloc, "/" + "/".join(segments), parts.query, ""))


def frontend_url(api_url: str) -> str:
    """The frontend's base URL (``{$ZABBIX.URL}``, event links) for an API URL."""
    return normalise_url(api_url).removesuffix("/" + API_PATH)


def resolve_credentials(
    inputs: Mapping[str, Any] | None = None, config: Mapping[str, Any] | None = None
) -> Credentials:
    """Resource inputs first, then the stack config the provider got, then the environment.

    Called inside CRUD methods only, so nothing is captured when Pulumi serializes the
    provider.
    """
    inputs = inputs or {}
    config = config or {}
    env = os.environ

    def pick(name: str, env_name: str) -> str | None:
        value = inputs.get(name) or config.get(CONFIG_KEYS[name]) or env.get(env_name)
        return str(value) if value else None

    url = pick("url", ENV_URL)
    if not url:
        raise ZabbixError(
            "no Zabbix URL: set stack config vigil:zabbixUrl or the ZABBIX_URL environment "
            "variable (e.g. http://127.0.0.1:8080/api_jsonrpc.php)"
        )
    token = pick("token", ENV_TOKEN)
    user, password = pick("user", ENV_USER), pick("password", ENV_PASSWORD)
    if not token and not (user and password):
        raise ZabbixError(
            f"no Zabbix credentials for {url}: set an API token (vigil:zabbixApiToken secret or "
            "ZABBIX_API_TOKEN) or user and password (vigil:zabbixUser / vigil:zabbixPassword "
            "secret, or ZABBIX_USER / ZABBIX_PASSWORD)"
        )
    return Credentials(
        url=normalise_url(url),
        token=token,
        user=None if token else user,
        password=None if token else password,
    )


# --------------------------------------------------------------------------- versions


@dataclass(frozen=True)
class Features:
    """What differs between the Zabbix versions vigil supports."""

    version: str

    @property
    def key(self) -> tuple[int, int]:
        major, minor = (int(x) for x in self.version.split(".")[:2])
        return major, minor

    @property
    def template_groups(self) -> bool:
        """6.2 split template groups from host groups (``templategroup`` API, import keys)."""
        return self.key >= (6, 2)

    @property
    def bearer_auth(self) -> bool:
        """6.4 accepts ``Authorization: Bearer``; 6.0 wants ``auth`` in the request body."""
        return self.key >= (6, 4)

    @property
    def export_version(self) -> str:
        return "6.2" if self.template_groups else "6.0"

    def import_rules(self) -> dict[str, dict[str, bool]]:
        """Explicit import rules: create and update; delete only *inside* imported objects.

        ``deleteMissing`` on items, triggers, web scenarios and template links acts only within
        the templates and hosts in the file, all of which vigil owns. Templates, hosts and
        groups are never deleted by an import; stock objects are never in the file.
        """
        cu = {"createMissing": True, "updateExisting": True}
        cud = {**cu, "deleteMissing": True}
        rules: dict[str, dict[str, bool]] = {
            "templates": cu,
            "hosts": cu,
            "items": cud,
            "triggers": cud,
            "httptests": cud,
            "templateLinkage": {"createMissing": True, "deleteMissing": True},
            "mediaTypes": cu,
        }
        if self.template_groups:
            rules["host_groups"] = {"createMissing": True}
            rules["template_groups"] = {"createMissing": True}
        else:
            rules["groups"] = {"createMissing": True}
        return rules

    def auth_request(self, token: str) -> tuple[dict[str, str], dict[str, str]]:
        """(headers, body fields) carrying the session or token, as this version wants them."""
        if self.bearer_auth:
            return {"Authorization": f"Bearer {token}"}, {}
        return {}, {"auth": token}


# --------------------------------------------------------------------------- session

CALLS: dict[str, Any] = {"count": 0, "methods": []}
"""Process-wide API call counter (benchmark and tests read it)."""


class _CountingAPI(ZabbixAPI):
    """zabbix-utils client that counts every HTTP request it makes."""

    def send_api_request(
        self, method: str, params: dict | None = None, need_auth: bool = True
    ) -> dict:
        CALLS["count"] += 1
        CALLS["methods"].append(method)
        return super().send_api_request(method, params, need_auth)


def _is_transient(exc: Exception) -> bool:
    if _database_down(exc):
        return True
    if isinstance(exc, ProcessingError):
        text = str(exc)
        # A wrong host name or a non-API URL does not heal by waiting; a refused or dropped
        # connection (server restarting) may.
        return not any(s in text for s in ("Name or service not known", "parse json"))
    return isinstance(exc, (TimeoutError, ConnectionError))


def _api_message(exc: Exception) -> str:
    """The Zabbix error text without the request body (which may hold a password)."""
    text = str(exc)
    return text.split(" 'body':")[0].split(', "body":')[0]


class ZabbixSession:
    """One logged-in API session; build with :func:`session`, call through :meth:`call`."""

    def __init__(
        self,
        creds: Credentials,
        *,
        retries: int = 6,
        backoff: float = 0.5,
        timeout: int = 30,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url = creds.url
        self._retries = retries
        self._backoff = backoff
        self._sleep = sleep
        self._api: ZabbixAPI = self._retry(
            lambda: self._connect(creds, timeout), f"connecting to Zabbix at {creds.url}"
        )
        self.version = str(self._api.version)
        self.features = Features(self.version)

    def _connect(self, creds: Credentials, timeout: int) -> ZabbixAPI:
        try:
            # zabbix-utils falls back to ZABBIX_* environment variables for anything not
            # passed (mixing a token with an env user/password); hide them while it builds.
            with _ENV_LOCK:
                # zabbix_utils.api only calls ``env.get``; patching os.environ itself instead
                # would hide the variables from every other thread.
                saved = zabbix_utils_api.env
                zabbix_utils_api.env = {}  # type: ignore[assignment]
                try:
                    api = _CountingAPI(url=creds.url, timeout=timeout, skip_version_check=True)
                finally:
                    zabbix_utils_api.env = saved
            if creds.token:
                api.login(token=creds.token)  # checked by the first real call
            else:
                api.login(user=creds.user, password=creds.password)
            return api
        except ProcessingError as exc:
            if _is_transient(exc):
                raise
            raise ZabbixUnreachableError(
                f"cannot reach the Zabbix API at {creds.url}: {exc}. Check the URL (it ends "
                "in /api_jsonrpc.php) and that the server is running "
                "(scripts/zabbix-server status for the sandbox)"
            ) from None
        except APIRequestError as exc:
            if _database_down(exc):
                raise
            who = "the API token" if creds.token else f"user {creds.user!r}"
            raise ZabbixAuthError(
                f"Zabbix at {creds.url} rejected {who}: {_api_message(exc)}. Check "
                "ZABBIX_API_TOKEN or ZABBIX_USER/ZABBIX_PASSWORD (or the vigil:zabbix* stack "
                "config secrets)"
            ) from None

    def _retry(self, fn: Callable[[], Any], what: str) -> Any:
        """Retry transient failures (connection refused, database restarting) with backoff:
        0.5 s doubling, 6 retries by default = about 30 s, enough for a database restart."""
        delay = self._backoff
        self._waited = 0.0
        for attempt in range(self._retries + 1):
            try:
                return fn()
            except ZabbixError:
                raise
            except Exception as exc:
                if not _is_transient(exc) or attempt == self._retries:
                    if _database_down(exc):
                        raise ZabbixDatabaseError(
                            f"{what}: the Zabbix frontend at {self.url} cannot reach its "
                            f"database ({_api_message(exc)}, {attempt + 1} attempts over "
                            f"{self._waited:.0f}s). Check the database behind Zabbix, then "
                            "re-run: the provider converges from where it stopped"
                        ) from None
                    if isinstance(exc, ProcessingError):
                        raise ZabbixUnreachableError(
                            f"{what}: {exc} (after {attempt + 1} attempts). Check that the "
                            "Zabbix server is up and reachable, then re-run: the provider "
                            "converges from where it stopped"
                        ) from None
                    raise
                self._sleep(delay)
                self._waited += delay
                delay *= 2
        raise AssertionError("unreachable")

    def call(self, method: str, params: Any, *, what: str, hint: str = "") -> Any:
        """Call ``method``; API errors name ``what`` and say what to do (``hint``)."""
        obj_name, _, verb = method.partition(".")
        target = getattr(getattr(self._api, obj_name), verb + ("_" if verb == "import" else ""))

        def once() -> Any:
            if isinstance(params, Mapping):
                return target(**params)
            return target(*params)

        try:
            return self._retry(once, f"{method} for {what}")
        except APIRequestError as exc:
            text = _api_message(exc)
            if "Not authorized" in text or "Session terminated" in text:
                raise ZabbixAuthError(
                    f"Zabbix at {self.url} rejected the session during {method} for {what}: "
                    f"{text}. Check the API token or user/password and their permissions"
                ) from None
            advice = hint or "fix the inventory or the object in Zabbix, then re-run"
            raise ZabbixError(
                f"Zabbix {method} failed for {what}: {_api_message(exc)}. {advice}"
            ) from None


_SESSIONS: dict[str, ZabbixSession] = {}
_ENV_LOCK = threading.Lock()
_LOCK = threading.Lock()


def session(creds: Credentials, **kwargs: Any) -> ZabbixSession:
    """The cached session for these credentials (the provider process handles many resources)."""
    with _LOCK:
        cached = _SESSIONS.get(creds.cache_key)
        if cached is None:
            cached = ZabbixSession(creds, **kwargs)
            _SESSIONS[creds.cache_key] = cached
        return cached


def forget_sessions() -> None:
    with _LOCK:
        _SESSIONS.clear()
