"""Work-arounds for known bugs of the Pulumi Python SDK, each switched off once it is fixed.

``pulumi.dynamic``'s ``serialize_provider`` (SDK 3.272, ``pulumi/dynamic/dynamic.py``) wraps
``pickle._Pickler._batch_setitems`` in a sorting wrapper on every call and restores only
``pickle.Pickler``: after N dynamic resources the method is N wrappers deep. Each serialization
gets slower (quadratic cost) and at ~985 dynamic resources in one program the pickler recurses
past Python's limit (``RecursionError``; upstream symptom: pulumi/pulumi#17803). vigil creates
two dynamic resources per site, so without this a stack stops at ~490 sites — under
``vigil plan`` and under a real ``pulumi up`` alike.

The fix keeps the SDK's own serialization (sorted dictionaries, so the serialized provider is
deterministic) and only restores ``_batch_setitems`` after each call, so the wrapper is one level
deep every time. :func:`install` first probes whether the SDK still leaks the wrapper and does
nothing when it does not, so upgrading the SDK switches the patch off by itself.
"""

from __future__ import annotations

import functools
import pickle
from collections.abc import Callable
from typing import Any

from pulumi.dynamic import ResourceProvider
from pulumi.dynamic import dynamic as _dynamic

_MARK = "_vigil_restores_batch_setitems"
_PY_PICKLER: Any = pickle._Pickler  # Any: typeshed does not declare its private _batch_setitems
"""The pure-Python pickler whose ``_batch_setitems`` the SDK wraps."""


class _ProbeProvider(ResourceProvider):
    """Smallest provider the SDK can serialize; used only to probe for the leak."""


def leaks_batch_setitems(serialize: Callable[[ResourceProvider], str]) -> bool:
    """Whether one call of ``serialize`` leaves ``pickle._Pickler._batch_setitems`` changed."""
    before = _PY_PICKLER._batch_setitems
    try:
        serialize(_ProbeProvider())
        return _PY_PICKLER._batch_setitems is not before
    finally:
        _PY_PICKLER._batch_setitems = before


def _restoring(serialize: Callable[[ResourceProvider], str]) -> Callable[[ResourceProvider], str]:
    @functools.wraps(serialize)
    def serialize_provider(provider: ResourceProvider) -> str:
        before = _PY_PICKLER._batch_setitems
        try:
            return serialize(provider)
        finally:
            _PY_PICKLER._batch_setitems = before

    setattr(serialize_provider, _MARK, True)
    return serialize_provider


def install() -> bool:
    """Patch ``serialize_provider`` if this SDK needs it; True when the patch is active.

    Idempotent; call it before the program registers its first dynamic resource.
    """
    current = _dynamic.serialize_provider
    if getattr(current, _MARK, False):
        return True
    if not leaks_batch_setitems(current):
        return False
    _dynamic.serialize_provider = _restoring(current)
    return True
