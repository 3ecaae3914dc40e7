"""Offline recording engine: run the stack's real program under Pulumi's mock runtime.

The program is executed exactly as the Python language host does (``__main__.py`` of the
project directory, stack config from ``stacks/Pulumi.<stack>.yaml``), but every engine RPC
is answered in-process by a `RecordingMonitor`, which keeps the raw registration requests
(parent, provider reference, wire inputs with secret markers) that ``Mocks`` never sees.
Each run gets a fresh event loop and a copied ``contextvars`` context, so several runs in one
process (tests, benchmarks) do not leak settings, config or the root stack into each other.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import contextvars
import json
import logging
import os
import runpy
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from google.protobuf import struct_pb2
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.config import set_all_config
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.stack import wait_for_rpcs

from vigil import loaded
from vigil.cli_options import unknown_stack
from vigil.plan import resource_outputs, type_unwrapping
from vigil.plan.garbage import collector_paused
from vigil.plan.inline_rpc import InlineExecutor, finish
from vigil.plan.mocks import OfflineMocks
from vigil.plan.record import (
    STACK_TYPE,
    NotPlain,
    Recording,
    Resource,
    mask_secrets,
    provider_urn,
    wire_to_plain,
)
from vigil.settings import StackSettings, parse_stack_settings
from vigil.stack_file import ConfigFileError, read_config_document

OFFLINE_SECRET = "offline-placeholder-secret"
OnResource = Callable[[Resource], None]


class ProgramError(Exception):
    """The program failed (bad inventory, bug, error log); ``cause`` is what it raised."""

    def __init__(self, message: str, cause: BaseException | None = None) -> None:
        super().__init__(message)
        self.cause = cause


@dataclass
class RunRequest:
    """What `pulumi up` hands the program: the language host's ``RunRequest`` (pulumi's
    ``proto/pulumi/language.proto``: project, stack, pwd, config, configSecretKeys).

    ``values`` are Pulumi's raw config strings, the program's input, not settings: the program
    parses them once into `vigil.settings.StackSettings` (``vigil.program.read_settings``), and
    code that needs a setting before or around a run asks `offline_settings` for the same
    object instead of reading ``values``.
    """

    project: str
    stack: str
    project_dir: Path
    values: dict[str, str] = field(default_factory=dict)
    secret_keys: list[str] = field(default_factory=list)

    @property
    def aws_region(self) -> str | None:
        """The AWS provider's default region (``aws:region``: the provider's key, not vigil's)."""
        return self.values.get("aws:region")


def offline_settings(run: RunRequest, env: Mapping[str, str] | None = None) -> StackSettings:
    """The `StackSettings` the program will read from ``run`` (``SettingsError`` if invalid).

    Secrets are not sealed: offline they are the placeholder `load_stack_config` put there.
    """
    return parse_stack_settings(
        run.values,
        seal=lambda value: value,
        secret_keys=run.secret_keys,
        env=os.environ if env is None else env,
    )


