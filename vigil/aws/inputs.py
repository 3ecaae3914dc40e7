"""The arguments vigil's components pass to pulumi-aws, built once and pure.

The components call these builders (``aws.cloudwatch.MetricAlarm(name, **alarm_args(...))``),
and ``vigil validate`` calls the same ones (through :func:`wire`, the camelCase names the
engine records) to check the inventory's values against the AWS rules before any plan runs:
one source for what is sent, so the checks cannot drift from the program.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from vigil import naming
from vigil.catalog import url as url_catalog
from vigil.catalog.alarms import AlarmSpec, health_check_name
from vigil.models import Site, UrlCheck

_UPPER = re.compile(r"_([a-z0-9])")


def camel(name: str) -> str:
    """``treat_missing_data`` → ``treatMissingData`` (the engine's wire name for pulumi-aws)."""
    return _UPPER.sub(lambda m: m.group(1).upper(), name)


def wire(args: Mapping[str, Any]) -> dict[str, Any]:
    """Python keyword arguments → the input names the engine records (top level only: nested
    maps such as ``tags`` and ``dimensions`` keep their keys); ``None`` values are not sent."""
    return {camel(k): v for k, v in args.items() if v is not None}


def alarm_args(
    spec: AlarmSpec,
    dimensions: Mapping[str, Any],
    topic: Any,
    insufficient_data_actions: list[Any] | None = None,
) -> dict[str, Any]:
    """``aws.cloudwatch.MetricAlarm`` arguments for one spec: ALARM and OK to ``topic``
    (the site's topic for the spec's severity in the alarm's region)."""
    return {
        "name": spec.name,
        "alarm_description": spec.description,
        "namespace": spec.namespace,
        "metric_name": spec.metric,
        "dimensions": dict(dimensions),
        "statistic": spec.statistic,
        "extended_statistic": spec.extended_statistic,
        "evaluate_low_sample_count_percentiles": spec.evaluate_low_sample_count_percentiles,
        "period": spec.period,
        "evaluation_periods": spec.evaluation_periods,
        "datapoints_to_alarm": spec.datapoints_to_alarm,
        "comparison_operator": spec.comparison,
        "threshold": spec.threshold,
        "treat_missing_data": spec.treat_missing_data,
        "alarm_actions": [topic, *spec.extra_alarm_actions],
        "ok_actions": [topic],
        "insufficient_data_actions": insufficient_data_actions or None,
        "tags": dict(spec.tags),
    }


def health_check_own_tags(site: Site, check: UrlCheck) -> dict[str, str]:
    """vigil's own tags of a URL's health check: the standard ones, ``Name`` (what the Route 53
    console shows) and the URL."""
    return {**naming.vigil_tags(site), "Name": health_check_name(site, check.name),
            "vigil:url": check.url}


def health_check_tags(site: Site, check: UrlCheck) -> dict[str, str]:
    """The site's tags overlaid by vigil's own (which always win)."""
    return {**dict(site.tags), **health_check_own_tags(site, check)}


def health_check_args(site: Site, check: UrlCheck) -> dict[str, Any]:
    """``aws.route53.HealthCheck`` arguments for one URL, tags included (all of them: Route 53's
    10-tag limit is checked, at the inventory's ``tags``, by ``vigil validate``)."""
    return {**url_catalog.health_check_args(check), "tags": health_check_tags(site, check)}


def topic_name(site: Site, severity: str) -> str:
    return naming.resource_name(site, "alerts", "", severity)


def topic_arn(site: Site, severity: str, region: str) -> str:
    """The ARN AWS gives the topic (``arn:aws:sns:<region>:<account>:<name>``; botocore sns
    model, CreateTopic output ``TopicArn``), known before it exists."""
    name = topic_name(site, severity)
    return f"arn:{partition(region)}:sns:{region}:{site.aws_account_id}:{name}"


@cache
def partition(region: str) -> str:
    """The ARN partition of ``region`` (botocore's partitions; ``aws`` when unknown)."""
    from vigil.inventory.checks.identifiers import partition_of

    return partition_of(region) or "aws"


def topic_args(site: Site, severity: str) -> dict[str, Any]:
    """``aws.sns.Topic`` arguments of the site's topic for ``severity`` (any region)."""
    return {
        "name": topic_name(site, severity),
        "display_name": f"vigil {site.id} {severity}",
        "tags": {**naming.standard_tags(site), naming.TAG_SEVERITY: severity},
    }
