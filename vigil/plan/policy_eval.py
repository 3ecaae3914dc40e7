"""Evaluate the CrossGuard policies on a recorded graph the way the policy analyzer would.

Mirrors ``pulumi_policy``'s analyzer: resource policies get one ``ResourceValidationArgs`` per
resource, stack policies one ``StackValidationArgs`` with parents and dependencies linked;
enforcement level = pack config → policy → pack default; ``disabled`` skips, ``remediate``
reports as mandatory; values unknown at preview make the policy advisory-only.

The pack is read from a registry module (``policies/registry.py``) that lists the policies
without constructing ``PolicyPack`` (which would start a gRPC server and block).
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.policy import _NotApplicableError
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from vigil.plan.record import Graph, Resource, secrets_as_unknown

DEFAULT_PACK = "vigil-coverage"
REGISTRY_MODULES = ("policies.pack", "policies.registry", "policies")


@dataclass
class PolicySet:
    """A policy pack's contents, as ``policies/__main__.py`` would hand them to ``PolicyPack``."""

    pack: str
    policies: list[Policy]
    enforcement_level: EnforcementLevel = EnforcementLevel.ADVISORY
    config: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, order=True)
class Violation:
    site: str  # "" for team-level or stack-wide violations; sorts first
    policy: str
    urn: str
    level: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {
            "policy": self.policy,
            "level": self.level,
            "urn": self.urn,
            "site": self.site or None,
            "message": self.message,
        }


def _attr(module: Any, *names: str, default: Any = None) -> Any:
    for name in names:
        value = getattr(module, name, None)
        if value is not None:
            return value() if callable(value) and not isinstance(value, EnforcementLevel) else value
    return default


def load_policy_set(project_dir: str | Path | None = None) -> PolicySet:
    """Find the registry (``policies/pack.py``): ``PACK_NAME``, ``policies()`` (or
    ``POLICIES``), optional ``DEFAULT_ENFORCEMENT`` and ``default_config()``."""
    names = REGISTRY_MODULES
    if project_dir is not None:
        if str(project_dir) not in sys.path:
            sys.path.insert(0, str(project_dir))
        # Only modules that exist in *this* project: an editable install of another checkout
        # would otherwise answer `policies.pack` for a project that has none.
        pkg = Path(project_dir) / "policies"
        names = tuple(
            n
            for n in REGISTRY_MODULES
            if n == "policies" or (pkg / f"{n.split('.', 1)[1]}.py").is_file()
        )
    errors = []
    for name in names:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            errors.append(f"{name}: {exc}")
            continue
        found = _policies_of(module)
        if found is None:
            continue
        return PolicySet(
            pack=str(getattr(module, "PACK_NAME", DEFAULT_PACK)),
            policies=found,
            enforcement_level=_attr(
                module,
                "DEFAULT_ENFORCEMENT",
                "ENFORCEMENT_LEVEL",
                default=EnforcementLevel.ADVISORY,
            ),
            config=dict(_attr(module, "INITIAL_CONFIG", "default_config", default={})),
        )
    raise LookupError("no policy registry found (" + "; ".join(errors or ["no POLICIES"]) + ")")


def _policies_of(module: Any) -> list[Policy] | None:
    for attr in ("POLICIES", "policies", "all_policies", "ALL"):
        value = getattr(module, attr, None)
        if callable(value) and not isinstance(value, Policy) and not inspect.isclass(value):
            value = value()
        if isinstance(value, Iterable) and not isinstance(value, str | bytes):
            items = list(value)
            if items and all(isinstance(p, Policy) for p in items):
                return items
    return None


# --------------------------------------------------------------------------- evaluation


def _level_and_config(
    policy: Policy, policy_set: PolicySet
) -> tuple[EnforcementLevel, dict[str, Any]]:
    config: dict[str, Any] = {}
    schema = getattr(policy, "config_schema", None)
    for key, spec in (getattr(schema, "properties", None) or {}).items():
        if isinstance(spec, Mapping) and "default" in spec:
            config[key] = spec["default"]
    level = policy.enforcement_level or policy_set.enforcement_level
    for key in ("all", policy.name):
        entry = policy_set.config.get(key)
        if isinstance(entry, EnforcementLevel):
            level = entry
        elif isinstance(entry, str):
            level = EnforcementLevel(entry)
        elif isinstance(entry, Mapping):
            for k, v in entry.items():
                if k == "enforcementLevel":
                    level = EnforcementLevel(v) if isinstance(v, str) else v
                elif key == policy.name:
                    config[k] = v
    if level == EnforcementLevel.REMEDIATE:
        level = EnforcementLevel.MANDATORY
    return level, config