def _config_string(value: Any) -> str:
    """Pulumi hands every config value to the program as a string; objects as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


def load_stack_config(
    project_dir: str | Path, stack: str, overrides: Mapping[str, Any] | None = None
) -> RunRequest:
    """Project defaults from ``Pulumi.yaml`` overlaid by the stack file and ``overrides``.

    Secure values cannot be decrypted offline: they become a placeholder marked secret, so
    the program still takes its "credentials configured" code path and masks them.
    """
    project_dir = Path(project_dir).resolve()
    project_path = project_dir / "Pulumi.yaml"
    project_file = read_config_document(project_path)
    project = project_file.get("name")
    if not isinstance(project, str) or not project:
        raise ConfigFileError([f"{project_path}:1:1: name: the project needs a name"])
    values: dict[str, str] = {}
    secrets: list[str] = []

    def key_of(key: str) -> str:
        return key if ":" in key else f"{project}:{key}"

    for key, spec in (project_file.get("config") or {}).items():
        default = spec.get("default") if isinstance(spec, dict) else spec
        if default is not None:
            values[key_of(key)] = _config_string(default)
    stack_dir = project_dir / str(project_file.get("stackConfigDir") or ".")
    stack_file = stack_dir / f"Pulumi.{stack}.yaml"
    if not stack_file.is_file():
        raise FileNotFoundError(unknown_stack(stack_file, stack))
    stack_doc = read_config_document(stack_file)
    for key, value in {**(stack_doc.get("config") or {}), **(overrides or {})}.items():
        if isinstance(value, dict) and set(value) == {"secure"}:
            values[key_of(key)] = OFFLINE_SECRET
            secrets.append(key_of(key))
        else:
            values[key_of(key)] = _config_string(value)
    return RunRequest(project, stack, project_dir, values, sorted(secrets))


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """A `MockMonitor` that records each raw registration before answering it."""

    def __init__(self, mocks: pulumi.runtime.Mocks, on_resource: OnResource | None = None):
        super().__init__(mocks)
        self.recorded: list[Resource] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.on_resource = on_resource
        self._lock = threading.Lock()
        self._thread_loops: list[asyncio.AbstractEventLoop] = []
        self._pumping = concurrent.futures.ThreadPoolExecutor(1, "vigil-monitor")
        """Thread for the SDK's handlers that pump an event loop of their own (``Invoke``,
        ``ReadResource``: ``_sync_await``); a dozen calls per run, so they keep the SDK's code
        and stay off the recording loop, which `InlineExecutor` answers on."""

    def _ensure_loop(self) -> None:
        """Give an executor thread an event loop we own (the SDK would leak one per thread)."""
        try:
            asyncio.get_event_loop()
        except RuntimeError:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            with self._lock:
                self._thread_loops.append(loop)

    def close_thread_loops(self) -> None:
        self._pumping.shutdown()
        with self._lock:
            loops, self._thread_loops = self._thread_loops, []
        for loop in loops:
            loop.close()

    def _record(
        self, request: Any, urn: str, inputs: Any, reg: Any, computed: dict[str, Any]
    ) -> Resource:
        custom = bool(request.custom)
        secrets: list[bool] = []
        revealed = None
        try:
            plain = mask_secrets(inputs, seen=secrets) if inputs is not None else {}
            if secrets:
                revealed = mask_secrets(inputs, reveal=True)
        except NotPlain:  # resource references, assets: read the wire form instead
            plain = wire_to_plain(request.object, seen=secrets)
            if secrets:
                revealed = wire_to_plain(request.object, reveal=True)
        options: dict[str, Any] = {}
        if request.protect:
            options["protect"] = True
        if request.retainOnDelete:  # optional bool in the proto: unset = False
            options["retainOnDelete"] = True
        if request.ignoreChanges:
            options["ignoreChanges"] = sorted(request.ignoreChanges)
        if request.additionalSecretOutputs:
            options["additionalSecretOutputs"] = sorted(request.additionalSecretOutputs)
        res = Resource(
            urn=urn,
            type=request.type,
            name=request.name,
            parent=request.parent or None,
            provider=provider_urn(request.provider),
            custom=custom,
            inputs=plain,
            revealed=revealed,
            dependencies=sorted(set(request.dependencies)),
            options=options,
            id=(reg.id or None) if reg is not None and custom else None,
            outputs=computed if reg is not None and custom else {},
        )
        with self._lock:
            self.recorded.append(res)
        if self.on_resource is not None:
            self.on_resource(res)
        return res

    def _off_loop(self, handler: Callable[[Any], Any], request: Any) -> Any:
        def run() -> Any:
            self._ensure_loop()
            return handler(request)

        return self._pumping.submit(run).result()

    def Invoke(self, request: Any) -> Any:
        with self._lock:
            self.calls.append((request.tok, wire_to_plain(request.args)))
        return self._off_loop(super().Invoke, request)

    def ReadResource(self, request: Any) -> Any:
        return self._off_loop(super().ReadResource, request)

    def RegisterResource(self, request: Any) -> Any:
        """`MockMonitor.RegisterResource` (pulumi 3.272), deserializing the inputs only once
        for both the mocks and the recording, and answering without waiting on any event loop
        (`finish`), so `InlineExecutor` can run it on the recording loop's thread."""
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == STACK_TYPE:
            self._record(request, urn, None, None, {})
            return resource_pb2.RegisterResourceResponse(urn=urn)
        self._ensure_loop()
        inputs = rpc.deserialize_properties(request.object)
        args = pulumi_mocks.MockResourceArgs(
            typ=request.type,
            name=request.name,
            inputs=inputs,
            provider=request.provider,
            resource_id=request.importId,
            custom=request.custom or False,
            transforms=pulumi_mocks._resolve_callbacks(request.transforms),
        )
        new_id, state = self.mocks.new_resource(args)
        id_ = new_id or ""
        reg = pulumi_mocks.MockMonitor.ResourceRegistration(urn, id_, state)
        self.resources[urn] = reg
        computed = _computed(inputs, state)
        recorded = self._record(request, urn, inputs, reg, computed)
        secret = recorded.revealed is not None
        answer = _echoed(request.object, inputs, state, computed, secret=secret)
        if answer is None:
            answer = finish(lambda: rpc.serialize_properties(state, {}))
        return resource_pb2.RegisterResourceResponse(urn=urn, id=id_, object=answer)


def _echoed(
    sent: struct_pb2.Struct, inputs: Any, state: Any, computed: dict[str, Any], secret: bool
) -> struct_pb2.Struct | None:
    """``state`` on the wire without serializing what the request already carries, or None.

    `OfflineMocks` answers with the inputs themselves (the same objects) plus computed outputs.
    The SDK's serializer would turn those deserialized inputs back into the request's wire
    form, so the answer is that form with only the ``computed`` outputs (`_computed`) serialized
    over it. Not for a state that dropped an input, nor for inputs holding a ``secret``: the
    SDK's deserializer (pulumi 3.272, ``rpc.deserialize_property``) lifts a nested secret to the
    enclosing list or map, so its serializer writes a different wire form. ``None``: serialize
    the state whole.
    ``tests/plan/test_engine.py`` proves the answer equal to the SDK's serialization for
    every registration of the example and the test fixture."""
    if secret or not isinstance(state, dict) or not isinstance(inputs, dict):
        return None
    if not inputs.keys() <= state.keys():
        return None
    answer = struct_pb2.Struct()
    answer.CopyFrom(sent)
    if computed:
        answer.MergeFrom(finish(lambda: rpc.serialize_properties(computed, {})))
    return answer


