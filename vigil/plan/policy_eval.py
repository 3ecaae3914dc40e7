"""Evaluate the CrossGuard policies offline the way the policy analyzer would.

The one offline evaluator: ``vigil plan``/``vigil check`` run it on a recorded graph
(:func:`evaluate`), the pack's tests through ``policies.evaluate`` on hand-built records
(:func:`evaluate_resources`). Mirrors ``pulumi_policy``'s analyzer: resource policies get one
``ResourceValidationArgs`` per resource with its provider, stack policies one
``StackValidationArgs`` with parents and dependencies linked; enforcement level = pack config →
policy → pack default; ``disabled`` skips, ``remediate`` reports as mandatory; values unknown at
preview make the policy advisory-only ("cannot verify until apply"); a policy that crashes is
reported as a mandatory violation, not raised.

The pack is read from its registry module (``policies/pack.py``), which lists the policies
without constructing ``PolicyPack`` (that would start a gRPC server and block).
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import inspect
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
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

from policies.graph import Graph
from vigil.plan.record import Recording, Resource, secrets_as_unknown
from vigil.resource_types import SITE

DEFAULT_PACK = "vigil-coverage"


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

    def as_json(self) -> dict[str, str | None]:
        return {
            "policy": self.policy,
            "level": self.level,
            "urn": self.urn,
            "site": self.site or None,
            "message": self.message,
        }


COVERED_POLICY = "every-site-covered"
PACK_MODULE = "policies.pack"
"""The pack's registry: ``PACK_NAME``, ``DEFAULT_ENFORCEMENT``, ``policies()`` and
``default_config()`` (``--policy-pack-config`` shape), without constructing ``PolicyPack``."""


def load_policy_set(project_dir: str | Path) -> PolicySet:
    """The policy set of the project's ``policies/pack.py`` (``LookupError`` if it has none).

    Imported as ``policies.pack`` when that is this file (vigil itself); a project whose
    ``policies`` name is already taken by another package (vigil's, imported for the graph)
    gets its file loaded by path, so its own pack is checked, never vigil's.
    """
    project_dir = Path(project_dir).resolve()
    pack_file = project_dir / "policies" / "pack.py"
    if not pack_file.is_file():
        raise LookupError(f"{pack_file}: no policy pack registry")
    if str(project_dir) not in sys.path:
        sys.path.insert(0, str(project_dir))
    try:
        module = importlib.import_module(PACK_MODULE)
    except ImportError:
        module = None
    if module is None or Path(module.__file__ or "").resolve() != pack_file:
        name = f"vigil_project_pack_{abs(hash(str(pack_file)))}"
        spec = importlib.util.spec_from_file_location(name, pack_file)
        if spec is None or spec.loader is None:
            raise LookupError(f"{pack_file}: cannot be imported")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return policy_set_of(module)


def policy_set_of(module: Any) -> PolicySet:
    """A registry module (``policies/pack.py`` contract) as a `PolicySet`."""
    return PolicySet(
        pack=str(module.PACK_NAME),
        policies=list(module.policies()),
        enforcement_level=module.DEFAULT_ENFORCEMENT,
        config=dict(module.default_config()),
    )


UNVERIFIED = "cannot verify until apply"
"""How an ``UnknownValueError`` (values known only after apply) is reported: advisory."""


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


def resource_options(options: Mapping[str, Any], parent: str | None) -> PolicyResourceOptions:
    """``PolicyResourceOptions`` from recorded options (wire names; absent ones default)."""
    return PolicyResourceOptions(
        protect=bool(options.get("protect", False)),
        ignore_changes=list(options.get("ignoreChanges", [])),
        delete_before_replace=options.get("deleteBeforeReplace"),
        aliases=list(options.get("aliases", [])),
        custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
        additional_secret_outputs=list(options.get("additionalSecretOutputs", [])),
        parent=parent,
    )


@dataclass(frozen=True)
class Node:
    """One resource as the engine hands it to the analyzer, before linking."""

    type: str
    urn: str
    name: str
    props: Mapping[str, Any]
    opts: PolicyResourceOptions
    parent: str | None = None
    provider: str | None = None  # provider URN or reference ``<urn>::<id>``
    dependencies: Sequence[str] = ()
    property_dependencies: Mapping[str, Sequence[str]] = field(default_factory=dict)


def link(nodes: Iterable[Node]) -> list[PolicyResource]:
    """``PolicyResource``s with parent, provider and dependencies linked as the analyzer does."""
    nodes = list(nodes)
    by_urn = {
        n.urn: PolicyResource(n.type, n.props, n.urn, n.name, n.opts, None, None, [], {})
        for n in nodes
    }
    for n in nodes:
        res = by_urn[n.urn]
        res.parent = by_urn.get(n.parent or "")
        res.provider = _provider(by_urn, n.provider)
        res.dependencies = [by_urn[u] for u in n.dependencies if u in by_urn]
        res.property_dependencies = {
            key: [by_urn[u] for u in urns if u in by_urn]
            for key, urns in n.property_dependencies.items()
        }
    return list(by_urn.values())


def _provider(
    by_urn: Mapping[str, PolicyResource], ref: str | None
) -> PolicyProviderResource | None:
    if not ref:
        return None
    target = by_urn.get(ref) or by_urn.get(ref.rsplit("::", 1)[0])
    if target is None:
        return None
    return PolicyProviderResource(target.resource_type, target.props, target.urn, target.name)


def _run(result: Any) -> None:
    if result is not None and inspect.isawaitable(result):
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(result)
        finally:
            loop.close()


Progress = Callable[[int, int], None]


def evaluate_resources(
    resources: Sequence[PolicyResource],
    policy_set: PolicySet,
    site_of: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> list[Violation]:
    """Every violation of the pack on linked ``resources``, in the order the analyzer reports
    them: per resource its resource policies (pack order), then the stack policies.

    ``site_of`` maps URNs to site ids (for grouping and ``progress``).
    """
    site_of = site_of or {}
    found: list[Violation] = []

    def reporter(
        policy: Policy, level: EnforcementLevel, default_urn: str | None
    ) -> Callable[[str, str | None], None]:
        def report(message: str = "", urn: str | None = None) -> None:
            target = default_urn or urn or ""
            text = message or policy.description
            found.append(Violation(site_of.get(target, ""), policy.name, target, level.value, text))

        return report

    def guarded(policy: Policy, urn: str, call: Callable[[], Any]) -> None:
        try:
            _run(call())
        except _NotApplicableError:
            pass
        except UnknownValueError as exc:
            msg = exc.message
            if not msg.startswith(UNVERIFIED):
                msg = f"{UNVERIFIED}: {msg}"
            found.append(Violation(site_of.get(urn, ""), policy.name, urn, "advisory", msg))
        except Exception as exc:
            msg = f"policy raised {type(exc).__name__}: {exc}"
            found.append(Violation(site_of.get(urn, ""), policy.name, urn, "mandatory", msg))

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

    sites_total = sum(1 for r in resources if r.resource_type == SITE)
    seen_sites: set[str] = set()
    for res in resources:
        for rpolicy, level, config in resource_policies:
            args = ResourceValidationArgs(
                res.resource_type, res.props, res.urn, res.name, res.opts, res.provider, config
            )
            report = reporter(rpolicy, level, res.urn)
            guarded(rpolicy, res.urn, partial(rpolicy.validate, args, report))
        site = site_of.get(res.urn)
        if progress and site and site not in seen_sites:
            seen_sites.add(site)
            progress(len(seen_sites), sites_total)

    for spolicy, level, config in stack_policies:
        stack_args = StackValidationArgs(list(resources), config)
        guarded(spolicy, "", partial(spolicy.validate, stack_args, reporter(spolicy, level, None)))
    return found


def policy_resources(recording: Recording) -> list[PolicyResource]:
    """The recording as the analyzer hands it to policies: linked ``PolicyResource``s."""
    return link(
        Node(
            r.type,
            r.urn,
            r.name,
            policy_props(r),
            resource_options(r.options, r.parent),
            r.parent,
            r.provider,
            r.dependencies,
        )
        for r in (*recording.resources, *recording.referenced)
    )


def graph_of(recording: Recording) -> Graph:
    """The one resource graph (`policies.graph.Graph`) of a recording: what coverage, alert
    paths and reports read, with the same links the policies follow."""
    return Graph(policy_resources(recording))


def covered_config(policy_set: PolicySet | None) -> dict[str, Any]:
    """The pack's config of ``every-site-covered`` (what "covered" requires), for coverage."""
    entry = (policy_set.config if policy_set else {}).get(COVERED_POLICY)
    if not isinstance(entry, Mapping):
        return {}
    return {k: v for k, v in entry.items() if k != "enforcementLevel"}


def evaluate(
    recording: Recording,
    policy_set: PolicySet,
    progress: Progress | None = None,
    resources: Sequence[PolicyResource] | None = None,
) -> list[Violation]:
    """Every violation of the pack on a recording (or its already linked ``resources``),
    once each, sorted by site, policy, URN."""
    if resources is None:
        resources = policy_resources(recording)
    site_of = {r.urn: r.site or "" for r in recording.resources}
    return sorted(set(evaluate_resources(resources, policy_set, site_of, progress)))


def policy_props(res: Resource) -> Mapping[str, Any]:
    """What the analyzer hands a policy: inputs (secrets in clear when recorded live, unknown
    when masked in a saved plan) behind pulumi-policy's unknown-checking proxy."""
    data = res.revealed if res.revealed is not None else res.inputs
    return unknown_checking_proxy(secrets_as_unknown(data))


def has_mandatory(violations: Iterable[Violation]) -> bool:
    return any(v.level == EnforcementLevel.MANDATORY.value for v in violations)
