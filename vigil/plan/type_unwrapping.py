"""The SDK's type unwrapping, memoised while recording offline.

The Python SDK's serializer (pulumi 3.272, ``pulumi/runtime/rpc.py`` ``serialize_property``)
unwraps the declared type of every property it serializes, on every call: ``Input[T]``,
``Optional[T]``, ``InputType[T]`` and ``Output[T]`` to ``T`` (``pulumi/_types.py``
``unwrap_type``: ``typing.get_origin`` / ``get_args`` and a dozen comparisons), and the output
translation does the same with ``unwrap_optional_type``. The answer depends only on the type
object, and a plan asks the same few hundred annotations tens of thousands of times: 3 % of a
recording went there. :func:`install` memoises both functions for the recording (the engine
removes it after), while their source is the one this was written against.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from pulumi import _types

from vigil.sdk_source import source_sha256

KNOWN_SOURCE_SHA256 = {
    "unwrap_type": "6ccd35036cb0b3d4c00ef27db03174477870a0e212643876bc7b1718e4ff3c06",
    "unwrap_optional_type": "66ac125c3482ccba5a1dae55e09f1e3ce9b117f75862e89c8030494305285d38",
}
"""SHA-256 of ``inspect.getsource`` of the memoised functions (SDK 3.272): both are pure."""

_STOCK: dict[str, Callable[[Any], Any]] = {n: getattr(_types, n) for n in KNOWN_SOURCE_SHA256}
"""The SDK's own functions, restored by `uninstall`."""


def memoised(unwrap: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``unwrap`` with its answers kept per type (an unhashable annotation is not kept)."""
    memo: dict[Any, Any] = {}

    @functools.wraps(unwrap)
    def unwrap_once(val: Any) -> Any:
        try:
            return memo[val]
        except KeyError:
            answer = memo[val] = unwrap(val)
            return answer
        except TypeError:
            return unwrap(val)

    return unwrap_once


def sdk_source_sha256() -> dict[str, str]:
    return {name: source_sha256(stock) for name, stock in _STOCK.items()}


def install() -> bool:
    """Memoise both functions while the SDK's are the known ones; True when active."""
    if sdk_source_sha256() != KNOWN_SOURCE_SHA256:
        return False
    for name, stock in _STOCK.items():
        setattr(_types, name, memoised(stock))
    return True


def uninstall() -> None:
    for name, stock in _STOCK.items():
        setattr(_types, name, stock)
