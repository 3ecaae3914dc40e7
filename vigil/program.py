"""The Pulumi program: stack config → inventory → TeamOnCall per team → SiteMonitoring per site.

Everything that can fail on bad input (loading, validation, alarm specs) runs before the first
resource is registered, so an invalid inventory never produces a half-applied stack.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pulumi
from pulumi.runtime import config as runtime_config

from vigil import loaded, sdk_stack_trace
from vigil.catalog.alarms import AlarmSpec, alarms_for_site
from vigil.inventory import InventoryError, load_inventory
from vigil.inventory.discovery import client_folders
from vigil.inventory.problems import did_you_mean
from vigil.models import Inventory, Tier
from vigil.settings import (
    BY_NAME,
    GRAFANA_AUTH,
    GRAFANA_URL,
    NAMESPACE,
    SettingsError,
    StackSettings,
    Where,
    parse_stack_settings,
)
from vigil.stack_file import ConfigFileError, read_config_document, stack_file_locations


class InvalidInventory(pulumi.RunError):
    """Stops the program before any resource is registered; Pulumi prints it without traceback."""


class InvalidStackConfig(InvalidInventory):
    """Invalid stack config (unknown ``vigil:*`` key, wrong type, bad ``vigil:grafana``): same
    handling as a bad inventory."""


def read_settings() -> StackSettings:
    """The stack's settings, read once per run from what Pulumi handed the program.

    Keys come from the runtime's config map and ``PULUMI_CONFIG`` (how the language host passes
    the stack's config), values as Pulumi's strings; secrets are sealed as ``Output.secret``.
    Only ``vigil:*``, ``grafana:url`` and the presence of ``grafana:auth`` reach the parser.
    """
    keys = (
        set(runtime_config.CONFIG.get())
        | set(runtime_config.get_config_env())
        | {k for k in BY_NAME if runtime_config.get_config(k) is not None}
    )
    secret_keys = {k for k in keys if runtime_config.is_config_secret(k)} | set(
        runtime_config.get_config_secret_keys_env()
    )
    values: dict[str, str] = {}
    for key in sorted(keys):
        if key.startswith(f"{NAMESPACE}:") or key == GRAFANA_URL:
            values[key] = str(runtime_config.get_config(key))
        elif key == GRAFANA_AUTH and runtime_config.get_config(key):
            values[key] = "[set]"  # presence only: the provider reads the value
    try:
        return parse_stack_settings(
            values,
            seal=pulumi.Output.secret,
            secret_keys=secret_keys,
            env=os.environ,
            where=_stack_file_locations(),
        )
    except SettingsError as error:
        raise InvalidStackConfig(str(error)) from None


def _stack_file_locations() -> Where | None:
    """Where each key is written in ``stacks/Pulumi.<stack>.yaml``, for messages."""
    root = pulumi.get_root_directory() or os.getcwd()
    try:
        project = read_config_document(Path(root) / "Pulumi.yaml")
    except ConfigFileError:
        return None
    stack_dir = Path(root) / str(project.get("stackConfigDir") or ".")
    stack_file = stack_dir / f"Pulumi.{pulumi.get_stack()}.yaml"
    if not stack_file.is_file():
        return None
    return stack_file_locations(stack_file, shown=stack_file.relative_to(root))


def load(settings: StackSettings) -> tuple[Inventory, dict[str, tuple[AlarmSpec, ...]]]:
    """Load, shard and pre-compute every alarm spec, or raise ``InvalidInventory``."""
    root = settings.inventory_path(Path(os.getcwd()))
    try:
        inventory = load_inventory(root, clients=settings.clients)
    except InventoryError as error:
        raise InvalidInventory(_format(root, [p.format() for p in error.problems])) from None
    except OSError as error:  # e.g. a file that cannot be read
        raise InvalidInventory(_format(root, [f"{type(error).__name__}: {error}"])) from None
    problems: list[str] = []
    if settings.clients is not None:
        at = _stack_file_locations() or (lambda _path: "")
        known = client_folders(root)  # the shard's files alone were read
        problems += [
            f"{at(f'vigil:clients[{i}]')}vigil:clients[{i}]: unknown client {c!r}"
            + did_you_mean(c, known)
            for i, c in enumerate(settings.clients)
            if c not in known
        ]
        inventory = inventory.only_clients(settings.clients)
    problems += _out_of_scope_problems(settings, {site.id for site in inventory.sites})
    alarms: dict[str, tuple[AlarmSpec, ...]] = {}
    for site in inventory.sites:  # owner teams are resolved by the validator
        try:
            alarms[site.id] = alarms_for_site(site, settings.dashboard_url)
        except ValueError as error:
            problems.append(f"{site.source}: {error}")
    if problems:
        raise InvalidInventory(_format(root, problems))
    return inventory, alarms


def _out_of_scope_problems(settings: StackSettings, site_ids: set[str]) -> list[str]:
    """A waiver naming a site this stack does not manage is a typo that would waive nothing
    (or the wrong site): reported at its stack file line."""
    at = _stack_file_locations() or (lambda _path: "")
    problems = []
    for tool, scope in sorted(settings.out_of_scope.items()):
        for i, site_id in enumerate(scope.sites or ()):
            if site_id not in site_ids:
                index = f"vigil:outOfScope.{tool}.sites[{i}]"
                problems.append(
                    f"{at(index)}{index}: {site_id!r} is not a site of this stack"
                    + did_you_mean(site_id, site_ids)
                )
    return problems


def _format(root: Path, messages: list[str]) -> str:
    return f"invalid inventory {root}:\n" + "\n".join(f"  {m}" for m in messages)


def _tiers_by_team(inventory: Inventory) -> Mapping[str, dict[str, Tier]]:
    used: dict[str, dict[str, Tier]] = {}
    for site in inventory.sites:
        used.setdefault(site.owner_team, {})[site.tier.name] = site.tier
    return used


def main() -> None:
    # Components import the providers' SDKs; keep them out of pure-library imports.
    from components.grafana import finish_grafana, grafana_plugin
    from components.pagerduty import Directory, EscalationPolicies, TeamOnCall
    from components.providers import Providers
    from components.shared import (
        CONTACT_POINTS,
        ReferencedRouting,
        ReferencedTeam,
        SharedStack,
        shared_main,
    )
    from components.site import SiteMonitoring
    from components.zabbix import zabbix_plugin

    sdk_stack_trace.install()  # before the first resource: see its docstring
    settings = read_settings()
    loaded.SETTINGS.set(settings)  # the one settings object of the run, for the plan
    inventory, alarms = load(settings)
    loaded.INVENTORY.set(inventory)  # what this run provisions, for the plan's reports

    if settings.fleet_role == "shared":  # the fleet's shared objects, no sites
        loaded.INVENTORY.set(inventory.only_clients(()))  # its plan covers no site
        shared_main(settings, inventory)
        return
    directory = Directory()
    providers = Providers(settings.aws_role_name)
    shared = SharedStack(settings.shared_stack) if settings.shared_stack else None
    teams: dict[str, EscalationPolicies] = {
        key: ReferencedTeam(shared, key, tiers)
        if shared
        else TeamOnCall(inventory.team(key), tiers, directory)
        for key, tiers in sorted(_tiers_by_team(inventory).items())
    }
    grafana = grafana_plugin(  # None: skipped, reason logged
        settings.grafana, inventory.sites, own_datasources=shared is None
    )
    zabbix = zabbix_plugin(  # None: skipped, reason logged
        settings.zabbix, ReferencedRouting(shared) if shared else None
    )
    plugins = {name: p for name, p in (("grafana", grafana), ("zabbix", zabbix)) if p}
    for site in inventory.sites:
        monitoring = SiteMonitoring(
            site,
            team_oncall=teams[site.owner_team],
            directory=directory,
            providers=providers,
            dashboard_url=settings.dashboard_url,
            plugins=plugins,
            alarms=alarms[site.id],
        )
        pulumi.export(
            site.id,
            {
                "serviceId": monitoring.service_id,
                "topicArns": monitoring.topic_arns,
                "globalTopicArns": {
                    region: dict(arns)
                    for region, arns in monitoring.topics.arns.items()
                    if region != site.aws_region
                },
                "alarmCount": monitoring.alarm_count,
                "healthCheckIds": monitoring.cloudwatch.health_check_ids,
                "dashboardUrl": monitoring.dashboard_url,
            },
        )
    if grafana:
        finish_grafana(grafana, inventory.sites)
        # what the fleet's shared stack routes to (components.shared.fleet_policy_tree)
        pulumi.export(CONTACT_POINTS, grafana.contact_points())
