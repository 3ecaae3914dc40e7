"""The Pulumi program: stack config → inventory → TeamOnCall per team → SiteMonitoring per site.

Everything that can fail on bad input (loading, validation, alarm specs) runs before the first
resource is registered, so an invalid inventory never produces a half-applied stack.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pulumi

from vigil import loaded
from vigil.catalog.alarms import AlarmSpec, alarms_for_site
from vigil.inventory import InventoryError, load_inventory
from vigil.models import Inventory


class InvalidInventory(pulumi.RunError):
    """Stops the program before any resource is registered; Pulumi prints it without traceback."""


class InvalidStackConfig(InvalidInventory):
    """Malformed stack config (e.g. ``vigil:grafana``): same handling as a bad inventory."""


@dataclass(frozen=True)
class StackConfig:
    inventory: Path
    clients: tuple[str, ...] | None
    grafana_url: str | None
    aws_role_name: str | None


def read_config() -> StackConfig:
    cfg = pulumi.Config("vigil")
    raw = cfg.get("inventory") or "inventory"
    path = Path(raw) if os.path.isabs(raw) else Path(os.getcwd()) / raw
    clients = cfg.get_object("clients")
    return StackConfig(
        inventory=path,
        clients=tuple(str(c) for c in clients) if clients is not None else None,
        grafana_url=cfg.get("grafanaUrl"),
        aws_role_name=cfg.get("awsRoleName"),
    )


def _messages(error: BaseException) -> list[str]:
    problems = getattr(error, "problems", None)
    if problems:
        return [p.format() for p in problems]
    return [line for line in str(error).splitlines() if line.strip()] or [repr(error)]


def load(config: StackConfig) -> tuple[Inventory, dict[str, tuple[AlarmSpec, ...]]]:
    """Load, shard and pre-compute every alarm spec, or raise ``InvalidInventory``."""
    try:
        inventory = load_inventory(config.inventory)
    except InventoryError as error:
        raise InvalidInventory(_format(config.inventory, _messages(error))) from None
    except OSError as error:  # e.g. a file that cannot be read
        raise InvalidInventory(
            _format(config.inventory, [f"{type(error).__name__}: {error}"])
        ) from None
    problems: list[str] = []
    if config.clients is not None:
        unknown = sorted(set(config.clients) - set(inventory.clients))
        problems += [f"vigil:clients: unknown client {c!r}" for c in unknown]
        inventory = inventory.only_clients(config.clients)
    alarms: dict[str, tuple[AlarmSpec, ...]] = {}
    for site in inventory.sites:  # owner teams are resolved by the validator
        try:
            alarms[site.id] = alarms_for_site(site, config.grafana_url)
        except ValueError as error:
            problems.append(f"{site.source}: {error}")
    if problems:
        raise InvalidInventory(_format(config.inventory, problems))
    return inventory, alarms


def _format(root: Path, messages: list[str]) -> str:
    return f"invalid inventory {root}:\n" + "\n".join(f"  {m}" for m in messages)


def _tiers_by_team(inventory: Inventory) -> Mapping[str, dict[str, object]]:
    used: dict[str, dict[str, object]] = {}
    for site in inventory.sites:
        used.setdefault(site.owner_team, {})[site.tier.name] = site.tier
    return used


def main() -> None:
    # Components import the providers' SDKs; keep them out of pure-library imports.
    from components.grafana import finish_grafana, grafana_plugin, load_settings
    from components.pagerduty import Directory, TeamOnCall
    from components.providers import Providers
    from components.site import SiteMonitoring
    from components.zabbix import zabbix_plugin
    from vigil.grafana.settings import GrafanaConfigError

    config = read_config()
    inventory, alarms = load(config)
    loaded.INVENTORY.set(inventory)  # what this run provisions, for the plan's reports
    try:
        grafana_settings = load_settings()
    except GrafanaConfigError as error:
        raise InvalidStackConfig(f"invalid stack config: {error}") from None

    directory = Directory()
    providers = Providers(config.aws_role_name)
    teams = {
        key: TeamOnCall(inventory.team(key), tiers, directory)
        for key, tiers in sorted(_tiers_by_team(inventory).items())
    }
    grafana = grafana_plugin(grafana_settings, inventory.sites)  # None: skipped, reason logged
    zabbix = zabbix_plugin()  # None: skipped, reason logged
    plugins = {name: p for name, p in (("grafana", grafana), ("zabbix", zabbix)) if p}
    for site in inventory.sites:
        monitoring = SiteMonitoring(
            site,
            team_oncall=teams[site.owner_team],
            directory=directory,
            providers=providers,
            grafana_url=config.grafana_url,
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
