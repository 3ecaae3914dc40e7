"""What every policy module of the pack repeats: its config schema, and its CrossGuard object
around the policy's check (config merged with the defaults; for stack policies the graph index
and the checks left to verify until apply).

Each module still declares its own name, description, enforcement level, remediation and
config schema; these helpers only assemble them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from policies import graph as g

ResourceCheck = Callable[[ResourceValidationArgs, dict[str, Any], ReportViolation], None]
StackCheck = Callable[[g.Graph, dict[str, Any], ReportViolation, g.Unverified], None]


def config_schema(
    defaults: Mapping[str, Any], **properties: str | Mapping[str, Any]
) -> PolicyConfigSchema:
    """The policy's config schema: one property per key of ``defaults``, with that default.

    A property is given as its description, or as a mapping of JSON-schema keywords (with
    ``description``). The JSON type follows the default unless given: a list is an array of
    strings; numbers must name theirs (``number`` or ``integer``).
    """
    if set(properties) != set(defaults):
        raise TypeError(f"config schema properties {sorted(properties)} != {sorted(defaults)}")
    schema: dict[str, dict[str, Any]] = {}
    for key, default in defaults.items():
        given = properties[key]
        spec = {"description": given} if isinstance(given, str) else dict(given)
        description = spec.pop("description")
        schema[key] = {**_json_type(default), **spec, "default": default}
        schema[key]["description"] = description
        if "type" not in schema[key]:
            raise TypeError(f"config property {key}: give its JSON type")
    return PolicyConfigSchema(properties=schema)


def _json_type(default: Any) -> dict[str, Any]:
    if isinstance(default, bool):
        return {"type": "boolean"}
    if isinstance(default, str):
        return {"type": "string"}
    if isinstance(default, list):
        return {"type": "array", "items": {"type": "string"}}
    return {}


def _defaults(schema: PolicyConfigSchema) -> dict[str, Any]:
    return {key: spec["default"] for key, spec in schema.properties.items()}


def resource_policy(
    name: str,
    description: str,
    enforcement: EnforcementLevel,
    remediation: str,
    schema: PolicyConfigSchema,
    check: ResourceCheck,
    types: Collection[str] | None = None,
) -> ResourceValidationPolicy:
    """A resource policy running ``check(args, cfg, report)`` on resources of ``types`` (all
    when ``None``), ``cfg`` being the pack config over the schema's defaults."""
    defaults = _defaults(schema)

    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if types is not None and args.resource_type not in types:
            return
        check(args, g.config(args, defaults), report)

    meta = _meta(enforcement, remediation, schema)
    return ResourceValidationPolicy(name, description, validate, **meta)


def stack_policy(
    name: str,
    description: str,
    enforcement: EnforcementLevel,
    remediation: str,
    schema: PolicyConfigSchema,
    check: StackCheck,
) -> StackValidationPolicy:
    """A stack policy running ``check(graph, cfg, report, unverified)`` once over the stack.

    What ``check`` adds to ``unverified`` is raised after it returns, as one "cannot verify
    until apply" advisory; violations reported before stay reported.
    """
    defaults = _defaults(schema)

    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        unverified = g.Unverified()
        check(g.Graph(args.resources), g.config(args, defaults), report, unverified)
        unverified.raise_if_any()

    meta = _meta(enforcement, remediation, schema)
    return StackValidationPolicy(name, description, validate, **meta)


def _meta(
    enforcement: EnforcementLevel, remediation: str, schema: PolicyConfigSchema
) -> dict[str, Any]:
    return {
        "enforcement_level": enforcement,
        "config_schema": schema,
        "remediation_steps": remediation,
    }
