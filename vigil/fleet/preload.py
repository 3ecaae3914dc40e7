"""What the forkserver imports once, before it forks a worker per stack (`vigil.fleet.parallel`).

Importing the program's modules costs ~2.5 s per process, and the provider SDKs load their
modules lazily on first use (``pulumi_aws.cloudwatch`` alone ~1 s), so each stack would pay
that again. Imported here, every forked worker starts with them loaded. Imports only: nothing
here registers a resource, sets config or touches Pulumi's runtime settings, so no stack
inherits any runtime state.
"""

from __future__ import annotations

import contextlib
import importlib

from vigil import resource_types as rt

MODULES = (
    "vigil.fleet.worker",
    "vigil.plan.service",
    "vigil.plan.cli",
    "vigil.plan.report_html",
    "vigil.plan.alert_paths",
    "vigil.program",
    "policies.pack",
    "components.grafana",
    "components.pagerduty",
    "components.providers",
    "components.shared",
    "components.site",
    "components.zabbix",
)
PACKAGES = {"aws": "pulumi_aws", "pagerduty": "pulumi_pagerduty", "grafana": "pulumiverse_grafana"}
"""Pulumi package name (a type token's first part) → its Python SDK."""


def provider_classes() -> list[tuple[str, str]]:
    """(SDK module, class) of every type token vigil registers: ``aws:cloudwatch/…:MetricAlarm``
    → (``pulumi_aws.cloudwatch``, ``MetricAlarm``); ``index`` is the package itself. The
    SDKs load a class's module on first attribute access, so the class is what to touch."""
    found = set()
    for token in vars(rt).values():
        if not isinstance(token, str) or token.count(":") != 2:
            continue
        package, middle, name = token.split(":")
        module = middle.split("/")[0]
        if package in PACKAGES:
            found.add((PACKAGES[package] + ("" if module == "index" else f".{module}"), name))
    return sorted(found)


def preload() -> None:
    for name in MODULES:
        with contextlib.suppress(ImportError):  # a project without one: its worker imports it
            importlib.import_module(name)
    for module, name in provider_classes():
        with contextlib.suppress(ImportError, AttributeError):
            getattr(importlib.import_module(module), name)


preload()
