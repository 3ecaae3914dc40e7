"""Resource outputs without a task each, while recording offline.

The Python SDK (pulumi 3.272, ``pulumi/runtime/rpc.py`` ``transfer_properties``) gives every
*declared* property of a resource an ``Output`` before registering it: four futures, a
resolver closure and a task (``Output.__init__``'s ``compute_data``) that the event loop steps
through once the engine answers, plus a lock and a weak-set entry (``Output._track``). A
``MetricAlarm`` declares 29 properties, the example sets 15 on average, and vigil reads back
one or two (``arn``, ``id``). Offline the engine answers at once (`vigil.plan.inline_rpc`), so
this bookkeeping was about a third of a recording: 60 sites recorded in 9.0 s before, 6.1 s
after, peak memory 571 → 353 MB (``bench/plan_bench.py --child plan 60``).

`ResolvedOutput` is an ``Output`` whose one awaitable (``Output._data``, an ``_OutputData``)
is made only when someone reads it, already settled if the engine has answered. The values,
known-ness, secretness and dependencies it carries are the ones the SDK's resolver would have
put in its four futures (``do_resolve``: the resource itself joins the dependencies; a failed
registration fails every output). Only the recording engine uses it (`install` inside a
recording, `uninstall` after); a real ``pulumi up`` never does. Like `vigil.sdk_stack_trace`,
it replaces the SDK's function only while its source, and that of the code calling the resolvers
(``resolve_properties``) and of the ``Output`` it stands in for, are the known ones.

What may change is the order of registration: a resource whose inputs wait on another's output
is ready a loop step sooner. Pulumi does not define that order, and the plan document lists
resources by URN: the plans of the example, of 60 sites and of the fleet are byte-identical
with and without this (``tests/plan/test_resource_outputs.py`` compares recordings by URN).
"""

from __future__ import annotations

import asyncio
from typing import Any

from pulumi import Output
from pulumi.output import _OutputData
from pulumi.runtime import rpc as _rpc

from vigil.sdk_source import source_sha256

KNOWN_SOURCE_SHA256 = {
    "transfer_properties": "0e7c02ffa04ff20b31cd58a4829188d173300ed40eae0cb7bb48435121c233d9",
    "Output.__init__": "f883e4f64c918cfb82b9461f13ec626edfed42e3e1ccea18e601a7e4663be894",
    "resolve_properties": "1011fee4059d7f14701738af925b0359b02a2e42248618169bd3afa8e2a66fe9",
}
"""SHA-256 of ``inspect.getsource`` of the SDK functions this stands in for or relies on (SDK
3.272); `install` does nothing when any differs."""

_STOCK = _rpc.transfer_properties


class ResolvedOutput(Output[Any]):
    """An output of ``resource`` settled by the engine's answer; its future made on demand."""

    def __init__(self, resource: Any) -> None:  # no Output.__init__: no task, no tracking
        self._resource = resource
        self._loop = asyncio.get_event_loop()  # the SDK's futures belong to the constructor's loop
        self._answer: tuple[Any, bool, bool, Any] | None = None
        self._failed: BaseException | None = None
        self._awaitable: asyncio.Future | None = None

    @property
    def _data(self) -> asyncio.Future:  # type: ignore[override]
        if self._awaitable is None:
            self._awaitable = self._loop.create_future()
            self._settle()
        return self._awaitable

    def resolve(
        self, value: Any, is_known: bool, is_secret: bool, deps: Any, failed: BaseException | None
    ) -> None:
        """The SDK's ``Resolver`` signature (``rpc.resolve_properties``)."""
        self._answer = (value, is_known, is_secret, deps)
        self._failed = failed
        if self._awaitable is not None:
            self._settle()

    def _settle(self) -> None:
        future = self._awaitable
        if future is None or future.done() or self._answer is None:
            return
        if self._failed is not None:
            future.set_exception(self._failed)
            return
        value, is_known, is_secret, deps = self._answer
        resources = set(deps) if deps else set()
        resources.add(self._resource)
        future.set_result(
            _OutputData(resources=resources, value=value, is_known=is_known, is_secret=is_secret)
        )


def transfer_properties(res: Any, props: Any, custom: bool = False) -> dict[str, Any]:
    """``rpc.transfer_properties`` with `ResolvedOutput`s (same names skipped, same resolvers)."""
    resolvers: dict[str, Any] = {}
    for name in props:
        if name == "urn" or (name == "id" and custom):
            continue
        output = ResolvedOutput(res)
        resolvers[name] = output.resolve
        res.__dict__[name] = output
    return resolvers


def sdk_source_sha256() -> dict[str, str]:
    return {
        "transfer_properties": source_sha256(_STOCK),
        "Output.__init__": source_sha256(Output.__init__),
        "resolve_properties": source_sha256(_rpc.resolve_properties),
    }


def install() -> bool:
    """Use `transfer_properties` while the SDK's functions are the known ones; True if active."""
    if sdk_source_sha256() != KNOWN_SOURCE_SHA256:
        return False
    _rpc.transfer_properties = transfer_properties
    return True


def uninstall() -> None:
    _rpc.transfer_properties = _STOCK
