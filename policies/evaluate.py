"""Run the pack without the Pulumi engine, on plan-style records (the pack's tests).

A thin adapter over :mod:`vigil.plan.policy_eval`, the one offline evaluator (``vigil plan``
uses it too): records become linked ``PolicyResource``s, and the pack's registry
(:mod:`policies.pack`) becomes the policy set.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pulumi_policy import Policy, PolicyResource
from pulumi_policy.proxy import unknown_checking_proxy

from policies import pack
from vigil.plan.policy_eval import (
    Node,
    PolicySet,
    Violation,
    evaluate_resources,
    link,
    resource_options,
)

__all__ = ["Violation", "evaluate", "resources_from_records"]


def evaluate(
    resources: Sequence[PolicyResource],
    config: Mapping[str, Any] | None = None,
    policies: Iterable[Policy] | None = None,
) -> list[Violation]:
    """Every violation the pack reports on ``resources`` (advisories included).

    ``config`` has the shape of ``pulumi preview --policy-pack-config``:
    ``{"escalation-within-sla": {"maxFirstEscalationMinutes": 15}, "required-tags": "mandatory"}``.
    """
    policy_set = PolicySet(
        pack=pack.PACK_NAME,
        policies=list(policies) if policies is not None else pack.policies(),
        enforcement_level=pack.DEFAULT_ENFORCEMENT,
        config=dict(config or {}),
    )
    return evaluate_resources(list(resources), policy_set)


def resources_from_records(records: Iterable[Mapping[str, Any]]) -> list[PolicyResource]:
    """``PolicyResource``s from recorded resources, linked the way the policy host links them.

    A record is the plan JSON's resource entry: ``urn``, ``type``, ``name``, ``parent`` (URN or
    None), ``provider`` (provider reference ``<urn>::<id>``, a URN, or None), ``inputs`` (wire
    names, real values: do not redact secrets before evaluation; unknowns as the Pulumi
    sentinel strings), optional ``dependencies`` (URNs) and ``propertyDependencies``
    (``{prop: [URN]}``). Provider resources (``pulumi:providers:*``) should be included: their
    inputs (``region``) are what resource policies see as ``args.provider``.
    """
    return link(
        Node(
            rec["type"],
            rec["urn"],
            rec.get("name") or rec["urn"].rsplit("::", 1)[-1],
            unknown_checking_proxy(dict(rec.get("inputs") or {})),
            resource_options(rec.get("options") or {}, rec.get("parent")),
            rec.get("parent"),
            rec.get("provider"),
            list(rec.get("dependencies") or ()),
            dict(rec.get("propertyDependencies") or {}),
        )
        for rec in records
    )
