"""When a recording's garbage is collected: never during the recording, once after it, or, in a
process that ends after its plan, never.

The SDK allocates ~20 futures per property; with the cyclic GC on, full collections over a
heap of live futures make recording superlinear (2.5× slower at 400 sites). Everything stays
alive until the run ends anyway, so the collector is off while recording.

What the run leaves behind is ~400 objects per resource in reference cycles (the SDK's tasks,
coroutines, outputs, closures: 5.7 million at 200 sites). The one collection that frees them
took 8.9 s of a 57 s 200-site plan and returns no memory to the system (pymalloc's arenas stay
mapped). A process that exits after its plan (the ``vigil`` command, a fleet worker) calls
`process_exits_after_plan`: ``gc.freeze()`` then moves that garbage where the collector never
looks, and the exit frees it. Long-lived processes (tests, benchmarks' drivers) keep the
collection, so recordings do not pile up.

No Pulumi import here: ``vigil validate`` starts without the SDK.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

_collect_after_recording = True


def process_exits_after_plan() -> None:
    """Leave each recording's garbage to the process exit (never in a long-lived process)."""
    global _collect_after_recording
    _collect_after_recording = False


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside; after it, one collection or, per the process, a freeze."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if not _collect_after_recording:
                gc.freeze()
            gc.enable()
