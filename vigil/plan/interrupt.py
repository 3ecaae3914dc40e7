"""Ctrl-C during ``vigil plan``: stop at once with exit 130, say so, leave no partial file.

A ``KeyboardInterrupt`` raised in the main thread is not enough: the Pulumi SDK runs the
program on an event loop and executor threads and, when interrupted, waits for its pending
RPCs to drain (a 150-site plan once sat there for 17 minutes, then reported "the Pulumi
program failed: KeyboardInterrupt" with exit 2). So while a plan runs, SIGINT is blocked in
every thread and taken by one watcher thread (``sigwait``), which does not depend on what the
main thread is doing: it deletes the temporary files of writes in progress
(``atomic_write``), prints one line and ends the process with 130 (128 + SIGINT, the shell
convention). Files are only ever written to a temporary name and renamed into place, so a
report is either complete or absent.

From the signal on, the watcher holds the write lock until the process ends: no write started
by the main thread can be renamed into place any more. That matters because ending the work
(``on_stop``, e.g. killing `vigil plan --fleet`'s workers) wakes the main thread with failed
outcomes, which it would otherwise report and write while the watcher is still stopping.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

EXIT_INTERRUPTED = 128 + signal.SIGINT
_STOP = signal.SIGUSR2  # ends the watcher when the plan finishes
_pending: set[str] = set()
_lock = threading.Lock()
_stopping = threading.Event()


def atomic_write(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder and a rename, so no
    reader (and no interrupt) ever sees half a file."""
    target = Path(path)
    if target.exists() and not target.is_file():
        # A device or pipe (``--json /dev/null``): renaming over it would replace the device
        # with a regular file, so write through it instead.
        with target.open("w", encoding="utf-8") as stream:
            stream.write(text)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    with _lock:  # created and registered at once: an interrupt in between would leave it
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        _pending.add(tmp)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            stream.write(text)
        with _lock:  # never after an interrupt: the watcher holds the lock until the exit
            os.replace(tmp, target)
    finally:
        with _lock:
            _pending.discard(tmp)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def halt_if_interrupted() -> None:
    """Called by the main thread before it reports: if an interrupt is stopping the process,
    wait for the watcher's exit instead of reporting on work that ``on_stop`` cut short."""
    while _stopping.is_set():
        time.sleep(60)


def _stop_now(what: str, on_stop: Callable[[], None] | None = None) -> None:
    _lock.acquire()  # held until os._exit: no write can be renamed into place from now on
    _stopping.set()
    if on_stop is not None:  # e.g. end the worker processes of `vigil plan --fleet`
        with contextlib.suppress(Exception):
            on_stop()
    for tmp in list(_pending):
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    message = f"\n{what}: interrupted (Ctrl-C); stopped, no partial file written\n"
    with contextlib.suppress(OSError):
        os.write(sys.stderr.fileno(), message.encode())
    os._exit(EXIT_INTERRUPTED)


@contextlib.contextmanager
def stop_on_interrupt(
    what: str = "vigil plan", on_stop: Callable[[], None] | None = None
) -> Iterator[None]:
    """Within the block, the first SIGINT ends the process as described above, after
    ``on_stop()`` (run on the watcher thread: it must not wait for the main thread).

    Only from the main thread, and only where threads can block signals (POSIX); elsewhere
    Python's default ``KeyboardInterrupt`` applies.
    """
    usable = threading.current_thread() is threading.main_thread() and hasattr(
        signal, "pthread_sigmask"
    )
    if not usable:
        yield
        return
    watched = {signal.SIGINT, _STOP}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, watched)

    def watch() -> None:
        if signal.sigwait(watched) == signal.SIGINT:
            _stop_now(what, on_stop)

    watcher = threading.Thread(target=watch, name="vigil-interrupt", daemon=True)
    watcher.start()  # inherits the blocked mask, like every thread the plan starts
    try:
        yield
    finally:
        assert watcher.ident is not None
        signal.pthread_kill(watcher.ident, _STOP)
        watcher.join()
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
