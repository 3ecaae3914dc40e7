"""AWS rules as code: would AWS accept what vigil sends? (pure: no network, no credentials)

- :mod:`vigil.aws.calls` — a Pulumi resource's inputs as the API calls its provider makes;
- :mod:`vigil.aws.shapes` — those calls checked against botocore's service models;
- :mod:`vigil.aws.rules` — the documented rules the models do not carry, each cited;
- :mod:`vigil.aws.inventory` — the same rules applied to inventory values, for ``vigil validate``.

The plan's policy ``aws-api-rules`` runs :func:`check_resource` on every aws:* resource.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from vigil.aws import rules, shapes
from vigil.aws.calls import (
    MAPPERS,
    ApiCall,
    Context,
    FromResponse,
    api_calls,
    substitute,
    unmapped_inputs,
)
from vigil.aws.shapes import Breach


def example_response(ref: FromResponse) -> str:
    return ref.example


def check_resource(
    type_token: str,
    inputs: Mapping[str, Any],
    ctx: Context,
    opaque: Callable[[Any], bool] | None = None,
) -> list[Breach]:
    """Every model shape and documented rule the resource's API calls break."""
    found = [
        Breach("vigil-input-mapping", name, f"input {name!r} of {type_token} is not mapped to "
               "an API parameter, so nothing checks it", "vigil/aws/calls.py INPUTS")
        for name in unmapped_inputs(type_token, inputs)
    ]
    for call in api_calls(type_token, inputs, ctx):
        params = substitute(call.params, example_response)
        if opaque is None:  # every value is known (vigil validate): nothing to leave out
            found += shapes.check_call(call.service, call.operation, params)
            found += rules.check_call(call.service, call.operation, params, ctx)
            continue
        found += shapes.check_call(call.service, call.operation, params, opaque)
        known = _without(params, opaque)
        found += rules.check_call(call.service, call.operation, known, ctx)
    return found


def _without(value: Any, opaque: Callable[[Any], bool]) -> Any:
    """``value`` without the entries the check cannot judge (rules then skip them)."""
    if isinstance(value, dict):
        return {k: _without(v, opaque) for k, v in value.items() if not opaque(v)}
    if isinstance(value, list):
        return [_without(v, opaque) for v in value if not opaque(v)]
    return value


def is_checked(type_token: str) -> bool:
    return type_token in MAPPERS


__all__ = [
    "MAPPERS",
    "ApiCall",
    "Breach",
    "Context",
    "FromResponse",
    "api_calls",
    "check_resource",
    "is_checked",
    "substitute",
]
