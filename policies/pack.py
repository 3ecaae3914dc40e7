"""The policy list and config schema of the ``vigil-coverage`` pack, without constructing it.

``PolicyPack(...)`` starts a gRPC server and blocks, so only ``__main__.py`` builds it; tests
and the offline plan engine import this module instead.
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import EnforcementLevel, Policy, ResourceValidationPolicy

from policies import (
    alarm_has_actions,
    availability_treats_missing_as_breaching,
    aws_api_rules,
    detection_within_tier,
    escalation_within_sla,
    every_site_covered,
    global_metrics_in_us_east_1,
    grafana_datasource_reads_site_account,
    pagerduty_delivery_watched,
    pagerduty_provider_rules,
    reporting_signals_have_heartbeat,
    required_tags,
    schedules_cover_24x7,
    sns_not_aws_managed_key,
)

PACK_NAME = "vigil-coverage"
DESCRIPTION = "Proves every site's 24/7 alert path: signal → SNS/Zabbix/Grafana → PagerDuty."
DEFAULT_ENFORCEMENT = EnforcementLevel.MANDATORY

MODULES = (
    alarm_has_actions,
    aws_api_rules,
    global_metrics_in_us_east_1,
    sns_not_aws_managed_key,
    pagerduty_delivery_watched,
    availability_treats_missing_as_breaching,
    reporting_signals_have_heartbeat,
    escalation_within_sla,
    detection_within_tier,
    schedules_cover_24x7,
    pagerduty_provider_rules,
    every_site_covered,
    grafana_datasource_reads_site_account,
    required_tags,
)


def policies() -> list[Policy]:
    """All policies of the pack, in report order."""
    return [module.POLICY for module in MODULES]


def policy(name: str) -> Policy:
    return next(p for p in policies() if p.name == name)


def is_resource_policy(p: Policy) -> bool:
    return isinstance(p, ResourceValidationPolicy)


def default_config() -> dict[str, dict[str, Any]]:
    """The effective config with nothing overridden, in ``--policy-pack-config`` shape."""
    return {
        module.NAME: {
            "enforcementLevel": (module.POLICY.enforcement_level or DEFAULT_ENFORCEMENT).value,
            **module.DEFAULTS,
        }
        for module in MODULES
    }
