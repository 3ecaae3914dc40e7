"""Run the pack without the Pulumi engine: tests and ``vigil plan`` (offline recording engine).

Mirrors what the pulumi-policy host does (resource policies per resource with its provider,
stack policies once over all resources with parents linked, props behind the unknown-checking
proxy, ``UnknownValueError`` → advisory "cannot verify until apply"), and returns violations as
data instead of gRPC diagnostics.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
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

from policies import pack


@dataclass(frozen=True)
class Violation:
    policy: str
    level: str  # "mandatory" | "advisory"
    message: str
    urn: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def enforcement(policy: Policy, config: Mapping[str, Any] | None) -> EnforcementLevel:
    """Level after pack config: ``{name: level}`` or ``{name: {"enforcementLevel": level}}``."""
    entry = (config or {}).get(policy.name)
    level = entry.get("enforcementLevel") if isinstance(entry, Mapping) else entry
    if isinstance(level, EnforcementLevel):
        return level
    if isinstance(level, str):
        return EnforcementLevel(level)
    return policy.enforcement_level or pack.DEFAULT_ENFORCEMENT


def policy_config(policy: Policy, config: Mapping[str, Any] | None) -> dict[str, Any]:
    entry = (config or {}).get(policy.name)
    if not isinstance(entry, Mapping):
        return {}
    return {k: v for k, v in entry.items() if k != "enforcementLevel"}


def evaluate(
    resources: Sequence[PolicyResource],
    config: Mapping[str, Any] | None = None,
    policies: Iterable[Policy] | None = None,
) -> list[Violation]:
    """Every violation the pack reports on ``resources`` (advisories included), in pack order.

    ``config`` has the shape of ``pulumi preview --policy-pack-config``:
    ``{"escalation-within-sla": {"maxFirstEscalationMinutes": 15}, "required-tags": "mandatory"}``.
    """
    found: list[Violation] = []
    for policy in policies if policies is not None else pack.policies():
        level = enforcement(policy, config)
        if level == EnforcementLevel.DISABLED:
            continue
        if level == EnforcementLevel.REMEDIATE:
            level = EnforcementLevel.MANDATORY
        cfg = policy_config(policy, config)
        if isinstance(policy, ResourceValidationPolicy):
            for res in resources:
                args = ResourceValidationArgs(
                    res.resource_type, res.props, res.urn, res.name, res.opts, res.provider, cfg
                )
                found.extend(_run(policy, args, level, res.urn))
        elif isinstance(policy, StackValidationPolicy):
            found.extend(_run(policy, StackValidationArgs(list(resources), cfg), level, None))
    return found


def _run(policy: Policy, args: Any, level: EnforcementLevel, urn: str | None) -> list[Violation]:
    out: list[Violation] = []

    def report(message: str, violation_urn: str | None = None) -> None:
        out.append(Violation(policy.name, level.value, message, violation_urn or urn))

    try:
        policy.validate(args, report)  # type: ignore[attr-defined]
    except UnknownValueError as exc:
        message = exc.message
        if not message.startswith("cannot verify until apply"):
            message = f"cannot verify until apply: {message}"
        out.append(Violation(policy.name, EnforcementLevel.ADVISORY.value, message, urn))
    except _NotApplicableError:
        pass
    return out


def mandatory(violations: Iterable[Violation]) -> list[Violation]:
    return [v for v in violations if v.level == EnforcementLevel.MANDATORY.value]


# --------------------------------------------------------------------------- recorded resources


def _opts(parent: str | None) -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], parent)


def resources_from_records(records: Iterable[Mapping[str, Any]]) -> list[PolicyResource]:
    """``PolicyResource``s from recorded resources, linked the way the policy host links them.

    A record is the plan JSON's resource entry: ``urn``, ``type``, ``name``, ``parent`` (URN or
    None), ``provider`` (provider reference ``<urn>::<id>``, a URN, or None), ``inputs`` (wire
    names, real values: do not redact secrets before evaluation; unknowns as the Pulumi
    sentinel strings), optional ``dependencies`` (URNs) and ``propertyDependencies``
    (``{prop: [URN]}``). Provider resources (``pulumi:providers:*``) should be included: their
    inputs (``region``) are what resource policies see as ``args.provider``.
    """
    records = list(records)
    by_urn: dict[str, PolicyResource] = {}
    for rec in records:
        urn = rec["urn"]
        by_urn[urn] = PolicyResource(
            rec["type"],
            unknown_checking_proxy(dict(rec.get("inputs") or {})),
            urn,
            rec.get("name") or urn.rsplit("::", 1)[-1],
            _opts(rec.get("parent")),
            None,
            None,
            [],
            {},
        )
    for rec in records:
        res = by_urn[rec["urn"]]
        res.parent = by_urn.get(rec.get("parent") or "")
        res.provider = _provider(by_urn, rec.get("provider"))
        res.dependencies = [by_urn[u] for u in rec.get("dependencies") or () if u in by_urn]
        res.property_dependencies = {
            key: [by_urn[u] for u in urns if u in by_urn]
            for key, urns in (rec.get("propertyDependencies") or {}).items()
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
