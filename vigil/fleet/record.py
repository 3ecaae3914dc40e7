"""Record a stack offline with its shared stack: `StackReference` answered from a recording.

A site stack (``vigil:fleetRole: site``) reads its escalation policy ids and Zabbix media type
from the stack ``vigil:sharedStack`` names. Offline, the shared stack is recorded first (same
project, same inventory) and its exports answer the reference (`OfflineMocks`); its resources
become the site stack's ``referenced`` resources, so policies prove a site's escalation path
through the shared escalation policy and schedules instead of trusting an opaque id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from vigil.fleet.definition import Fleet
from vigil.plan.engine import StackConfig, load_stack_config, record_program
from vigil.plan.mocks import OfflineMocks
from vigil.plan.record import STACK_TYPE, Recording, Resource

SHARED_KEY, ROLE_KEY = "vigil:sharedStack", "vigil:fleetRole"


def shared_stack_of(config: StackConfig) -> str | None:
    """The shared stack a site stack references (``None``: it references none)."""
    return config.values.get(SHARED_KEY) or None


def record_with_shared(
    config: StackConfig,
    overrides: Mapping[str, Any] | None = None,
    on_resource: Callable[[Resource], None] | None = None,
    shared: Recording | None = None,
) -> Recording:
    """Record ``config``'s program; a site stack gets its shared stack's outputs and
    resources (``shared``: an already recorded shared stack, e.g. once per fleet plan)."""
    reference = shared_stack_of(config)
    if not reference:
        return record_program(config, on_resource=on_resource)
    if shared is None:
        name = reference.rsplit("/", 1)[-1]
        shared = record_program(load_stack_config(config.project_dir, name, overrides))
    mocks = OfflineMocks({reference: shared.exports, shared.stack: shared.exports})
    recording = record_program(config, mocks=mocks, on_resource=on_resource)
    recording.referenced = [r for r in shared.resources if r.type != STACK_TYPE]
    return recording


def record_stack(fleet: Fleet, name: str, shared: Recording | None = None) -> Recording:
    return record_with_shared(load_stack_config(fleet.project_dir, name), shared=shared)
