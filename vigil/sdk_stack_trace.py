"""A cheaper, identical ``_get_stack_trace`` for the Pulumi Python SDK's resource registration.

Every resource the SDK registers (``pulumi/runtime/resource.py``, ``register_resource`` and
``read_resource``, SDK 3.272) calls ``_get_stack_trace``, which runs
``traceback.extract_stack()`` (a ``FrameSummary`` per frame, source-line lookups through
``linecache``) and converts every frame's file name to a ``file://`` URI with ``pathlib``,
then builds a protobuf ``StackFrame`` per frame. The engine uses the result only to point
diagnostics at the program's source. vigil registers ~70 resources per site, each with ~40
frames on the stack: in a 1,000-site fleet plan this was a tenth of all CPU.

:func:`fast_stack_trace` walks the frames directly and memoises the ``StackFrame`` message per
``(file, line)``; the result is equal, message for message, to the SDK's (``StackTrace``
copies repeated sub-messages, so sharing the memoised ones is safe). :func:`install` replaces
the SDK's function only while its source is the one this was written against
(:data:`KNOWN_SOURCE_SHA256`): any SDK change switches the patch off by itself, and the
equivalence is proven by ``tests/test_sdk_stack_trace.py``.
"""

from __future__ import annotations

import pathlib
import sys
from types import FrameType

from pulumi.runtime import resource as _resource
from pulumi.runtime.proto import source_pb2

from vigil.sdk_source import source_sha256

KNOWN_SOURCE_SHA256 = "3943b2273016925109e1c3a7bc603db06a44ea09ff3494c29544e44bccf8dd1f"
"""SHA-256 of ``inspect.getsource(pulumi.runtime.resource._get_stack_trace)`` in SDK 3.272."""

_MARK = "_vigil_fast_stack_trace"
_INIT_FRAMES = 3
"""The SDK skips frames up to the third ``__init__`` from the top: ``Resource``,
``CustomResource``/``ComponentResource`` and the concrete resource class."""

_frames: dict[tuple[str, int | None], source_pb2.StackFrame] = {}


def _stack_frame(filename: str, lineno: int | None) -> source_pb2.StackFrame:
    """The SDK's ``rpc_frame`` for one frame (``_get_source_position_for_frame``), memoised."""
    key = (filename, lineno)
    frame = _frames.get(key)
    if frame is None:
        position = None
        if filename != "" and lineno is not None:
            try:
                position = source_pb2.SourcePosition(
                    uri=pathlib.Path(filename).as_uri(), line=lineno
                )
            except ValueError:  # a relative path has no file:// URI (the SDK: no position)
                position = None
        frame = _frames[key] = source_pb2.StackFrame(pc=position)
    return frame


def fast_stack_trace() -> source_pb2.StackTrace:
    """The SDK's ``_get_stack_trace()`` result, without ``traceback`` and ``pathlib`` per frame."""
    caller: FrameType | None = sys._getframe(1)
    # The SDK's stack includes its own frame (the innermost), which is never an __init__.
    chain: list[FrameType] = []
    while caller is not None:
        chain.append(caller)
        caller = caller.f_back
    inits = [i for i, frame in enumerate(chain) if frame.f_code.co_name == "__init__"]
    if len(inits) < _INIT_FRAMES:
        return source_pb2.StackTrace()
    outer = chain[inits[_INIT_FRAMES - 1] + 1 :]  # the SDK's stack[:i], innermost first
    if not outer:
        return source_pb2.StackTrace()
    return source_pb2.StackTrace(
        frames=[_stack_frame(f.f_code.co_filename, f.f_lineno) for f in outer]
    )


def sdk_source_sha256() -> str:
    """Fingerprint of the installed SDK's ``_get_stack_trace`` (unwrapped)."""
    original = getattr(_resource._get_stack_trace, "__wrapped__", _resource._get_stack_trace)
    return source_sha256(original)


def install() -> bool:
    """Use :func:`fast_stack_trace` if the SDK's function is the known one; True when active.

    Idempotent; call it before the program registers its first resource.
    """
    current = _resource._get_stack_trace
    if getattr(current, _MARK, False):
        return True
    if sdk_source_sha256() != KNOWN_SOURCE_SHA256:
        return False

    def _get_stack_trace() -> source_pb2.StackTrace:
        return fast_stack_trace()

    _get_stack_trace.__wrapped__ = current  # type: ignore[attr-defined]
    setattr(_get_stack_trace, _MARK, True)
    _resource._get_stack_trace = _get_stack_trace
    return True
