"""Run a Pulumi program in tests on the one recording runtime (`vigil.plan.engine`).

``run_program(main, config)`` is `record_program` with the test conveniences: config as a
plain mapping of full keys (objects JSON-encoded, as Pulumi hands them over), the tools'
environment fallbacks hidden (a developer's shell must not change a test), and the program's
own exception raised instead of the engine's `ProgramError` wrapper.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from vigil.plan.engine import OnResource, ProgramError, RunRequest, record_program
from vigil.plan.record import Recording

ROOT = Path(__file__).resolve().parents[1]

TOOL_ENVIRONMENT = ("ZABBIX_URL", "ZABBIX_API_TOKEN", "ZABBIX_USER", "ZABBIX_PASSWORD",
                    "GRAFANA_URL", "GRAFANA_AUTH")
"""Environment fallbacks of the tools' settings, hidden during a test run."""


def run_program(
    program: Callable[[], Any],
    config: Mapping[str, Any] | None = None,
    *,
    stack: str = "test",
    secret_keys: Iterable[str] = (),
    on_resource: OnResource | None = None,
) -> Recording:
    """Run ``program`` (e.g. ``vigil.program.main``) offline; return what it registered."""
    values = {k: v if isinstance(v, str) else json.dumps(v) for k, v in (config or {}).items()}
    run = RunRequest("vigil", stack, ROOT, values, sorted(secret_keys))
    hidden = {k: os.environ.pop(k) for k in TOOL_ENVIRONMENT if k in os.environ}
    try:
        return record_program(run, program=program, on_resource=on_resource)
    except ProgramError as error:
        if error.cause is not None:
            raise error.cause from None
        raise
    finally:
        os.environ.update(hidden)
