"""API parameters checked against botocore's service models (the shapes AWS builds its SDKs from).

botocore's own ``ParamValidator`` checks types, required members and minimums only (maximums,
enums and patterns are left to the service); AWS rejects them all at apply. This walker checks
every constraint the model carries: structure members and required members, list and map
lengths, string lengths, enums and patterns, numeric ranges and types.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

import botocore.session
from botocore.model import (
    ListShape,
    MapShape,
    OperationModel,
    ServiceModel,
    Shape,
    StringShape,
    StructureShape,
)


@dataclass(frozen=True)
class Breach:
    """One value AWS would reject, with the rule's source."""

    rule: str  # e.g. "cloudwatch.PutMetricAlarm" or a documented-rule id
    where: str  # parameter path, e.g. "HealthCheckConfig.ResourcePath"
    message: str
    citation: str

    def format(self) -> str:
        return f"{self.where}: {self.message} [{self.rule}; {self.citation}]"


Opaque = Callable[[Any], bool]
"""Values the check cannot judge yet (unknown until apply, masked secrets): skipped."""


def _never(_: Any) -> bool:
    return False


@cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


@cache
def service_model(service: str) -> ServiceModel:
    return _session().get_service_model(service)


@cache
def operation_model(service: str, operation: str) -> OperationModel:
    return service_model(service).operation_model(operation)


def input_shape(service: str, operation: str) -> StructureShape:
    """The input structure of ``service.operation`` (every operation vigil checks takes one)."""
    shape = operation_model(service, operation).input_shape
    if shape is None:
        raise ValueError(f"botocore model: {service}.{operation} takes no input to check")
    return shape


def model_version(service: str) -> str:
    """``<service> <api version>`` of the loaded model (for citations and reports)."""
    return f"{service} {service_model(service).api_version}"


# The services validate a pattern against the whole value (Java ``Pattern.matches``: the models
# of these APIs come from AWS's Coral/Java frameworks; Namespace ``[^:].*`` means "does not start
# with a colon"), so a value must match in full. Java-style surrogate-pair ranges (used for "any
# XML character") are written out as the code-point range Python understands.
_SURROGATE_RANGE = "\\uD800\\uDC00-\\uDBFF\\uDFFF"


@cache
def _pattern(text: str) -> re.Pattern[str] | None:
    try:
        return re.compile(text.replace(_SURROGATE_RANGE, "\\U00010000-\\U0010FFFF"))
    except re.error:
        return None  # a construct Python's re lacks: left to AWS (none in the models vigil uses)


def check_call(
    service: str, operation: str, params: dict[str, Any], opaque: Opaque = _never
) -> list[Breach]:
    """Every constraint of ``service.operation``'s input shape that ``params`` breaks."""
    shape = input_shape(service, operation)
    rule = f"{service}.{operation}"
    return list(_check(shape, params, "", rule, service, opaque))


def check_members(
    service: str, operation: str, params: dict[str, Any], members: tuple[str, ...]
) -> list[Breach]:
    """The constraints of ``members`` of ``service.operation``'s input that ``params`` breaks
    (the rest of the call, and which members are required, left out): for values that only
    some members carry, checked without walking the whole call again."""
    shape = input_shape(service, operation)
    rule = f"{service}.{operation}"
    out: list[Breach] = []
    for name in members:
        if params.get(name) is not None:
            out += _check(shape.members[name], params[name], name, rule, service, _never)
    return out


def _cite(service: str, shape: Shape) -> str:
    return f"botocore {model_version(service)} model, shape {shape.name}"


@dataclass(frozen=True)
class _Facts:
    """What the walker reads from one shape, looked up once (botocore builds ``metadata``,
    ``members`` and ``enum`` on access; the plan checks tens of thousands of values)."""

    kind: str  # structure, list, map, string, integer, number, boolean, other
    meta: dict[str, Any]
    members: dict[str, Shape]
    required: tuple[str, ...]
    enum: tuple[str, ...]
    pattern: re.Pattern[str] | None


_FACTS: dict[int, tuple[Shape, _Facts]] = {}


