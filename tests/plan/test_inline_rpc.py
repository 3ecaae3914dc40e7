"""The recording answers the SDK's engine calls on the loop's thread, and can leave its garbage
to the process exit."""

from __future__ import annotations

import asyncio
import gc
import threading

import pytest

from vigil.plan import engine, garbage
from vigil.plan.engine import load_stack_config, record_program
from vigil.plan.inline_rpc import InlineExecutor, finish


def test_registrations_start_no_thread(fixture_dir, monkeypatch):
    """Every registration ran on the recording's own thread: no executor thread was started
    (the SDK's default executor would start up to six ``asyncio_N`` threads)."""
    seen: set[str] = set()
    original = engine.RecordingMonitor.RegisterResource

    def register(self, request):
        seen.add(threading.current_thread().name)
        return original(self, request)

    monkeypatch.setattr(engine.RecordingMonitor, "RegisterResource", register)
    recording = record_program(load_stack_config(fixture_dir, "test", {"fixture:sites": 2}))
    assert len(recording.resources) > 10
    assert seen == {threading.current_thread().name}


def test_data_source_calls_still_answered_off_the_loop(fixture_dir):
    """``Invoke`` keeps the SDK's handler (it pumps a loop of its own) on the monitor's thread,
    and its answer reaches the program (the service's description comes from ``get_user``)."""
    recording = record_program(load_stack_config(fixture_dir, "test"))
    assert recording.calls
    service = next(r for r in recording.resources if r.type == "pagerduty:index/service:Service")
    assert service.inputs["description"]


def test_inline_executor_hands_back_a_finished_future_or_the_error():
    async def main() -> tuple[object, asyncio.Future]:
        loop = asyncio.get_running_loop()
        done = loop.run_in_executor(None, lambda: 41 + 1)
        value = await done
        failed = loop.run_in_executor(None, lambda: 1 / 0)
        return value, failed

    loop = asyncio.new_event_loop()
    try:
        loop.set_default_executor(InlineExecutor())
        value, failed = loop.run_until_complete(main())
        assert value == 42
        assert failed.done()
        with pytest.raises(ZeroDivisionError):
            failed.result()
    finally:
        loop.close()


def test_finish_runs_a_coroutine_that_never_waits_at_once():
    async def plain() -> str:
        return "done"

    assert finish(plain) == "done"


def test_finish_falls_back_to_the_sdk_when_the_coroutine_waits():
    started: list[int] = []

    async def waits() -> str:
        started.append(1)
        await asyncio.sleep(0)
        return "after a loop turn"

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        assert finish(waits) == "after a loop turn"
    finally:
        asyncio.set_event_loop(None)
        loop.close()
    assert len(started) == 2  # the started one was dropped, a fresh one ran to the end


def test_garbage_is_frozen_only_for_processes_that_exit_after_the_plan(fixture_dir, monkeypatch):
    config = load_stack_config(fixture_dir, "test")
    gc.unfreeze()
    try:
        record_program(config)
        assert gc.get_freeze_count() == 0
        monkeypatch.setattr(garbage, "_collect_after_recording", True)
        garbage.process_exits_after_plan()
        record_program(config)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
