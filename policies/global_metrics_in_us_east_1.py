"""global-metrics-in-us-east-1: CloudFront and Route 53 alarms live in us-east-1.

CloudFront metrics (Region=Global) and Route 53 health-check metrics exist only in us-east-1,
and an alarm cannot watch another region's metric: created with the site's regional provider
such an alarm stays INSUFFICIENT_DATA forever and never pages.
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import EnforcementLevel, ReportViolation, ResourceValidationArgs

from policies import define as d
from policies import graph as g

NAME = "global-metrics-in-us-east-1"
DESCRIPTION = (
    "CloudFront and Route 53 health-check alarms are created with an explicit us-east-1 "
    "AWS provider."
)
REMEDIATION = (
    "Create the alarm with vigil's explicit provider aws-us-east-1-<account> (the CloudWatch "
    "component does this for cloudfront resources and url checks); do not move them to the "
    "site's aws.region in inventory/sites/<client>/<site>.yaml."
)
DEFAULTS: dict[str, Any] = {
    "globalNamespaces": ["AWS/CloudFront", "AWS/Route53"],
    "region": "us-east-1",
}
CONFIG_SCHEMA = d.config_schema(
    DEFAULTS,
    globalNamespaces="Metric namespaces that exist only in the global region.",
    region="The region global metrics live in.",
)


def namespaces(props: Any) -> list[Any]:
    """Namespaces the alarm reads: its own and those of its metric queries."""
    found = [g.prop(props, "namespace")]
    queries = g.prop(props, "metricQueries") or []
    if g.is_unknown(queries):
        return [g.UNKNOWN]
    for query in queries:
        metric = query.get("metric") if isinstance(query, dict) else None
        if isinstance(metric, dict):
            found.append(metric.get("namespace"))
    return [n for n in found if n is not None]


def check(args: ResourceValidationArgs, cfg: dict[str, Any], report: ReportViolation) -> None:
    found = namespaces(args.props)
    if any(g.is_unknown(n) for n in found):
        raise g.CannotVerifyUntilApply([f"metric namespace of alarm {args.name}"])
    global_ns = sorted({n for n in found if n in cfg["globalNamespaces"]})
    if not global_ns:
        return
    wanted = cfg["region"]
    provider = args.provider
    if provider is None:
        report(
            f"alarm {args.name} watches {', '.join(global_ns)} but has no explicit AWS provider; "
            f"it must be created in {wanted}. {REMEDIATION}", None
        )
        return
    region = g.prop(provider.props, "region")
    if g.is_unknown(region):
        raise g.CannotVerifyUntilApply([f"region of provider {provider.name} of alarm {args.name}"])
    if region != wanted:
        report(
            f"alarm {args.name} watches {', '.join(global_ns)} (metrics exist only in {wanted}) "
            f"but its provider {provider.name} is in {region or 'no explicit region'}. "
            f"{REMEDIATION}", None
        )


POLICY = d.resource_policy(
    NAME,
    DESCRIPTION,
    EnforcementLevel.MANDATORY,
    REMEDIATION,
    CONFIG_SCHEMA,
    check,
    types=(g.METRIC_ALARM,),
)
