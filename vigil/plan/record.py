"""The recording: what `vigil plan` saw the program register, in wire form.

One shape serves the live recording, the JSON plan file and `vigil check`, so policies see
the same data whether it came from running the program or from a saved (possibly
hand-edited) plan. It is a plain list; the one graph with links (`policies.graph.Graph`) is
built from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from google.protobuf import struct_pb2

from vigil import resource_types as rt

SECRET = "[secret]"
SITE_TYPE = rt.SITE
STACK_TYPE = rt.STACK

_SIG_KEY = "4dabf18193072939515e22adb298388d"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
_RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
_ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17"
_ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7"
_OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


@dataclass
class Resource:
    """One registered resource; ``inputs`` are JSON values as sent, secrets masked."""

    urn: str
    type: str
    name: str
    parent: str | None = None
    provider: str | None = None  # provider URN (the reference's ``::id`` stripped)
    custom: bool = True
    inputs: dict[str, Any] = field(default_factory=dict)
    dependencies: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    site: str | None = None
    id: str | None = None  # mock id, used to resolve references between resources
    outputs: dict[str, Any] = field(default_factory=dict)
    """What the provider computed beyond the inputs (``arn``, ``integrationKey``): live
    recording only, never serialized."""
    revealed: dict[str, Any] | None = None
    """Inputs with secret values in clear, for policies only (live plan, offline fake values);
    never serialized. ``None`` when the resource sent no secret."""

    @property
    def values(self) -> dict[str, Any]:
        """Inputs with secrets in clear (offline fake values): what policies evaluate."""
        return self.revealed if self.revealed is not None else self.inputs

    @property
    def secret_inputs(self) -> frozenset[str]:
        """Top-level inputs whose value is (or holds) a secret."""
        if self.revealed is None:
            return frozenset()
        return frozenset(k for k, v in self.inputs.items() if v != self.revealed.get(k))

    @property
    def secret_outputs(self) -> tuple[str, ...]:
        """``additionalSecretOutputs``: outputs the engine must store encrypted."""
        return tuple(self.options.get("additionalSecretOutputs", ()))

    @property
    def provider_name(self) -> str | None:
        """Name of the resource's provider (``aws-eu-west-1-<account>``), from its URN."""
        return self.provider.rsplit("::", 1)[-1] if self.provider else None


@dataclass
class Recording:
    """Everything one run registered, in registration order: the plan's raw material.

    A plain record (serialised to and from plan JSON); links between resources are followed
    on the one `policies.graph.Graph` built from it (`vigil.plan.policy_eval.graph_of`).
    """

    project: str
    stack: str
    resources: list[Resource] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    """Data-source invocations (token, arguments), live recording only."""
    exports: dict[str, Any] = field(default_factory=dict)
    """Stack outputs (``pulumi.export``), resolved; live recording only."""
    inventory: Any = None
    """The inventory the program loaded (`vigil.loaded`), live recording only."""
    settings: Any = None
    """The program's `vigil.settings.StackSettings` (`vigil.loaded`), live recording only."""
    referenced: list[Resource] = field(default_factory=list)
    """Resources of another stack this one reads through ``pulumi.StackReference`` (a fleet's
    shared schedules and escalation policies): policies and the graph see them, so coverage
    is proved end to end, but this stack does not create them (`vigil fleet check`)."""

    def __post_init__(self) -> None:
        self._by_urn: dict[str, Resource] | None = None

    @property
    def by_urn(self) -> dict[str, Resource]:
        if self._by_urn is None or len(self._by_urn) != len(self.resources):
            self._by_urn = {r.urn: r for r in self.resources}
        return self._by_urn

    def of_type(self, *types: str) -> list[Resource]:
        return [r for r in self.resources if r.type in types]

    def by_name(self, type_: str, name: str) -> Resource:
        """The resource of type ``type_`` named ``name`` (``StopIteration`` if none)."""
        return next(r for r in self.resources if r.type == type_ and r.name == name)

    def descendants(self, urn: str, type_: str | None = None) -> list[Resource]:
        """Resources below ``urn`` in the parent chain (optionally of one type), in order."""
        by_urn = self.by_urn
        found = []
        for r in self.resources:
            if type_ is not None and r.type != type_:
                continue
            parent = r.parent
            while parent:
                if parent == urn:
                    found.append(r)
                    break
                up = by_urn.get(parent)
                parent = up.parent if up is not None else None
        return found

    def assign_sites(self) -> None:
        """Site of a resource = name of its nearest ``SiteMonitoring`` ancestor (or itself)."""
        by_urn = self.by_urn
        memo: dict[str, str | None] = {}

        def site_of(urn: str | None) -> str | None:
            chain: list[str] = []
            found: str | None = None
            while urn:
                if urn in memo:
                    found = memo[urn]
                    break
                res = by_urn.get(urn)
                if res is None:
                    break
                chain.append(urn)
                if res.type == SITE_TYPE:
                    found = res.name
                    break
                urn = res.parent
            for link in chain:
                memo[link] = found
            return found

        for r in self.resources:
            r.site = site_of(r.urn)