def _options(res: Resource) -> PolicyResourceOptions:
    opts = res.options
    return PolicyResourceOptions(
        protect=bool(opts.get("protect", False)),
        ignore_changes=list(opts.get("ignoreChanges", [])),
        delete_before_replace=opts.get("deleteBeforeReplace"),
        aliases=list(opts.get("aliases", [])),
        custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
        additional_secret_outputs=list(opts.get("additionalSecretOutputs", [])),
        parent=res.parent,
    )


def _run(result: Any) -> None:
    if result is not None and inspect.isawaitable(result):
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(result)
        finally:
            loop.close()


Progress = Callable[[int, int], None]


def evaluate(
    graph: Graph, policy_set: PolicySet, progress: Progress | None = None
) -> list[Violation]:
    """Every violation of the pack on ``graph``, sorted by site, policy, URN."""
    found: set[Violation] = set()
    site_of = {r.urn: r.site or "" for r in graph.resources}
    props = {r.urn: policy_props(r) for r in graph.resources}
    providers = {
        r.urn: PolicyProviderResource(r.type, props[r.urn], r.urn, r.name)
        for r in graph.resources
        if r.type.startswith("pulumi:providers:")
    }

    def reporter(policy: Policy, level: EnforcementLevel, default_urn: str | None):
        def report(message: str = "", urn: str | None = None) -> None:
            target = default_urn or urn or ""
            text = message or policy.description
            found.add(Violation(site_of.get(target, ""), policy.name, target, level.value, text))

        return report

    def guarded(policy: Policy, urn: str, call: Callable[[], Any]) -> None:
        try:
            _run(call())
        except _NotApplicableError:
            pass
        except UnknownValueError as exc:
            msg = f"can't run policy '{policy.name}' offline: {exc.message}"
            found.add(Violation(site_of.get(urn, ""), policy.name, urn, "advisory", msg))
        except Exception as exc:
            msg = f"policy raised {type(exc).__name__}: {exc}"
            found.add(Violation(site_of.get(urn, ""), policy.name, urn, "mandatory", msg))

    resource_policies = []
    stack_policies = []
    for policy in policy_set.policies:
        level, config = _level_and_config(policy, policy_set)
        if level == EnforcementLevel.DISABLED:
            continue
        if isinstance(policy, ResourceValidationPolicy) and policy.has_validation():
            resource_policies.append((policy, level, config))
        elif isinstance(policy, StackValidationPolicy):
            stack_policies.append((policy, level, config))

    sites_total = sum(1 for r in graph.resources if r.type == "vigil:index:SiteMonitoring")
    seen_sites: set[str] = set()
    for res in graph.resources:
        provider = providers.get(res.provider or "")
        opts = _options(res)
        for policy, level, config in resource_policies:
            args = ResourceValidationArgs(
                res.type, props[res.urn], res.urn, res.name, opts, provider, config
            )
            guarded(
                policy,
                res.urn,
                lambda p=policy, a=args, lv=level, u=res.urn: p.validate(a, reporter(p, lv, u)),
            )
        if progress and res.site and res.site not in seen_sites:
            seen_sites.add(res.site)
            progress(len(seen_sites), sites_total)

    if stack_policies:
        resources = _policy_resources(graph, props, providers)
        for policy, level, config in stack_policies:
            args = StackValidationArgs(resources, config)
            guarded(
                policy, "", lambda p=policy, a=args, lv=level: p.validate(a, reporter(p, lv, None))
            )
    return sorted(found)


def policy_props(res: Resource) -> Mapping[str, Any]:
    """What the analyzer hands a policy: inputs (secrets in clear when recorded live, unknown
    when masked in a saved plan) behind pulumi-policy's unknown-checking proxy."""
    data = res.revealed if res.revealed is not None else res.inputs
    return unknown_checking_proxy(secrets_as_unknown(data))


def _policy_resources(
    graph: Graph,
    props: Mapping[str, Mapping[str, Any]],
    providers: Mapping[str, PolicyProviderResource],
) -> list[PolicyResource]:
    out: dict[str, PolicyResource] = {}
    for res in graph.resources:
        out[res.urn] = PolicyResource(
            res.type,
            props[res.urn],
            res.urn,
            res.name,
            _options(res),
            providers.get(res.provider or ""),
            None,
            [],
            {},
        )
    for res in graph.resources:
        pr = out[res.urn]
        if res.parent in out:
            pr.parent = out[res.parent]
        pr.dependencies = [out[d] for d in res.dependencies if d in out]
    return list(out.values())


def has_mandatory(violations: Iterable[Violation]) -> bool:
    return any(v.level == EnforcementLevel.MANDATORY.value for v in violations)
