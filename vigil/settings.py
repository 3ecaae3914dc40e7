"""Stack settings: every ``vigil:*`` key as data, one pure parser, one frozen result.

The program reads the stack's config once (``vigil.program.read_settings``) and hands the
``StackSettings`` to everything that needs a piece of it; components never read config.
``KEYS`` is the single description of the keys: the parser validates against it,
``Pulumi.yaml``'s ``config:`` block declares it (``pulumi_declarations``, pinned by a test) so
the Pulumi CLI type-checks the same keys, and the README lists it.

Pulumi hands every config value to the program as a string, structured values JSON-encoded.
Unknown ``vigil:*`` keys are errors (a typo would otherwise silently manage every client).
Secret values are sealed by the caller's ``seal`` (``pulumi.Output.secret`` in the program) and
never kept as plain strings here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

from vigil.grafana.datasources import ACCOUNT_ID, assume_role_problem
from vigil.grafana.settings import (
    DEFAULT_ROOT_CONTACT_POINT,
    POLICY_MODES,
    GrafanaSettings,
)
from vigil.inventory.problems import did_you_mean
from vigil.models import frozen_map

NAMESPACE = "vigil"
SCOPABLE_TOOLS = {"grafana": "Grafana", "zabbix": "Zabbix"}
"""Tools a stack may leave out (``vigil:outOfScope``): CloudWatch and PagerDuty are what
pages a human, so every site always has them."""
JsonType = Literal["string", "boolean", "integer", "array", "object"]
Secrecy = Literal["plain", "secret", "either"]
ALL_CLIENTS = "*"
FLEET_ROLES = ("standalone", "shared", "site")
"""``vigil:fleetRole`` values (vigil.fleet: one owner for shared objects)."""


@dataclass(frozen=True)
class Key:
    """One config key (or one field of an object-valued key).

    ``default`` is what ``Pulumi.yaml`` declares (Pulumi requires a default for an optional
    declared key, so "unset" is spelled ``""`` for strings and ``["*"]`` for the client list).
    ``secret``: ``"secret"`` must be set with ``pulumi config set --secret``; ``"either"`` may be.
    ``fields``: the closed set of keys of an object; ``values``/``key_form``: an open map whose
    keys match ``key_form = (regex, human form)``.
    """

    name: str
    type: JsonType
    description: str
    default: Any = None
    secret: Secrecy = "plain"
    items: JsonType | None = None
    fields: tuple[Key, ...] = ()
    values: JsonType | None = None
    key_form: tuple[str, str] | None = None
    choices: tuple[str, ...] = ()

    @property
    def full_name(self) -> str:
        return f"{NAMESPACE}:{self.name}"


GRAFANA_FIELDS: tuple[Key, ...] = (
    Key(
        "enabled",
        "boolean",
        "Force Grafana on or off (default: on when grafana:auth or GRAFANA_AUTH is set).",
    ),
    Key(
        "cloudwatchDatasources",
        "object",
        "Existing CloudWatch data sources to reuse instead of creating: "
        '{"<account>/<region>": "<uid>"}.',
        default={},
        values="string",
        key_form=(r"^\d{12}/[a-z]{2}(-[a-z]+)+-\d$", "<12-digit account>/<region>"),
    ),
    Key(
        "cloudwatchAssumeRoleArn",
        "string",
        "Role the created CloudWatch data sources assume, one per account: an IAM role ARN "
        "template whose {account} is replaced by the account id.",
    ),
    Key(
        "awsAccountId",
        "string",
        "AWS account of Grafana's own credentials: the one account a data source without a "
        "role reads.",
    ),
    Key(
        "crossAccountObservability",
        "object",
        "CloudWatch cross-account observability: the monitoring account's data source reads "
        "its linked source accounts (queries carry accountId).",
        fields=(
            Key("monitoringAccount", "string", "The monitoring account (12 digits)."),
            Key(
                "sourceAccounts",
                "array",
                "Source accounts linked to it in every region the sites use.",
                items="string",
            ),
        ),
    ),
    Key("zabbixDatasourceUid", "string", "Draw Zabbix panels with this data source uid."),
    Key(
        "notificationPolicy",
        "string",
        "manage: this stack owns the organisation's notification policy tree (in a fleet: the "
        "shared stack); external: another owner does, vigil lists the routes to add; shared: a "
        "fleet site stack, routed by the shared stack's tree (one owner per organisation).",
        default="manage",
        choices=POLICY_MODES,
    ),
    Key(
        "defaultContactPoint",
        "string",
        "Root receiver of the managed notification policy tree.",
        default=DEFAULT_ROOT_CONTACT_POINT,
    ),
)

KEYS: tuple[Key, ...] = (
    Key(
        "inventory",
        "string",
        "Inventory directory (defaults.yaml, teams.yaml, sites/<client>/<site>.yaml), "
        "relative to the project.",
        default="inventory",
    ),
    Key(
        "clients",
        "array",
        'Client ids this stack manages (a shard of the fleet); ["*"] = every client.',
        default=[ALL_CLIENTS],
        items="string",
    ),
    Key(
        "grafanaUrl",
        "string",
        "Base URL of dashboard links when it differs from grafana:url (empty: grafana:url).",
        default="",
    ),
    Key(
        "grafana",
        "object",
        "Grafana options (object; not declarable in Pulumi.yaml, checked by vigil).",
        fields=GRAFANA_FIELDS,
    ),
    Key(
        "zabbixUrl",
        "string",
        "Zabbix frontend URL (empty: ZABBIX_URL, else Zabbix is skipped).",
        default="",
    ),
    Key(
        "zabbixApiToken",
        "string",
        "Zabbix API token; set with --secret (empty: ZABBIX_API_TOKEN).",
        default="",
        secret="secret",
    ),
    Key(
        "zabbixUser",
        "string",
        "Zabbix user, with zabbixPassword (empty: ZABBIX_USER).",
        default="",
        secret="either",
    ),
    Key(
        "zabbixPassword",
        "string",
        "Zabbix password; set with --secret (empty: ZABBIX_PASSWORD).",
        default="",
        secret="secret",
    ),
    Key(
        "awsRoleName",
        "string",
        "IAM role assumed in every client account (empty: the caller's credentials).",
        default="",
    ),
    Key(
        "fleetRole",
        "string",
        "This stack's part in a fleet (fleet.yaml): standalone (owns everything its sites need), "
        "shared (owns the team schedules, escalation policies, Grafana data sources and Zabbix "
        "media type of every site; no sites) or site (reads those from vigil:sharedStack).",
        default="standalone",
    ),
    Key(
        "sharedStack",
        "string",
        "Site stacks: the shared stack, as pulumi.StackReference names it "
        "(<org>/<project>/<stack>; empty: none).",
        default="",
    ),
    Key(
        "outOfScope",
        "object",
        "Tools this stack deliberately does not provide, per tool: {sites: [site ids] or "
        '["*"], reason: "why"}; their coverage gaps then pass the plan gate, with the reason '
        "in the report (object; not declarable in Pulumi.yaml, checked by vigil).",
        fields=tuple(
            Key(
                tool,
                "object",
                f"Sites without {title} on purpose, and why.",
                fields=(
                    Key("sites", "array", 'Site ids, or ["*"] for every site.', items="string"),
                    Key("reason", "string", "Why: shown next to each waived gap."),
                ),
            )
            for tool, title in SCOPABLE_TOOLS.items()
        ),
    ),
)
BY_NAME: Mapping[str, Key] = frozen_map({k.full_name: k for k in KEYS})

GRAFANA_URL, GRAFANA_AUTH = "grafana:url", "grafana:auth"
"""Grafana provider keys vigil reads: the URL (links) and whether auth is present (never its
value; the provider reads it)."""
ENV_GRAFANA_URL, ENV_GRAFANA_AUTH, ENV_ZABBIX_URL = "GRAFANA_URL", "GRAFANA_AUTH", "ZABBIX_URL"
PAGERDUTY_REGION, ENV_PAGERDUTY_REGION = "pagerduty:serviceRegion", "PAGERDUTY_SERVICE_REGION"
"""The PagerDuty provider's service region (read for the Zabbix webhook's events host)."""


class SettingsError(ValueError):
    """Invalid stack config; ``problems`` are ``[FILE:LINE: ]key: message`` lines."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid stack config:\n" + "\n".join(f"  {p}" for p in problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class ZabbixSettings:
    """Where the Zabbix provider connects; ``token``/``password`` are sealed secrets.

    ``None`` fields are read by the provider from the environment at run time (never captured).
    """

    enabled: bool
    skip_reason: str = ""
    url: str | None = None
    token: Any = None
    user: Any = None
    password: Any = None
    pagerduty_region: str = "us"
    """``pagerduty:serviceRegion`` (the PagerDuty provider's key): which Events API v2 host
    Zabbix's webhook sends to (EU accounts: events.eu.pagerduty.com)."""

    @property
    def skip_message(self) -> str:
        """Why Zabbix is not deployed (empty when it is): logged by the program, printed by
        ``vigil plan``."""
        if self.enabled:
            return ""
        return f"Zabbix skipped: {self.skip_reason}. Templates, hosts and web checks not managed."


@dataclass(frozen=True)
class OutOfScope:
    """A tool a stack deliberately does not provide for ``sites`` (``None``: every site)."""

    tool: str
    sites: tuple[str, ...] | None
    """In the stack file's order (messages point at the item)."""
    reason: str

    def covers(self, site_id: str) -> bool:
        return self.sites is None or site_id in self.sites


@dataclass(frozen=True)
class StackSettings:
    """Everything the program takes from stack config, validated."""

    inventory: str
    clients: tuple[str, ...] | None
    """``None``: every client of the inventory."""
    aws_role_name: str | None
    dashboard_url: str | None
    """Base URL of the dashboard links in alarms and contact points (``None``: no link)."""
    grafana: GrafanaSettings
    zabbix: ZabbixSettings
    out_of_scope: Mapping[str, OutOfScope]
    """Tool → the sites it is deliberately not provided for (``vigil:outOfScope``)."""
    fleet_role: str = "standalone"
    """``vigil:fleetRole``: ``standalone``, ``shared`` or ``site`` (`FLEET_ROLES`)."""
    shared_stack: str | None = None
    """``vigil:sharedStack``: the stack a site stack reads shared ids from."""

    def inventory_path(self, project_dir: Path) -> Path:
        path = Path(self.inventory)
        return path if path.is_absolute() else project_dir / path


Seal = Callable[[str], Any]
Where = Callable[[str], str]


def parse_stack_settings(
    config: Mapping[str, str],
    *,
    seal: Seal,
    secret_keys: Collection[str] = (),
    env: Mapping[str, str] | None = None,
    where: Where | None = None,
) -> StackSettings:
    """Validate the stack's raw config (full keys → Pulumi's string values) into settings.

    ``seal`` wraps secret values (``pulumi.Output.secret``); ``secret_keys`` are the keys set
    with ``--secret``; ``env`` supplies the tools' environment fallbacks; ``where(path)`` names
    the stack file line of a key path for messages. Raises ``SettingsError`` with every problem.
    """
    env = env or {}
    at = where or (lambda _path: "")
    problems: list[str] = []

    def problem(path: str, message: str) -> None:
        problems.append(f"{at(path)}{path}: {message}")

    values: dict[str, Any] = {}
    for name in sorted(config):
        if not name.startswith(f"{NAMESPACE}:"):
            continue
        key = BY_NAME.get(name)
        if key is None:
            problem(name, "unknown stack config key" + (_suggest(name, BY_NAME) or _KNOWN))
            continue
        raw = config[name]
        secret = name in secret_keys
        if secret and key.secret == "plain":
            problem(name, "is set as a secret but is not one; set it without --secret")
        elif secret:
            if raw:
                values[name] = seal(raw)
        elif key.secret == "secret" and raw:
            problem(name, f"must be a secret: pulumi config set --secret {name} <value>")
        else:
            decoded = _decode(key, raw, name, problem)
            if decoded is not None:
                values[name] = decoded

    settings = _build(values, config, env, problem)
    if problems:
        raise SettingsError(sorted(problems, key=_by_place))
    return settings


def _by_place(message: str) -> tuple[str, int, int, str]:
    """File, line and column order (``FILE:LINE:COL: ``-prefixed messages first)."""
    found = re.match(r"(.+?):(\d+):(\d+): ", message)
    if not found:
        return ("\uffff", 0, 0, message)
    return (found[1], int(found[2]), int(found[3]), message)


def _suggest(name: str, candidates: Collection[str]) -> str:
    """A case-only difference first (``grafanaURL``), else the closest spelling."""
    same = [c for c in candidates if c.lower() == name.lower()]
    return f"; did you mean '{same[0]}'?" if same else did_you_mean(name, candidates)


_KNOWN = "; known keys: " + ", ".join(sorted(BY_NAME))
Problem = Callable[[str, str], None]


def _decode(key: Key, raw: str, path: str, problem: Problem) -> Any:
    """Pulumi's string form → a checked JSON value, or ``None`` after reporting a problem."""
    if key.type in ("array", "object"):
        try:
            value = json.loads(raw)
        except ValueError:
            problem(path, f"expected {_type_name(key)}, got the text {raw!r}")
            return None
    elif key.type == "boolean":
        if raw not in ("true", "false"):
            problem(path, f"expected true or false, got {raw!r}")
            return None
        value = raw == "true"
    elif key.type == "integer":
        try:
            value = int(raw)
        except ValueError:
            problem(path, f"expected an integer, got {raw!r}")
            return None
    else:
        value = raw
        if raw[:1] in "[{":  # structured YAML handed to a string key arrives JSON-encoded
            try:
                structured = json.loads(raw)
            except ValueError:
                structured = None
            if isinstance(structured, list | dict):
                problem(path, f"expected a string, got {_json_type(structured)}")
                return None
    return value if _check(key, value, path, problem) else None


def _check(key: Key, value: Any, path: str, problem: Problem) -> bool:
    """Type, choices, items and object fields of a decoded JSON value; True when valid."""
    if _json_type(value) != _json_type_of(key.type):
        problem(path, f"expected {_type_name(key)}, got {_json_type(value)}")
        return False
    ok = True
    if key.choices and value not in key.choices:
        hint = did_you_mean(value, key.choices)
        problem(path, f"{value!r} is not one of {list(key.choices)}{hint}")
        ok = False
    if key.type == "array" and key.items:
        item = Key("", key.items, "")
        for i, element in enumerate(value):
            ok &= _check(item, element, f"{path}[{i}]", problem)
    if key.type == "object" and key.fields:
        known = {f.name: f for f in key.fields}
        for name, element in value.items():
            sub = known.get(name)
            if sub is None:
                hint = _suggest(name, known) or "; known: " + ", ".join(sorted(known))
                problem(f"{path}.{name}", "unknown key" + hint)
                ok = False
            elif element is not None:
                ok &= _check(sub, element, f"{path}.{name}", problem)
    if key.type == "object" and key.values:
        pattern, form = key.key_form or (r".*", "")
        item = Key("", key.values, "")
        for name, element in value.items():
            if not re.match(pattern, str(name)):
                problem(f"{path}.{name}", f"keys are {form}")
                ok = False
            ok &= _check(item, element, f"{path}.{name}", problem)
    return ok


def _json_type(value: Any) -> str:
    names = ((bool, "a boolean"), (int, "an integer"), (str, "a string"), (list, "an array"))
    for kind, name in names:
        if isinstance(value, kind):
            return name
    return "an object" if isinstance(value, dict) else f"{type(value).__name__}"


def _json_type_of(kind: JsonType) -> str:
    return {
        "string": "a string",
        "boolean": "a boolean",
        "integer": "an integer",
        "array": "an array",
        "object": "an object",
    }[kind]


def _type_name(key: Key) -> str:
    base = _json_type_of(key.type)
    return f"{base} of {key.items}s" if key.type == "array" and key.items else base


# --------------------------------------------------------------------------- cross-key rules


def _build(
    values: Mapping[str, Any],
    config: Mapping[str, str],
    env: Mapping[str, str],
    problem: Problem,
) -> StackSettings:
    def get(name: str) -> Any:
        """The key's value, else its table default; ``""`` (Pulumi.yaml's "unset") → None."""
        full = f"{NAMESPACE}:{name}"
        return values.get(full, BY_NAME[full].default) or None

    clients = values.get("vigil:clients", BY_NAME["vigil:clients"].default)
    if clients is not None:
        clients = tuple(dict.fromkeys(clients))
        if ALL_CLIENTS in clients:
            if len(clients) > 1:
                problem("vigil:clients", f"'{ALL_CLIENTS}' (every client) stands alone")
            clients = None
        elif not clients:
            problem("vigil:clients", f"lists no client; ['{ALL_CLIENTS}'] manages every client")
    for name in ("grafanaUrl", "zabbixUrl"):
        url = get(name)
        if url is not None and not _is_http_url(url):
            problem(f"vigil:{name}", f"expected an http(s) URL, got {url!r}")
    link_url = (get("grafanaUrl") or "").rstrip("/") or None
    grafana = _grafana(
        get("grafana") or {},
        link_url=link_url,
        provider_url=config.get(GRAFANA_URL) or env.get(ENV_GRAFANA_URL) or None,
        has_auth=bool(config.get(GRAFANA_AUTH)) or bool(env.get(ENV_GRAFANA_AUTH)),
        problem=problem,
    )
    return StackSettings(
        inventory=get("inventory") or BY_NAME["vigil:inventory"].default,
        clients=clients,
        aws_role_name=get("awsRoleName"),
        dashboard_url=link_url or (grafana.url if grafana.enabled else None),
        grafana=grafana,
        zabbix=_zabbix(get, env, config.get(PAGERDUTY_REGION) or env.get(ENV_PAGERDUTY_REGION)),
        out_of_scope=_out_of_scope(get("outOfScope") or {}, problem),
        **_fleet(get, clients, problem, grafana.notification_policy),
    )


def _fleet(
    get: Callable[[str], Any], clients: Any, problem: Problem, tree: str = "manage"
) -> dict[str, Any]:
    """``vigil:fleetRole`` and ``vigil:sharedStack``, which only make sense together, and the
    Grafana tree mode ``shared``, which only a site stack can use."""
    role = get("fleetRole") or "standalone"
    shared = get("sharedStack")
    if role not in FLEET_ROLES:
        problem("vigil:fleetRole", f"expected one of {', '.join(FLEET_ROLES)}, got {role!r}")
    elif role == "site" and not shared:
        problem("vigil:sharedStack", "a site stack (vigil:fleetRole: site) names its shared stack")
    elif role != "site" and shared:
        problem("vigil:sharedStack", f"only site stacks read a shared stack (this one is {role})")
    if tree == "shared" and role != "site":
        problem(
            "vigil:grafana.notificationPolicy",
            f"'shared' is for a fleet site stack (vigil:fleetRole: site); this one is {role}",
        )
    if role == "shared" and clients is not None:
        problem("vigil:clients", "the shared stack serves every client: leave vigil:clients unset")
    return {"fleet_role": role, "shared_stack": shared}


def _out_of_scope(raw: Mapping[str, Any], problem: Problem) -> Mapping[str, OutOfScope]:
    """``vigil:outOfScope``: each entry names its sites and says why (both required, so a
    waiver is explicit and reviewable). Site ids are checked against the inventory by the
    program, which knows it."""
    found: dict[str, OutOfScope] = {}
    for tool, entry in sorted(raw.items()):
        path = f"vigil:outOfScope.{tool}"
        if not isinstance(entry, Mapping):
            continue  # the type check reported it
        sites, reason = entry.get("sites"), entry.get("reason")
        if not sites:
            problem(path, f"needs sites: the site ids, or ['{ALL_CLIENTS}'] for every site")
            continue
        if not isinstance(reason, str) or not reason.strip():
            problem(
                path, "needs a reason: why this stack does not provide it (the report shows it)"
            )
            continue
        ids = tuple(sites)
        if ALL_CLIENTS in ids and len(ids) > 1:
            problem(f"{path}.sites", f"'{ALL_CLIENTS}' (every site) stands alone")
            continue
        everyone = ids == (ALL_CLIENTS,)
        found[tool] = OutOfScope(tool, None if everyone else ids, reason.strip())
    return frozen_map(found)


def _is_http_url(url: str) -> bool:
    parts = urlparse(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _grafana(
    raw: Mapping[str, Any],
    *,
    link_url: str | None,
    provider_url: str | None,
    has_auth: bool,
    problem: Problem,
) -> GrafanaSettings:
    """Whether Grafana is deployed and with which options.

    Without auth (and no explicit ``enabled: true``) Grafana is skipped with a reason the plan
    prints: a stack without Grafana is a valid choice, not an error.
    """
    given = {k: v for k, v in raw.items() if v is not None and v != ""}  # keeps enabled: false
    raw = {**{f.name: f.default for f in GRAFANA_FIELDS}, **given}
    explicit = raw.get("enabled")
    enabled = bool(explicit) if explicit is not None else has_auth
    reason = ""
    if not enabled:
        reason = (
            "vigil:grafana.enabled is false"
            if explicit is not None
            else "Grafana not configured (set grafana:url and the secret grafana:auth)"
        )
    elif not (provider_url or link_url):
        problem(
            "vigil:grafana.enabled", "Grafana enabled but neither grafana:url nor GRAFANA_URL set"
        )
    access = _grafana_access(raw, problem)
    return GrafanaSettings(
        enabled=enabled,
        skip_reason=reason,
        url=(link_url or provider_url or "").rstrip("/"),
        cloudwatch_datasources=frozen_map(raw["cloudwatchDatasources"]),
        zabbix_datasource_uid=raw["zabbixDatasourceUid"],
        notification_policy=raw["notificationPolicy"],
        default_contact_point=raw["defaultContactPoint"],
        **access,
    )


def _grafana_access(raw: Mapping[str, Any], problem: Problem) -> dict[str, Any]:
    """The account-reading options of ``vigil:grafana``, each checked (``vigil.grafana.
    datasources``): a role template with the one ``{account}`` placeholder, 12-digit ids."""
    base = "vigil:grafana"
    template = raw.get("cloudwatchAssumeRoleArn") or None
    if template is not None:
        bad = assume_role_problem(template)
        if bad:
            problem(f"{base}.cloudwatchAssumeRoleArn", bad)
            template = None

    def account(path: str, value: Any) -> str | None:
        if value is None or ACCOUNT_ID.match(str(value)):
            return value
        problem(path, f"expected a 12-digit AWS account id (quoted), got {value!r}")
        return None

    own = account(f"{base}.awsAccountId", raw.get("awsAccountId") or None)
    cross = raw.get("crossAccountObservability") or {}
    monitoring = account(
        f"{base}.crossAccountObservability.monitoringAccount", cross.get("monitoringAccount")
    )
    sources = tuple(
        a
        for i, value in enumerate(cross.get("sourceAccounts") or ())
        if (a := account(f"{base}.crossAccountObservability.sourceAccounts[{i}]", value))
    )
    if cross and monitoring is None and "monitoringAccount" not in cross:
        problem(f"{base}.crossAccountObservability", "missing monitoringAccount")
    return {
        "cloudwatch_assume_role_arn": template,
        "aws_account_id": own,
        "monitoring_account": monitoring,
        "source_accounts": sources,
    }


def _zabbix(
    get: Callable[[str], Any], env: Mapping[str, str], pagerduty_region: str | None
) -> ZabbixSettings:
    url = get("zabbixUrl")
    if url is None and not env.get(ENV_ZABBIX_URL):
        return ZabbixSettings(
            enabled=False,
            skip_reason="no vigil:zabbixUrl in the stack config and no ZABBIX_URL in the "
            "environment",
        )
    return ZabbixSettings(
        enabled=True,
        url=url,
        token=get("zabbixApiToken"),
        user=get("zabbixUser"),
        password=get("zabbixPassword"),
        pagerduty_region=(pagerduty_region or "us").strip().lower(),
    )


# --------------------------------------------------------------------------- Pulumi.yaml


def pulumi_declarations() -> dict[str, dict[str, Any]]:
    """The ``config:`` block of ``Pulumi.yaml`` for ``KEYS`` (project keys, no namespace).

    Pulumi's project config schema types a key as ``string``, ``boolean``, ``integer`` or
    ``array`` (sdk/go/common/workspace/project.json ``simpleConfigType``), so object-valued keys
    (``vigil:grafana``) are left out and checked by vigil only. ``secret: true`` is not
    declared either: Pulumi then demands the key be set (no default may be given) and vigil's
    secrets are optional; vigil enforces ``--secret`` itself.
    """
    block: dict[str, dict[str, Any]] = {}
    for key in KEYS:
        if key.type == "object":
            continue
        entry: dict[str, Any] = {"type": key.type, "description": key.description}
        if key.items:
            entry["items"] = {"type": key.items}
        entry["default"] = key.default
        block[key.name] = entry
    return block