def _facts(shape: Shape) -> _Facts:
    hit = _FACTS.get(id(shape))
    if hit is not None and hit[0] is shape:
        return hit[1]
    meta = dict(shape.metadata)
    if isinstance(shape, StructureShape):
        kind = "structure"
    elif isinstance(shape, ListShape):
        kind = "list"
    elif isinstance(shape, MapShape):
        kind = "map"
    else:
        kind = {"string": "string", "integer": "integer", "long": "integer", "double": "number",
                "float": "number", "boolean": "boolean"}.get(shape.type_name, "other")
    pattern = meta.get("pattern")
    facts = _Facts(
        kind=kind,
        meta=meta,
        members=dict(shape.members) if isinstance(shape, StructureShape) else {},
        required=tuple(shape.required_members) if isinstance(shape, StructureShape) else (),
        enum=tuple(shape.enum or ()) if isinstance(shape, StringShape) else (),
        pattern=_pattern(pattern) if kind == "string" and pattern else None,
    )
    _FACTS[id(shape)] = (shape, facts)  # the shape is kept alive, so its id is not reused
    return facts


def _check(
    shape: Shape, value: Any, path: str, rule: str, service: str, opaque: Opaque
) -> Iterator[Breach]:
    if opaque(value):
        return
    facts = _facts(shape)
    kind = facts.kind
    meta = facts.meta

    def breach(message: str) -> Breach:
        return Breach(rule, path or "(input)", message, _cite(service, shape))

    if kind == "structure":
        if not isinstance(value, dict):
            yield breach(f"must be a structure ({shape.name}), got {type(value).__name__}")
            return
        for name in facts.required:
            if value.get(name) is None:
                yield Breach(rule, _join(path, name), "is required", _cite(service, shape))
        members = facts.members
        for name, item in value.items():
            if name not in members:
                yield breach(f"{name!r} is not a member of {shape.name}")
            elif item is not None:
                yield from _check(members[name], item, _join(path, name), rule, service, opaque)
        return
    if kind == "list":
        if not isinstance(value, list | tuple):
            yield breach(f"must be a list, got {type(value).__name__}")
            return
        yield from _length(len(value), meta, breach, "items")
        for i, item in enumerate(value):
            yield from _check(
                cast(ListShape, shape).member, item, f"{path}[{i}]", rule, service, opaque
            )
        return
    if kind == "map":
        if not isinstance(value, dict):
            yield breach(f"must be a map, got {type(value).__name__}")
            return
        yield from _length(len(value), meta, breach, "entries")
        shape = cast(MapShape, shape)
        for key, item in value.items():
            yield from _check(shape.key, key, f"{path}.<key {key!r}>", rule, service, opaque)
            yield from _check(shape.value, item, f"{path}[{key!r}]", rule, service, opaque)
        return
    if isinstance(shape, StringShape):  # botocore's class for every "string" shape
        if not isinstance(value, str):
            yield breach(f"must be a string, got {type(value).__name__}")
            return
        if meta:
            yield from _length(len(value), meta, breach, "characters")
        if facts.enum and value not in facts.enum:
            yield breach(f"{value!r} is not one of {', '.join(facts.enum)}")
        if facts.pattern is not None and not facts.pattern.fullmatch(value):
            yield breach(f"{_short(value)!r} does not match the pattern {meta['pattern']!r}")
        return
    if kind == "integer":
        if isinstance(value, bool) or not (
            isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        ):
            yield breach(f"must be an integer, got {value!r}")
            return
        yield from _range(value, meta, breach)
        return
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            yield breach(f"must be a number, got {value!r}")
            return
        yield from _range(value, meta, breach)
        return
    if kind == "boolean" and not isinstance(value, bool):
        yield breach(f"must be a boolean, got {value!r}")


def _length(
    n: int, meta: dict[str, Any], breach: Callable[[str], Breach], unit: str
) -> Iterator[Breach]:
    if "min" in meta and n < meta["min"]:
        yield breach(f"has {n} {unit}; at least {meta['min']} allowed")
    if "max" in meta and n > meta["max"]:
        yield breach(f"has {n} {unit}; at most {meta['max']} allowed")


def _range(
    value: float, meta: dict[str, Any], breach: Callable[[str], Breach]
) -> Iterator[Breach]:
    if "min" in meta and value < meta["min"]:
        yield breach(f"{value} is below the minimum {meta['min']}")
    if "max" in meta and value > meta["max"]:
        yield breach(f"{value} is above the maximum {meta['max']}")


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _short(value: str) -> str:
    return value if len(value) <= 60 else value[:57] + "..."
