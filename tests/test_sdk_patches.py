"""The ``serialize_provider`` work-around: thousands of dynamic resources in one program."""

from __future__ import annotations

import asyncio
import pickle

import pulumi
import pytest
from pulumi.dynamic import CreateResult, Resource, ResourceProvider
from pulumi.dynamic import dynamic as sdk_dynamic

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


class _Mocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.count = 0

    def new_resource(self, args):
        self.count += 1
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args):
        return {}


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
    mocks = _Mocks()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        pulumi.runtime.set_mocks(mocks, project="vigil", stack="sdk-patch", preview=False)

        @pulumi.runtime.test
        def program():
            things = [_Thing(f"thing-{i}") for i in range(DYNAMIC_RESOURCES)]
            return pulumi.Output.all(*(t.id for t in things[-3:]))

        program()
    finally:
        pulumi.runtime.settings.reset_options()
        loop.close()
        asyncio.set_event_loop(None)
    assert mocks.count == DYNAMIC_RESOURCES
