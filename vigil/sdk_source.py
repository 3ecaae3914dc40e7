"""Fingerprints of the Pulumi SDK's source, for the patches that hold only for a known SDK.

`vigil.sdk_stack_trace`, `vigil.plan.resource_outputs` and `vigil.plan.type_unwrapping` each
replace an SDK function only while its source (and that of the code around it) is the one they
were written and tested against; an SDK upgrade then switches them off by itself. The source of
an installed package does not change while a process runs, so each function is read and hashed
once per process, not on every recording.

No Pulumi import here: callers pass the SDK's functions.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
from collections.abc import Callable
from typing import Any


@functools.cache
def source_sha256(function: Callable[..., Any]) -> str:
    """SHA-256 of ``inspect.getsource(function)``."""
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()
