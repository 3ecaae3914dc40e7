"""Walking vigil's resource graph from inside a policy: sites, links, tags, unknown values.

Policies see resource *inputs* (``ResourceValidationArgs``) or the stack's resources
(``StackValidationArgs``, whose props are outputs after apply and inputs with unknowns during
preview). Everything here works on both, and on records from the offline plan engine.

Unknown values: pulumi-policy wraps props in a proxy that raises ``UnknownValueError`` on an
unknown. Letting that escape aborts the whole policy, hiding the real violations found so far,
so policies read props through :func:`plain` (unknowns become visible sentinels), report what
they *can* prove is wrong, collect what they cannot decide in an :class:`Unverified`, and raise
:class:`CannotVerifyUntilApply` at the end. The policy host turns that exception into an
*advisory* diagnostic ("cannot verify until apply"), never a pass and never a crash.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from pulumi_policy import PolicyResource
from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
    _DictProxy,
    _ListProxy,
)
from pulumi_policy.secret import _DictSecretsProxy, _ListSecretsProxy

# Standard tags live in vigil.naming (the components set them); re-exported likewise.
from vigil.naming import (  # noqa: F401
    GRAFANA_SITE_LABEL,
    MANAGED_BY,
    REQUIRED_TAGS,
    TAG_AVAILABILITY,
    TAG_CLIENT,
    TAG_MANAGED_BY,
    TAG_SEVERITY,
    TAG_SITE,
    TAG_TIER,
)

# Type tokens live in vigil.resource_types; re-exported here for the policy modules.
from vigil.resource_types import (  # noqa: F401
    AWS_PROVIDER,
    CLOUDWATCH_COMPONENT,
    DYNAMIC,
    DYNAMIC_PREFIX,
    GRAFANA_COMPONENT,
    GRAFANA_CONTACT_POINT,
    GRAFANA_DASHBOARD,
    GRAFANA_DATASOURCE,
    GRAFANA_FOLDER,
    GRAFANA_RULE_GROUP,
    HEALTH_CHECK,
    METRIC_ALARM,
    PD_ESCALATION_POLICY,
    PD_INTEGRATION,
    PD_SCHEDULE,
    PD_SERVICE,
    SITE,
    SITE_SERVICE_COMPONENT,
    SNS_SUBSCRIPTION,
    SNS_TOPIC,
    SNS_TOPIC_POLICY,
    SQS_QUEUE,
    SQS_QUEUE_POLICY,
    TEAM_ONCALL,
    ZABBIX_COMPONENT,
)

T = TypeVar("T")

# --------------------------------------------------------------------------- unknown values

UNKNOWN_SENTINELS = frozenset(
    {
        UNKNOWN_BOOLEAN_VALUE,
        UNKNOWN_NUMBER_VALUE,
        UNKNOWN_STRING_VALUE,
        UNKNOWN_ARRAY_VALUE,
        UNKNOWN_ASSET_VALUE,
        UNKNOWN_ARCHIVE_VALUE,
        UNKNOWN_OBJECT_VALUE,
    }
)
"""The wire sentinels of unknown values (the same strings the Pulumi SDK uses)."""

UNKNOWN = UNKNOWN_STRING_VALUE
"""Sentinel to write unknown values in tests and recorded plans."""

MASKED_SECRET = "[secret]"
"""How offline plans write secret values; policies treat them like unknowns."""


def is_unknown(value: Any) -> bool:
    return isinstance(value, str) and value in UNKNOWN_SENTINELS


def contains_unknown(value: Any) -> bool:
    """Whether ``value`` is unknown or holds an unknown anywhere inside it."""
    if is_unknown(value):
        return True
    if isinstance(value, Mapping):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(contains_unknown(v) for v in value)
    return False


_SCALARS = frozenset({str, int, float, bool, type(None)})
_DICT_PROXIES = frozenset({_DictProxy, _DictSecretsProxy})
_LIST_PROXIES = frozenset({_ListProxy, _ListSecretsProxy})


def plain(value: Any) -> Any:
    """``value`` without pulumi-policy's unknown-checking proxies; unknowns stay sentinels.

    The proxies (``pulumi_policy.proxy``, ``pulumi_policy.secret``) wrap every nested dict and
    list, so this recurses; it reads each proxy's ``__target`` (reading through the proxy
    would raise on an unknown) and dispatches on the exact type first: a stack's props are
    millions of values, most of them scalars."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind in _DICT_PROXIES:
        return {k: plain(v) for k, v in value["__target"].items()}
    if kind in _LIST_PROXIES:
        return [plain(v) for v in value["__target"]]
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _proxy_target(value: Any) -> Any:
    if type(value) in _DICT_PROXIES or type(value) in _LIST_PROXIES:
        return value["__target"]
    return None


