"""Answer the SDK's engine calls on the event loop's own thread while recording offline.

The Python SDK (pulumi 3.272, ``pulumi/runtime/resource.py`` ``do_register``) sends every
registration through ``loop.run_in_executor(None, …)``: a gRPC call to the engine blocks, so
it belongs on a worker thread under a real ``pulumi up``. Offline the "engine" is the
in-process `RecordingMonitor`, which answers at once; the thread hop then costs more than the
answer: six worker threads fight the event loop for the GIL, every answer wakes the loop
through its self-pipe, and each worker runs an event loop of its own to serialize the mock's
state. A profile of 40 sites put about a third of the recording's wall time there.

`InlineExecutor` is the recording loop's default executor: it runs the call on the calling
thread and hands back a finished asyncio future, so ``await`` continues without a loop
iteration. The monitor answers without ever waiting on the loop (it serializes plain state
with `finish`), so running it inline cannot deadlock. The real ``pulumi up`` path is
untouched: it never uses this engine.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from pulumi.runtime.sync_await import _sync_await

T = TypeVar("T")


class InlineExecutor(concurrent.futures.ThreadPoolExecutor):
    """A ``ThreadPoolExecutor`` (asyncio accepts no other default) that starts no thread."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Any:
        """Run ``fn`` now; a finished asyncio future of the running loop, which
        ``run_in_executor`` returns as is (``asyncio.wrap_future`` passes asyncio futures
        through), so the awaiting task goes on without a round trip through the loop."""
        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        future: Any = loop.create_future() if loop is not None else concurrent.futures.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # the caller's await raises it, as with a thread
            future.set_exception(exc)
        return future


def finish(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run the coroutine ``make()`` to its end on this thread, without the event loop.

    Serializing plain values (what the mocks return) never waits on anything, so it ends on
    the first step. Should it wait after all (an unresolved output in the state), the started
    coroutine is dropped and a fresh one runs through the SDK's own ``_sync_await``, which
    pumps the loop: slower, same result (serialization has no side effects).
    """
    coro = make()
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value
    coro.close()
    return _sync_await(make())