def provider_urn(ref: str) -> str | None:
    """``urn:…::aws-eu::<id>`` (a provider reference) → the provider's URN."""
    if not ref:
        return None
    urn, sep, _ = ref.rpartition("::")
    return urn if sep and urn.startswith("urn:") else ref


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def wire_to_plain(value: Any, reveal: bool = False, seen: list | None = None) -> Any:
    """Protobuf wire value → plain JSON value: secrets masked (or revealed), refs as URNs,
    ints as ints. ``seen`` collects a marker per secret met, so callers know to reveal."""
    if isinstance(value, struct_pb2.Struct):
        if _SIG_KEY in value:
            return _special(value, reveal, seen)
        return {k: wire_to_plain(v, reveal, seen) for k, v in value.items()}
    if isinstance(value, struct_pb2.ListValue):
        return [wire_to_plain(v, reveal, seen) for v in value]
    if isinstance(value, float):
        return _number(value)
    return value


def _field(value: struct_pb2.Struct, *keys: str) -> Any:
    return next((value[k] for k in keys if k in value), None)


def _special(value: struct_pb2.Struct, reveal: bool, seen: list | None) -> Any:
    sig = value[_SIG_KEY]
    if sig == _SECRET_SIG:
        if seen is not None:
            seen.append(True)
        return (
            wire_to_plain(value["value"], reveal, seen) if reveal and "value" in value else SECRET
        )
    if sig == _RESOURCE_SIG:
        return value["urn"]
    if sig == _ASSET_SIG:
        return {"asset": _field(value, "path", "text", "uri")}
    if sig == _ARCHIVE_SIG:
        return {"archive": _field(value, "path", "uri") or "assets"}
    if sig == _OUTPUT_SIG:
        if _field(value, "secret") and not reveal:
            return SECRET
        return wire_to_plain(value["value"], reveal, seen) if "value" in value else UNKNOWN
    return {k: wire_to_plain(v, reveal, seen) for k, v in value.items()}


def secrets_as_unknown(value: Any) -> Any:
    """``"[secret]"`` placeholders → the engine's unknown sentinel: to a policy, a masked
    secret in a saved plan is a value it cannot see, exactly like an unknown at preview."""
    if value == SECRET:
        return UNKNOWN
    if isinstance(value, dict):
        return {k: secrets_as_unknown(v) for k, v in value.items()}
    if isinstance(value, list):
        return [secrets_as_unknown(v) for v in value]
    return value


class NotPlain(Exception):
    """A deserialized value that is not plain data (resource reference, asset)."""


def mask_secrets(value: Any, reveal: bool = False, seen: list | None = None) -> Any:
    """Deserialized SDK value (secrets wrapped in sig dicts) → plain JSON value, secrets
    masked (or revealed); raises `NotPlain` for anything else, so callers can fall back to the
    wire form. Note the SDK pushes secretness up to the enclosing list or map."""
    if isinstance(value, dict):
        if _SIG_KEY in value:
            if value[_SIG_KEY] != _SECRET_SIG:
                raise NotPlain(value[_SIG_KEY])
            if seen is not None:
                seen.append(True)
            return mask_secrets(value.get("value"), reveal, seen) if reveal else SECRET
        return {k: mask_secrets(v, reveal, seen) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_secrets(v, reveal, seen) for v in value]
    if isinstance(value, float):
        return _number(value)
    if value is None or isinstance(value, str | int | bool):
        return value
    raise NotPlain(type(value).__name__)
