"""Pulumi mock runtime that records every registered resource, for tests and offline plans.

``run_program(program, config)`` runs a Pulumi program (e.g. ``vigil.program.main``) on a fresh
event loop under ``VigilMocks`` and returns them; ``mocks.resources`` then lists every resource
with its type, name, URN, parent, provider, inputs (wire names) and which inputs were secret.
Ids are ``<name>-id``; data sources answer deterministically (no network, no credentials).
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.runtime import mocks as _mocks
from pulumi.runtime import rpc, settings
from pulumi.runtime.stack import run_pulumi_func

PROVIDER_PREFIX = "pulumi:providers:"


@dataclass
class Recorded:
    """One registered resource as the engine would receive it."""

    type: str
    name: str
    urn: str
    id: str | None
    parent: str | None
    provider: str | None  # provider URN (explicit or default)
    custom: bool
    inputs: dict[str, Any]
    secret_inputs: frozenset[str] = frozenset()
    secret_outputs: tuple[str, ...] = ()  # additionalSecretOutputs
    outputs: dict[str, Any] = field(default_factory=dict)

    @property
    def provider_name(self) -> str | None:
        return self.provider.split("::")[3] if self.provider else None


class VigilMocks(pulumi.runtime.Mocks):
    """Outputs = inputs + the computed fields vigil reads (ARNs, integration keys)."""

    def __init__(self) -> None:
        self.resources: list[Recorded] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.provider_regions: dict[str, tuple[str, str]] = {}  # provider name → (region, account)

    # -- pulumi.runtime.Mocks ------------------------------------------------------------
    def new_resource(self, args: _mocks.MockResourceArgs) -> tuple[str | None, dict]:
        outputs = dict(args.inputs)
        typ, name = args.typ, args.name
        if typ == "pulumi:providers:aws":
            accounts = args.inputs.get("allowedAccountIds") or ["000000000000"]
            if isinstance(accounts, str):  # provider inputs travel JSON-encoded
                accounts = json.loads(accounts)
            self.provider_regions[name] = (args.inputs.get("region", "us-east-1"), accounts[0])
        elif typ == "aws:sns/topic:Topic":
            region, account = self._region_account(args.provider)
            outputs["arn"] = f"arn:aws:sns:{region}:{account}:{args.inputs.get('name', name)}"
        elif typ == "aws:sns/topicSubscription:TopicSubscription":
            region, account = self._region_account(args.provider)
            outputs["arn"] = f"arn:aws:sns:{region}:{account}:{name}"
        elif typ == "aws:cloudwatch/metricAlarm:MetricAlarm":
            region, account = self._region_account(args.provider)
            outputs["arn"] = f"arn:aws:cloudwatch:{region}:{account}:alarm:{name}"
        elif typ == "pagerduty:index/serviceIntegration:ServiceIntegration":
            outputs["integrationKey"] = f"{name}-key"
        elif typ == "pagerduty:index/service:Service":
            outputs["htmlUrl"] = f"https://offline.pagerduty.invalid/service-directory/{name}-id"
        elif args.inputs.get("kind") == "pagerduty-media":  # Zabbix shared media type
            outputs.update(mediatypeid=f"{name}-media", usrgrpid=f"{name}-group", roleid="3")
        return f"{name}-id", outputs

    def call(self, args: _mocks.MockCallArgs) -> dict:
        token, inputs = args.token, dict(args.args)
        self.calls.append((token, inputs))
        if token == "pagerduty:index/getUser:getUser":
            email = inputs.get("email", "")
            return {"id": f"user-{email.split('@')[0]}", "email": email, "name": email}
        if token == "pagerduty:index/getVendor:getVendor":
            name = inputs.get("name", "")
            vendor = "vendor-cloudwatch" if "cloudwatch" in name.lower() else f"vendor-{name}"
            kind = "generic_events_api_inbound_integration"
            return {"id": vendor, "name": name, "type": kind}
        return {}

    # -- helpers -------------------------------------------------------------------------
    def _region_account(self, provider_ref: str | None) -> tuple[str, str]:
        if provider_ref:
            name = provider_ref.split("::")[3]
            if name in self.provider_regions:
                return self.provider_regions[name]
        return ("us-east-1", "000000000000")

    def of_type(self, typ: str) -> list[Recorded]:
        return [r for r in self.resources if r.type == typ]

    def by_name(self, typ: str, name: str) -> Recorded:
        return next(r for r in self.resources if r.type == typ and r.name == name)

    def children(self, urn: str, typ: str | None = None) -> Iterator[Recorded]:
        """Descendants of ``urn`` (optionally of one type)."""
        parents = {r.urn: r.parent for r in self.resources}
        for r in self.resources:
            if typ is not None and r.type != typ:
                continue
            parent = r.parent
            while parent:
                if parent == urn:
                    yield r
                    break
                parent = parents.get(parent)


class RecordingMonitor(_mocks.MockMonitor):
    """Also keeps what ``MockResourceArgs`` drops: parent, custom flag and secret inputs."""

    def __init__(self, mocks: VigilMocks) -> None:
        super().__init__(mocks)
        self.vigil_mocks = mocks

    def RegisterResource(self, request):
        response = super().RegisterResource(request)
        if request.type == "pulumi:pulumi:Stack":
            return response
        inputs, has_secret = rpc.deserialize_properties_unwrap_secrets(request.object)
        secret: frozenset[str] = frozenset()
        if has_secret:
            secret = frozenset(
                key
                for key in request.object.fields
                if rpc.deserialize_properties_unwrap_secrets(_single(request.object, key))[1]
            )
        registration = self.resources[response.urn]
        self.vigil_mocks.resources.append(
            Recorded(
                type=request.type,
                name=request.name,
                urn=response.urn,
                id=response.id or None,
                parent=request.parent or None,
                provider=(request.provider.rsplit("::", 1)[0] if request.provider else None),
                custom=bool(request.custom),
                inputs=inputs,
                secret_inputs=secret,
                secret_outputs=tuple(request.additionalSecretOutputs),
                outputs=dict(registration.state) if registration.state else {},
            )
        )
        return response


def _single(struct, key):
    from google.protobuf import struct_pb2

    one = struct_pb2.Struct()
    one.fields[key].CopyFrom(struct.fields[key])
    return one


TOOL_ENVIRONMENT = ("ZABBIX_URL", "ZABBIX_API_TOKEN", "ZABBIX_USER", "ZABBIX_PASSWORD",
                    "GRAFANA_URL", "GRAFANA_AUTH")
"""Environment fallbacks of the tools' settings: hidden during a run so only the given stack
config decides what the program manages (a developer's shell must not change a test or plan)."""


def run_program(
    program: Callable[[], None],
    config: Mapping[str, Any] | None = None,
    *,
    project: str = "vigil",
    stack: str = "test",
    mocks: VigilMocks | None = None,
    secret_keys: Iterable[str] = (),
) -> tuple[VigilMocks, dict[str, Any]]:
    """Run ``program`` under mocks on a fresh event loop; return the mocks and stack exports.

    Config keys are full (``vigil:inventory``); non-string values are JSON-encoded as Pulumi
    does for structured config; ``secret_keys`` are marked secret (``pulumi config set
    --secret``). Exceptions from the program propagate.
    """
    mocks = mocks or VigilMocks()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    hidden = {k: os.environ.pop(k) for k in TOOL_ENVIRONMENT if k in os.environ}
    try:
        settings.reset_options(project=project, stack=stack)
        pulumi.runtime.set_all_config(
            {k: v if isinstance(v, str) else json.dumps(v) for k, v in (config or {}).items()},
            list(secret_keys),
        )
        pulumi.runtime.set_mocks(
            mocks, project=project, stack=stack, preview=False, monitor=RecordingMonitor(mocks)
        )
        loop.run_until_complete(run_pulumi_func(program))
        root = settings.get_root_resource()
        exports = dict(getattr(root, "outputs", {}) or {})
        resolved = {k: _resolve(loop, v) for k, v in exports.items()}
    finally:
        pulumi.runtime.set_all_config({}, [])  # config is process-wide: don't leak it
        os.environ.update(hidden)
        settings.reset_options()
        loop.close()
        asyncio.set_event_loop(None)
    return mocks, resolved


def _resolve(loop: asyncio.AbstractEventLoop, value: Any) -> Any:
    output = pulumi.Output.from_input(value)
    return loop.run_until_complete(output.future(with_unknowns=True))