def _computed(inputs: Any, state: Any) -> dict[str, Any]:
    """The outputs the mocks added or changed (``arn``, ``integrationKey``); the inputs echoed
    back are the same objects, so they cost nothing and are left out."""
    if not isinstance(state, dict):
        return {}
    sent = inputs if isinstance(inputs, dict) else {}
    return {k: v for k, v in state.items() if k not in sent or sent[k] is not v}


class _ErrorLog(logging.Handler):
    """Collects `pulumi.log.error` messages: in a real deployment they fail the update."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def record_program(
    config: RunRequest,
    mocks: pulumi.runtime.Mocks | None = None,
    on_resource: OnResource | None = None,
    program: Callable[[], Any] | None = None,
    monitor_factory: Callable[..., pulumi_mocks.MockMonitor] | None = None,
) -> Recording:
    """Run the project's ``__main__.py`` (or ``program``) offline and return what it registered.

    ``monitor_factory(mocks)`` swaps the recording monitor for another one (the benchmark's
    stock-SDK baseline); the recording is then empty.
    """
    return contextvars.copy_context().run(
        _record, config, mocks, on_resource, program, monitor_factory
    )


def _record(
    config: RunRequest,
    mocks: pulumi.runtime.Mocks | None,
    on_resource: OnResource | None,
    program: Callable[[], Any] | None,
    monitor_factory: Callable[..., pulumi_mocks.MockMonitor] | None = None,
) -> Recording:
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    errors = _ErrorLog()
    logger = logging.getLogger(f"vigil.plan.program.{id(errors)}")
    logger.propagate = False
    logger.addHandler(errors)
    logger.setLevel(logging.WARNING)
    mocks = mocks or OfflineMocks()
    monitor = monitor_factory(mocks) if monitor_factory else RecordingMonitor(mocks, on_resource)
    if isinstance(monitor, RecordingMonitor):  # it answers at once: no thread, no task per output
        loop.set_default_executor(InlineExecutor())
        resource_outputs.install()
        type_unwrapping.install()
    cwd = os.getcwd()
    saved_path = list(sys.path)
    with collector_paused():
        try:
            pulumi_settings.ROOT.set(None)
            set_all_config(dict(config.values), list(config.secret_keys))
            pulumi_mocks.set_mocks(
                mocks, config.project, config.stack, preview=False, logger=logger, monitor=monitor
            )
            pulumi_settings.SETTINGS.root_directory = str(config.project_dir)
            pulumi_settings.SETTINGS.rpc_manager.clear()
            with pulumi_settings.SETTINGS.lock:  # outputs made outside any run (a config read)
                pulumi_settings.SETTINGS.outputs.clear()
            os.chdir(config.project_dir)
            try:
                if program is not None:
                    program()
                else:
                    runpy.run_path(str(config.project_dir), run_name="__main__")
            except BaseException as exc:
                _drain(loop)
                raise ProgramError(str(exc) or type(exc).__name__, exc) from exc
            try:
                loop.run_until_complete(wait_for_rpcs())
            except BaseException as exc:
                raise ProgramError(str(exc) or type(exc).__name__, exc) from exc
            if errors.messages:
                raise ProgramError("\n".join(errors.messages))
            exports = _exports(loop)
        finally:
            os.chdir(cwd)
            sys.path[:] = saved_path
            _close(loop)
            if isinstance(monitor, RecordingMonitor):
                resource_outputs.uninstall()
                type_unwrapping.uninstall()
                monitor.close_thread_loops()
    recording = Recording(
        config.project,
        config.stack,
        list(getattr(monitor, "recorded", [])),
        calls=list(getattr(monitor, "calls", [])),
        exports=exports,
        inventory=loaded.INVENTORY.get(),
        settings=loaded.SETTINGS.get(),
    )
    recording.assign_sites()
    return recording


def _exports(loop: asyncio.AbstractEventLoop) -> dict[str, Any]:
    """The root stack's outputs (``pulumi.export``), resolved (unknowns stay unknown)."""
    root = pulumi_settings.get_root_resource()
    outputs = dict(getattr(root, "outputs", None) or {})
    return {
        key: loop.run_until_complete(pulumi.Output.from_input(value).future(with_unknowns=True))
        for key, value in outputs.items()
    }


def _drain(loop: asyncio.AbstractEventLoop) -> None:
    """Let already-queued registrations finish quietly so the loop can close cleanly."""
    with contextlib.suppress(BaseException):  # the program's own error is what gets reported
        loop.run_until_complete(wait_for_rpcs())


def _close(loop: asyncio.AbstractEventLoop) -> None:
    try:
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_default_executor())
    finally:
        loop.close()
        asyncio.set_event_loop(None)