class CannotVerifyUntilApply(UnknownValueError):
    """Raised at the end of a policy when some checks depend on values known only after apply.

    Subclassing ``UnknownValueError`` makes the pulumi-policy host report it as an advisory
    diagnostic; violations reported before the raise stay in the response.
    """

    def __init__(self, items: Sequence[str]) -> None:
        Exception.__init__(self)
        self.unknown_type_sentinel = UNKNOWN_STRING_VALUE
        self.props = []
        self.items = list(items)
        self.message = "cannot verify until apply: " + "; ".join(self.items)

    def __str__(self) -> str:
        return self.message


@dataclass
class Unverified:
    """Collects the checks a policy could not decide because a value is unknown."""

    items: list[str] = field(default_factory=list)

    def add(self, what: str) -> None:
        if what not in self.items:
            self.items.append(what)

    def raise_if_any(self) -> None:
        if self.items:
            raise CannotVerifyUntilApply(self.items)


# --------------------------------------------------------------------------- small readers


def prop(props: Any, key: str, default: Any = None) -> Any:
    """A top-level prop as plain data; ``default`` when absent (only that prop is copied)."""
    if props is None:
        return default
    target = _proxy_target(props)
    data = target if target is not None else props
    if not isinstance(data, Mapping) or key not in data:
        return default
    return plain(data[key])


def tags_of(props: Any) -> Mapping[str, Any] | str | None:
    """The resource's tags (``tags`` input or ``tagsAll`` output); a sentinel when unknown."""
    tags = prop(props, "tags")
    if tags is None:
        tags = prop(props, "tagsAll")
    return tags


def number(value: Any) -> float | None:
    """Numbers arrive as float over gRPC, int under mocks, sometimes as strings."""
    if isinstance(value, bool) or value is None or is_unknown(value):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def as_bool(value: Any, default: bool = False) -> bool:
    if value is None:
        return default
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes"}
    return bool(value)


