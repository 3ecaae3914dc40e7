"""The memoised type unwrapping answers as the SDK's functions do, and only while recording."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pulumi import _types

from vigil.plan import type_unwrapping
from vigil.plan.engine import load_stack_config, record_program

ROOT = Path(__file__).resolve().parents[2]


def test_every_answer_of_a_recording_is_the_sdks(monkeypatch):
    asked: list[tuple[str, Any, Any]] = []
    real_memoised = type_unwrapping.memoised

    def watched(stock):
        fast = real_memoised(stock)

        def unwrap(val):
            answer = fast(val)
            asked.append((stock.__name__, val, answer))
            return answer

        return unwrap

    monkeypatch.setattr(type_unwrapping, "memoised", watched)
    record_program(load_stack_config(ROOT, "dev"))
    assert len(asked) > 1000
    assert {name for name, _, _ in asked} == {"unwrap_type", "unwrap_optional_type"}
    for name, val, answer in asked:
        assert answer == type_unwrapping._STOCK[name](val), (name, val)  # equal, fresh aliases


def test_removed_after_the_recording():
    record_program(load_stack_config(ROOT, "dev"))
    assert _types.unwrap_type is type_unwrapping._STOCK["unwrap_type"]
    assert _types.unwrap_optional_type is type_unwrapping._STOCK["unwrap_optional_type"]


def test_an_unhashable_annotation_is_answered_without_the_memo():
    unwrap = type_unwrapping.memoised(lambda val: ("seen", len(val)))
    assert unwrap([1, 2]) == ("seen", 2)


def test_the_installed_sdk_is_the_known_one():
    # If this fails after an SDK upgrade, install() has switched itself off: check that
    # unwrap_type and unwrap_optional_type are still pure, then update the fingerprints.
    assert type_unwrapping.sdk_source_sha256() == type_unwrapping.KNOWN_SOURCE_SHA256
    try:
        assert type_unwrapping.install()
        assert _types.unwrap_type is not type_unwrapping._STOCK["unwrap_type"]
    finally:
        type_unwrapping.uninstall()
    assert _types.unwrap_type is type_unwrapping._STOCK["unwrap_type"]


def test_an_unknown_sdk_is_left_alone(monkeypatch):
    monkeypatch.setitem(type_unwrapping.KNOWN_SOURCE_SHA256, "unwrap_type", "0" * 64)
    assert type_unwrapping.install() is False
    assert _types.unwrap_type is type_unwrapping._STOCK["unwrap_type"]
