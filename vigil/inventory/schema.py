"""JSON Schema validation of inventory documents, with errors placed on their YAML nodes.

The committed schemas (``vigil/schemas``) also drive editor autocompletion, so they are the
single description of the file format. Validators are compiled once per process; raw
jsonschema messages are rewritten into what an onboarding engineer needs to fix the file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path as FsPath
from typing import Any

from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry, Resource

from vigil.inventory.problems import Problem, did_you_mean
from vigil.inventory.yaml_source import Source

SCHEMA_DIR = FsPath(__file__).resolve().parent.parent / "schemas"
KINDS = ("defaults", "teams", "site")

_TYPE_WORDS = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


@cache
def _registry() -> Registry:
    resources = [
        (path.name, Resource.from_contents(json.loads(path.read_text())))
        for path in sorted(SCHEMA_DIR.glob("*.schema.json"))
    ]
    return Registry().with_resources(resources)


@cache
def validator(kind: str) -> Draft202012Validator:
    """The compiled validator for ``defaults``, ``teams`` or ``site`` documents.

    ``$ref``s are inlined once up front: resolving them per instance was most of the cost of
    validating a large inventory.
    """
    uri = f"{kind}.schema.json"
    schema = _registry().contents(uri)
    return Draft202012Validator(_inline(schema, _registry().resolver(uri)))


def _inline(schema: Any, resolver: Any) -> Any:
    """``schema`` with every ``$ref`` replaced by its target (the schemas have no cycles).

    Keywords next to a ``$ref`` are only annotations (``description``); the target's own
    win, so format descriptions used in messages stay those of the referenced definition.
    """
    if isinstance(schema, list):
        return [_inline(item, resolver) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        resolved = resolver.lookup(schema["$ref"])
        target = _inline(resolved.contents, resolved.resolver)
        siblings = {k: v for k, v in schema.items() if k != "$ref"}
        return {**siblings, **target}
    return {
        key: value if key in ("enum", "const", "examples") else _inline(value, resolver)
        for key, value in schema.items()
        if key != "$defs"
    }


def validate(src: Source, kind: str) -> list[Problem]:
    """Schema problems of ``src.data``, one per mistake, deduplicated."""
    problems: dict[Problem, None] = {}
    for error in validator(kind).iter_errors(src.data):
        for problem in _explain(src, error):
            problems[problem] = None
    return list(problems)


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"  # e.g. datetime from an unquoted timestamp


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _listed(value: Any) -> list[Any]:
    """A keyword value that is a list in JSON Schema (``required``, ``enum``, ``oneOf``; ``type``
    as a list or one name); anything else, e.g. jsonschema's ``Unset`` on a hand-made error,
    lists nothing."""
    if isinstance(value, list):
        return value
    return [value] if isinstance(value, str) else []


def _explain(src: Source, error: ValidationError) -> Iterator[Problem]:
    path = tuple(error.absolute_path)
    instance = error.instance
    kind = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}

    if kind == "additionalProperties" and isinstance(instance, dict):
        known = list(schema.get("properties", {}))
        patterns = list(schema.get("patternProperties", {}))
        for key in instance:
            if key in known or any(re.search(p, key) for p in patterns):
                continue
            hint = did_you_mean(key, known)
            if not hint and known:
                hint = f"; expected one of: {', '.join(known)}"
            yield src.problem((*path, key), f"unknown key '{key}'{hint}", at_key=True)
        return
    if kind == "required" and isinstance(instance, dict):
        for key in _listed(error.validator_value):
            if key not in instance:
                yield src.problem((*path, key), "missing required key", at_key=True)
        return
    # mapping keys are always strings: yaml_source reports any other key node as an error
    if "propertyNames" in error.absolute_schema_path and isinstance(instance, str):
        what = schema.get("description") or error.message
        yield src.problem(
            (*path, instance),
            f"invalid key {_show(instance)}: expected {_lower_first(what)}",
            at_key=True,
        )
        return
    if kind in ("oneOf", "anyOf") and error.context:
        yield from _explain_alternatives(src, error, path)
        return
    if kind == "type":
        expected = [str(name) for name in _listed(error.validator_value)]
        want = " or ".join(_TYPE_WORDS.get(t, t) for t in expected)
        message = f"expected {want}, got {_type_name(instance)}"
        if instance is not None and not isinstance(instance, (dict, list)):
            message += f" {_show(instance)}"
        message += _quote_hint(src, path, expected, instance)
        yield src.problem(path, message)
        return
    if kind == "enum":
        options = [str(v) for v in _listed(error.validator_value)]
        hint = did_you_mean(str(instance), options)
        yield src.problem(path, f"{_show(instance)} is not one of: {', '.join(options)}{hint}")
        return
    if kind == "const":
        yield src.problem(path, f"expected {_show(error.validator_value)}, got {_show(instance)}")
        return
    if kind == "pattern":
        what = schema.get("description") or f"a value matching {error.validator_value}"
        yield src.problem(path, f"invalid value {_show(instance)}: expected {_lower_first(what)}")
        return
    if kind in ("minItems", "minProperties", "minLength") and not instance:
        yield src.problem(path, "must not be empty")
        return
    if kind == "uniqueItems":
        yield src.problem(path, "contains the same item twice")
        return
    if kind in ("maxLength", "minLength") and isinstance(instance, str):
        bound = "at most" if kind == "maxLength" else "at least"
        yield src.problem(
            path, f"has {len(instance)} characters; {bound} {error.validator_value} allowed"
        )
        return
    yield src.problem(path, error.message)


def _explain_alternatives(src: Source, error: ValidationError, path: tuple) -> Iterator[Problem]:
    """``oneOf``: explain the branch the value was meant for, else list the branches."""
    deeper = [e for e in error.context if len(e.absolute_path) > len(path)]
    same_type = [
        e
        for e in error.context
        if e.validator not in ("type", "const") and e.absolute_path == error.absolute_path
    ]
    if deeper or same_type:
        branch = (deeper or same_type)[0].relative_schema_path[0]
        for sub in error.context:
            if sub.relative_schema_path[0] == branch:
                yield from _explain(src, sub)
        return
    branches = [
        _lower_first(s.get("description", json.dumps(s)))
        for s in _listed(error.validator_value)
        if isinstance(s, dict)
    ]
    yield src.problem(
        path,
        f"got {_type_name(error.instance)} {_show(error.instance)}; "
        f"expected {' or '.join(branches)}",
    )


def _quote_hint(src: Source, path: tuple, expected: list[str], value: Any) -> str:
    """YAML reads unquoted ``18:00``, ``on`` or ``0123`` as numbers or booleans."""
    if "string" not in expected:
        return ""
    node = src.node(path)
    raw = getattr(node, "value", None)
    if isinstance(raw, str) and raw and not getattr(node, "style", "x"):  # plain style
        return f' (YAML reads {raw} as {_type_name(value)}; quote it: "{raw}")'
    return ""


def _lower_first(text: str) -> str:
    """Schema descriptions are sentences; inside a message they read as a clause."""
    text = text.rstrip(".")
    first_word = text.split(" ", 1)[0]
    return text[:1].lower() + text[1:] if first_word[1:].islower() else text
