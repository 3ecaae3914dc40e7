"""Record a stack offline with its shared stack: `StackReference` answered from a recording.

A site stack (``vigil:fleetRole: site``) reads its escalation policy ids and Zabbix media type
from the stack ``vigil:sharedStack`` names. Offline, the shared stack is recorded first (same
project, same inventory) and its exports answer the reference (`OfflineMocks`); its resources
become the site stack's ``referenced`` resources, so policies prove a site's escalation path
through the shared escalation policy and schedules instead of trusting an opaque id.

The shared stack itself reads its site stacks back: its Grafana tree routes the contact points
they publish (`components.shared.fleet_policy_tree`). It is recorded as the deploy workflow
runs it: once as before the site stacks (no site stack has published anything yet: no
references answered), the site stacks against that recording, then again with their outputs.
`vigil plan --fleet` runs the same two passes across its workers (`vigil.fleet.parallel`): the
site stacks it plans are recorded once each and their outputs handed to the second pass.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from vigil import resource_types as rt
from vigil.fleet.definition import Fleet, read_fleet
from vigil.plan.engine import RunRequest, load_stack_config, offline_settings, record_program
from vigil.plan.mocks import OfflineMocks
from vigil.plan.record import STACK_TYPE, Recording, Resource
from vigil.settings import SettingsError, StackSettings


def _settings(config: RunRequest) -> StackSettings | None:
    """The stack's settings (``None``: invalid, which the program then reports at the stack
    file's line)."""
    try:
        return offline_settings(config)
    except SettingsError:
        return None


def shared_stack_of(config: RunRequest) -> str | None:
    """The shared stack a site stack references (``None``: it references none)."""
    settings = _settings(config)
    return settings.shared_stack if settings else None


def record_with_shared(
    config: RunRequest,
    overrides: Mapping[str, Any] | None = None,
    on_resource: Callable[[Resource], None] | None = None,
    shared: Recording | None = None,
    published: Mapping[str, Mapping[str, Any]] | None = None,
) -> Recording:
    """Record ``config``'s program; a site stack gets its shared stack's outputs and
    resources (``shared``: an already recorded shared stack, e.g. once per fleet plan).

    The shared stack itself is recorded after a full deploy (`record_shared`), unless
    ``published`` gives what its site stacks published (site stack name → its outputs, as
    `vigil plan --fleet` collects them from the site stacks it planned): then it is recorded
    once, against those."""
    reference = shared_stack_of(config)
    if not reference:
        settings = _settings(config)
        if settings is not None and settings.fleet_role == "shared":
            if published is not None:
                mocks = OfflineMocks(published)
                return record_program(config, mocks=mocks, on_resource=on_resource)
            return record_shared(config, on_resource)[0]
        return record_program(config, on_resource=on_resource)
    if shared is None:
        name = reference.rsplit("/", 1)[-1]
        shared = record_shared(load_stack_config(config.project_dir, name, overrides))[0]
    return _record_site(config, shared, on_resource)


def _record_site(
    config: RunRequest,
    shared: Recording,
    on_resource: Callable[[Resource], None] | None = None,
) -> Recording:
    reference = shared_stack_of(config) or shared.stack
    mocks = OfflineMocks({reference: shared.exports, shared.stack: shared.exports})
    recording = record_program(config, mocks=mocks, on_resource=on_resource)
    recording.referenced = [r for r in shared.resources if r.type != STACK_TYPE]
    return recording


def record_shared(
    config: RunRequest, on_resource: Callable[[Resource], None] | None = None
) -> tuple[Recording, dict[str, Recording]]:
    """The shared stack after a full deploy, and its site stacks' recordings (against it).

    Without a Grafana tree to route, one recording is the answer and no site is recorded.
    """
    first = record_program(config)
    if not first.of_type(rt.GRAFANA_NOTIFICATION_POLICY):
        if on_resource is not None:  # progress is reported for the final recording only
            for resource in first.resources:
                on_resource(resource)
        return first, {}
    sites = {
        entry.name: _record_site(load_stack_config(config.project_dir, entry.name), first)
        for entry in read_fleet(config.project_dir).stacks
        if entry.role == "site" and entry.shared_stack.rsplit("/", 1)[-1] == config.stack
    }
    mocks = OfflineMocks({name: rec.exports for name, rec in sites.items()})
    final = record_program(config, mocks=mocks, on_resource=on_resource)
    for recording in sites.values():  # what they page through is the final shared stack
        recording.referenced = [r for r in final.resources if r.type != STACK_TYPE]
    return final, sites


def record_stack(fleet: Fleet, name: str, shared: Recording | None = None) -> Recording:
    return record_with_shared(load_stack_config(fleet.project_dir, name), shared=shared)
