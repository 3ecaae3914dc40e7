"""The cheaper ``_get_stack_trace``: equal to the SDK's, message for message."""

from __future__ import annotations

import pytest
from pulumi.runtime import resource as sdk_resource

from vigil import sdk_stack_trace


def _sdk_original():
    current = sdk_resource._get_stack_trace
    return getattr(current, "__wrapped__", current)


class _Resource:
    """Three nested ``__init__`` frames, as Resource → CustomResource → a concrete class."""

    def __init__(self, depth_below: int = 0) -> None:
        self.traces = _below(depth_below)


class _Custom(_Resource):
    def __init__(self, depth_below: int = 0) -> None:
        super().__init__(depth_below)


class _Concrete(_Custom):
    def __init__(self, depth_below: int = 0) -> None:
        super().__init__(depth_below)


def _below(depth: int):
    """Runtime frames between the resource constructor and the trace (register_resource...)."""
    if depth:
        return _below(depth - 1)
    return _sdk_original()(), sdk_stack_trace.fast_stack_trace()


def _user_code(depth_below: int = 0):
    return _Concrete(depth_below).traces


@pytest.mark.parametrize("depth_below", [0, 1, 5])
def test_equal_to_the_sdk_below_three_constructors(depth_below: int) -> None:
    sdk, fast = _user_code(depth_below)
    assert len(sdk.frames) > 3  # this test, pytest's frames...
    assert fast == sdk
    assert fast.frames[0].pc.uri.endswith("tests/test_sdk_stack_trace.py")


def test_equal_to_the_sdk_with_fewer_than_three_constructors() -> None:
    sdk, fast = _Custom().traces
    assert fast == sdk
    sdk, fast = _below(0)
    assert fast == sdk == type(sdk)()


def test_frames_without_a_file_uri_have_no_position_as_in_the_sdk() -> None:
    namespace: dict = {"_Concrete": _Concrete}
    exec(compile("def user():\n    return _Concrete().traces\n", "relative.py", "exec"), namespace)
    sdk, fast = namespace["user"]()
    assert fast == sdk
    assert not fast.frames[0].HasField("pc")  # a relative file name has no file:// URI


def test_the_installed_sdk_is_the_known_one() -> None:
    # If this fails after an SDK upgrade, install() has switched itself off: compare the new
    # _get_stack_trace with fast_stack_trace, then update KNOWN_SOURCE_SHA256 (or drop the patch).
    assert sdk_stack_trace.sdk_source_sha256() == sdk_stack_trace.KNOWN_SOURCE_SHA256
    assert sdk_stack_trace.install()
    assert sdk_stack_trace.install()  # idempotent
    assert sdk_resource._get_stack_trace.__wrapped__ is _sdk_original()


def test_an_unknown_sdk_is_left_alone(monkeypatch) -> None:
    monkeypatch.setattr(sdk_resource, "_get_stack_trace", _sdk_original())
    monkeypatch.setattr(sdk_stack_trace, "KNOWN_SOURCE_SHA256", "0" * 64)
    assert sdk_stack_trace.install() is False
    assert sdk_resource._get_stack_trace is _sdk_original()
