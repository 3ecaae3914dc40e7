"""The ``serialize_provider`` work-around: thousands of dynamic resources in one program."""

from __future__ import annotations

import pickle

import pytest
from pulumi.dynamic import CreateResult, Resource, ResourceProvider
from pulumi.dynamic import dynamic as sdk_dynamic

from tests.runtime import run_program
from vigil import sdk_patches

DYNAMIC_RESOURCES = 3_000
"""Three times the ~985 at which the unpatched SDK 3.272 raises RecursionError."""


class _Provider(ResourceProvider):
    """Carries instance state, as vigil's Zabbix provider does: pickling it sorts a dict."""

    serialize_as_secret_always = False

    def __init__(self) -> None:
        super().__init__()
        self.settings = {"b": 2, "a": 1}

    def create(self, props):  # pragma: no cover - never called under mocks
        return CreateResult("id", props)


class _Thing(Resource, module="vigiltest", name="Thing"):
    def __init__(self, name: str) -> None:
        super().__init__(_Provider(), name, {"value": name})


@pytest.fixture
def unpatched(monkeypatch):
    """The SDK's own ``serialize_provider`` for one test, whatever earlier tests installed."""
    original = sdk_dynamic.serialize_provider
    while hasattr(original, "__wrapped__"):
        original = original.__wrapped__
    monkeypatch.setattr(sdk_dynamic, "serialize_provider", original)
    before = pickle._Pickler._batch_setitems
    yield original
    pickle._Pickler._batch_setitems = before


def _depth(method) -> int:
    """How many sorting wrappers sit on ``_batch_setitems`` (closures over the previous one)."""
    depth = 0
    while method.__closure__:
        inner = [c.cell_contents for c in method.__closure__ if callable(c.cell_contents)]
        if not inner:
            break
        method, depth = inner[0], depth + 1
    return depth


def test_the_installed_sdk_still_needs_the_patch(unpatched):
    # If this fails after an SDK upgrade, the bug is fixed upstream: install() then returns
    # False by itself and this module (and its call in components/zabbix.py) can go.
    assert sdk_patches.leaks_batch_setitems(unpatched)


def test_patched_serialization_stays_one_wrapper_deep_and_is_unchanged(unpatched):
    expected = unpatched(_Provider())
    pickle._Pickler._batch_setitems = pickle._Pickler.__dict__["_batch_setitems"]
    assert sdk_patches.install()
    patched = sdk_dynamic.serialize_provider
    baseline = _depth(pickle._Pickler._batch_setitems)
    for _ in range(1_200):
        assert patched(_Provider()) == expected
    assert _depth(pickle._Pickler._batch_setitems) == baseline
    assert sdk_patches.install()  # idempotent: still the same single wrapper
    assert sdk_dynamic.serialize_provider is patched


def test_install_does_nothing_when_the_sdk_no_longer_leaks(monkeypatch):
    def fixed_sdk(provider):
        return "serialized"

    monkeypatch.setattr(sdk_dynamic, "serialize_provider", fixed_sdk)
    assert sdk_patches.install() is False
    assert sdk_dynamic.serialize_provider is fixed_sdk


def test_thousands_of_dynamic_resources_register_under_the_mock_runtime(unpatched):
    assert sdk_patches.install()
    recording = run_program(lambda: [_Thing(f"thing-{i}") for i in range(DYNAMIC_RESOURCES)])
    dynamic = [r for r in recording.resources if r.type.startswith("pulumi-python:dynamic/")]
    assert len(dynamic) == DYNAMIC_RESOURCES