def fmt_minutes(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def config(args: Any, defaults: Mapping[str, Any]) -> dict[str, Any]:
    """The policy's config from the pack config, falling back to the module's defaults.

    The Pulumi CLI fills schema defaults itself, but direct callers (tests, ``vigil plan``)
    may not, so every policy reads through this.
    """
    merged = dict(defaults)
    for key, value in dict(args.get_config() or {}).items():
        if key != "enforcementLevel" and value is not None:
            merged[key] = value
    return merged


# --------------------------------------------------------------------------- sites


@dataclass(frozen=True)
class SiteInfo:
    """What a ``vigil:index:SiteMonitoring`` component tells policies about its site."""

    resource: PolicyResource
    site_id: str
    client: str
    tier: str
    response_sla_minutes: float | None
    support_24x7: bool
    owner_team: str
    zabbix_enabled: bool
    grafana_enabled: bool
    source_file: str = ""
    """The inventory file the site came from (``sourceFile`` prop), relative to the project."""
    missing: tuple[str, ...] = ()
    """Policy-facing props the component does not expose (absent or unknown)."""

    @property
    def file(self) -> str:
        """Where messages send the reader: the site's own file as the component reports it."""
        return self.source_file or f"the inventory file of site {self.site_id}"

    @property
    def urn(self) -> str:
        return self.resource.urn


SITE_PROPS = ("siteId", "client", "tier", "responseSlaMinutes", "support24x7", "ownerTeam")
"""Props of ``SiteMonitoring`` the policies rely on.

The engine gives stack policies each resource's *outputs*; for a component those are what it
passes to ``register_outputs``, so the component must register these props there too.
"""


def site_info(resource: PolicyResource) -> SiteInfo:
    props = plain(resource.props) or {}
    site_id = props.get("siteId")
    client = props.get("client")
    source = props.get("sourceFile")
    return SiteInfo(
        resource=resource,
        site_id=site_id if isinstance(site_id, str) and not is_unknown(site_id) else resource.name,
        client=client if isinstance(client, str) and not is_unknown(client) else "",
        tier=str(props.get("tier") or ""),
        response_sla_minutes=number(props.get("responseSlaMinutes")),
        support_24x7=as_bool(props.get("support24x7")),
        owner_team=str(props.get("ownerTeam") or ""),
        zabbix_enabled=as_bool(props.get("zabbixEnabled"), default=True),
        grafana_enabled=as_bool(props.get("grafanaEnabled"), default=True),
        source_file=source if isinstance(source, str) and not is_unknown(source) else "",
        missing=tuple(k for k in SITE_PROPS if props.get(k) is None or is_unknown(props.get(k))),
    )


def report_site_props(site: SiteInfo, needed: tuple[str, ...], report: Any) -> bool:
    """Report (mandatory) a site component that hides props a check needs; True if it did.

    Without them the check would silently pass, so this is a violation, not an advisory.
    """
    hidden = [k for k in needed if k in site.missing]
    if hidden:
        report(
            f"site {site.site_id}: its vigil:index:SiteMonitoring component does not expose "
            f"{', '.join(hidden)}, so this cannot be proven. The component must pass its props "
            f"to register_outputs as well (stack policies see outputs).",
            site.urn,
        )
    return bool(hidden)


# --------------------------------------------------------------------------- the graph

_ID_SUFFIX = "-id"
_ARN_RE = re.compile(r"^arn:[^:]+:[^:]+:[^:]*:[^:]*:(?P<rest>.+)$")


class Graph:
    """Index over the stack's resources: by URN, type, parent; site of each resource; links.

    Links between resources are written as ids or ARNs in props. They are resolved, in order,
    from the target's ``id``/``arn`` output (real stack), the mock-runtime id ``<name>-id`` or an
    ARN ending in ``:<name>`` (tests, ``vigil plan``), then from ``property_dependencies`` (preview,
    where the id of a new resource is unknown but the dependency is recorded).
    """

    def __init__(self, resources: Iterable[PolicyResource]) -> None:
        self.resources: list[PolicyResource] = list(resources)
        self.by_urn: dict[str, PolicyResource] = {r.urn: r for r in self.resources}
        self.by_type: dict[str, list[PolicyResource]] = defaultdict(list)
        self.children: dict[str, list[PolicyResource]] = defaultdict(list)
        for res in self.resources:
            self.by_type[res.resource_type].append(res)
            parent = self.parent(res)
            if parent is not None:
                self.children[parent.urn].append(res)
        self.sites: list[SiteInfo] = [site_info(r) for r in self.of_type(SITE)]
        self._site_by_urn = {s.urn: s for s in self.sites}
        self._plain: dict[str, dict[str, Any]] = {}
        self._refs: dict[str, tuple[dict[str, list[PolicyResource]], ...]] = {}
        self._dynamic_by_site: dict[Any, list[PolicyResource]] | None = None
        self._memo: dict[str, Any] = {}

    def memo(self, key: str, build: Callable[[Graph], T]) -> T:
        """``build(self)``, once per graph: a policy's own index over the stack (``key``: the
        policy's name), so asking it per resource does not scan the stack per resource."""
        if key not in self._memo:
            self._memo[key] = build(self)
        return cast(T, self._memo[key])

    def dynamic_by_site(self) -> Mapping[Any, list[PolicyResource]]:
        """Dynamic resources (vigil's Zabbix objects) by their ``site`` input, indexed once:
        a policy asks per site, and scanning every resource per site is sites × resources."""
        if self._dynamic_by_site is None:
            index: dict[Any, list[PolicyResource]] = defaultdict(list)
            for res in self.resources:
                if res.resource_type.startswith(DYNAMIC_PREFIX):
                    site = prop(res.props, "site")
                    if isinstance(site, str):
                        index[site].append(res)
            self._dynamic_by_site = dict(index)
        return self._dynamic_by_site

    def props(self, res: PolicyResource) -> dict[str, Any]:
        """``res.props`` as plain data (memoised: policies read the same resources often)."""
        if res.urn not in self._plain:
            data = plain(res.props)
            self._plain[res.urn] = data if isinstance(data, dict) else {}
        return self._plain[res.urn]

    def of_type(self, token: str) -> list[PolicyResource]:
        return list(self.by_type.get(token, ()))

    def parent(self, res: PolicyResource) -> PolicyResource | None:
        if res.parent is not None:
            return res.parent
        parent_urn = getattr(res.opts, "parent", None) if res.opts is not None else None
        return self.by_urn.get(parent_urn) if parent_urn else None

    def ancestors(self, res: PolicyResource) -> Iterator[PolicyResource]:
        seen: set[str] = set()
        current = self.parent(res)
        while current is not None and current.urn not in seen:
            seen.add(current.urn)
            yield current
            current = self.parent(current)

    def ancestor(self, res: PolicyResource, token: str) -> PolicyResource | None:
        return next((a for a in self.ancestors(res) if a.resource_type == token), None)

    def descendants(self, res: PolicyResource, token: str | None = None) -> list[PolicyResource]:
        found: list[PolicyResource] = []
        stack = list(self.children.get(res.urn, ()))
        while stack:
            child = stack.pop()
            if token is None or child.resource_type == token:
                found.append(child)
            stack.extend(self.children.get(child.urn, ()))
        return sorted(found, key=lambda r: r.urn)

    def site_of(self, res: PolicyResource) -> SiteInfo | None:
        """The site a resource belongs to: its ``SiteMonitoring`` ancestor, else its tags."""
        if res.resource_type == SITE:
            return self._site_by_urn.get(res.urn)
        ancestor = self.ancestor(res, SITE)
        if ancestor is not None:
            return self._site_by_urn.get(ancestor.urn)
        tags = tags_of(res.props)
        if isinstance(tags, Mapping):
            wanted = tags.get(TAG_SITE)
            return next((s for s in self.sites if s.site_id == wanted), None)
        return None

    # ------------------------------------------------------------------ links

    def resolve(
        self, holder: PolicyResource, prop_name: str, value: Any, token: str
    ) -> list[PolicyResource] | None:
        """Resources of type ``token`` that ``value`` (an id or ARN in ``holder.prop_name``) names.

        ``[]`` when the value is known and names nothing in the stack; ``None`` when it cannot be
        decided (unknown value and no recorded dependency).
        """
        deps = [
            d
            for d in (holder.property_dependencies or {}).get(prop_name, ())
            if d.resource_type == token
        ]
        if value is not None and not is_unknown(value):
            direct = self.lookup(token, value)
            # A real stack's inputs may not carry the target's id; the dependency still links.
            return direct or (deps if len(deps) == 1 else [])
        return deps if len(deps) == 1 else None

    def lookup(self, token: str, ref: Any) -> list[PolicyResource]:
        """Resources of type ``token`` named by the id or ARN ``ref`` (indexed, see ``resolve``)."""
        if not isinstance(ref, str) or not ref or is_unknown(ref):
            return []
        exact, by_name = self._index(token)
        found = list(exact.get(ref, ()))
        match = _ARN_RE.match(ref)
        if match:
            last = re.split(r"[:/]", match.group("rest"))[-1]
            region = ref.split(":")[3]
            found += [r for r in by_name.get(last, ()) if _same_region(r, region)]
        unique = {r.urn: r for r in found}
        return [unique[k] for k in sorted(unique)]

    def _index(self, token: str) -> tuple[dict[str, list[PolicyResource]], ...]:
        if token not in self._refs:
            exact: dict[str, list[PolicyResource]] = defaultdict(list)
            by_name: dict[str, list[PolicyResource]] = defaultdict(list)
            for res in self.of_type(token):
                props = self.props(res)
                for key in ("id", "arn"):
                    own = props.get(key)
                    if isinstance(own, str) and not is_unknown(own):
                        exact[own].append(res)
                exact[res.name + _ID_SUFFIX].append(res)
                by_name[res.name].append(res)
                own_name = props.get("name")
                if isinstance(own_name, str) and own_name != res.name:
                    by_name[own_name].append(res)
            self._refs[token] = (exact, by_name)
        return self._refs[token]


def _same_region(res: PolicyResource, region: str) -> bool:
    """False only when both the ARN and the resource's provider name a different region."""
    if not region or res.provider is None:
        return True
    own = prop(res.provider.props, "region")
    return not isinstance(own, str) or is_unknown(own) or own == region
