"""AlarmSpec-like objects for the example sites, until ``vigil.catalog.alarms`` lands on main.

Mirrors the catalog's documented shape (name, site_id, resource_type, resource_id, signal,
severity, namespace, metric, dimensions, statistic/extended_statistic, period, comparison,
threshold, availability, global_region, description) closely enough to exercise grouping,
multi-instance panels, per-resource threshold overrides, lower-bound alarms and us-east-1
metrics.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from vigil.models import Site, Threshold
from vigil.naming import resource_name


@dataclass(frozen=True)
class FakeAlarm:
    name: str
    site_id: str
    resource_type: str
    resource_id: str
    signal: str
    severity: str
    namespace: str
    metric: str
    dimensions: Mapping[str, str]
    comparison: str
    threshold: float
    period: int = 60
    statistic: str | None = "Average"
    extended_statistic: str | None = None
    availability: bool = False
    global_region: bool = False
    description: str = ""
    tags: Mapping[str, str] = field(default_factory=dict)


GT = "GreaterThanThreshold"
LT = "LessThanThreshold"

# resource type → (signal, namespace, metric, statistic, comparison, default, availability, global)
# fmt: off
SIGNALS: dict[str, tuple[tuple, ...]] = {
    "url": (
        ("health_check_status", "AWS/Route53", "HealthCheckStatus", "Minimum", LT,
         Threshold(critical=1), True, True),
        ("response_time_seconds", "AWS/Route53", "TimeToFirstByte", "Average", GT,
         Threshold(3, 8), False, True),
    ),
    "alb": (
        ("elb_5xx_count", "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "Sum", GT,
         Threshold(5, 25), False, False),
        ("target_response_time_p99", "AWS/ApplicationELB", "TargetResponseTime", "p99", GT,
         Threshold(2, 4), False, False),
    ),
    "target_group": (
        ("unhealthy_hosts", "AWS/ApplicationELB", "UnHealthyHostCount", "Maximum", GT,
         Threshold(critical=0), True, False),
    ),
    "ec2": (
        ("cpu_utilization", "AWS/EC2", "CPUUtilization", "Average", GT,
         Threshold(80, 95), False, False),
        ("status_check_failed", "AWS/EC2", "StatusCheckFailed", "Maximum", GT,
         Threshold(critical=0), True, False),
    ),
    "rds": (
        ("cpu_utilization", "AWS/RDS", "CPUUtilization", "Average", GT,
         Threshold(80, 95), False, False),
        ("free_storage_bytes", "AWS/RDS", "FreeStorageSpace", "Minimum", LT,
         Threshold(10 * 2**30, 2 * 2**30), False, False),
    ),
    "aurora": (
        ("cpu_utilization", "AWS/RDS", "CPUUtilization", "Average", GT,
         Threshold(80, 95), False, False),
    ),
    "elasticache": (
        ("database_memory_usage_percent", "AWS/ElastiCache", "DatabaseMemoryUsagePercentage",
         "Average", GT, Threshold(80, 95), False, False),
    ),
    "cloudfront": (
        ("error_rate_5xx", "AWS/CloudFront", "5xxErrorRate", "Average", GT,
         Threshold(1, 5), False, True),
    ),
    "opensearch": (
        ("cluster_status_red", "AWS/ES", "ClusterStatus.red", "Maximum", GT,
         Threshold(critical=0), True, False),
    ),
    "asg": (
        ("in_service_instances", "AWS/AutoScaling", "GroupInServiceInstances", "Minimum", LT,
         Threshold(critical=1), True, False),
    ),
}
# fmt: on


def health_check_placeholder(url_name: str) -> str:
    return f"healthcheck:{url_name}"


def _resources(site: Site) -> list[tuple[str, str, dict[str, str], Mapping[str, Threshold]]]:
    r = site.resources
    out: list[tuple[str, str, dict[str, str], Mapping[str, Threshold]]] = []
    for u in site.urls:
        out.append(
            ("url", u.name, {"HealthCheckId": health_check_placeholder(u.name)}, u.thresholds)
        )
    for lb in r.load_balancers:
        out.append(("alb", lb.name, {"LoadBalancer": lb.dimension}, lb.thresholds))
        for tg in lb.target_groups:
            dims = {"LoadBalancer": lb.dimension, "TargetGroup": tg.dimension}
            out.append(("target_group", tg.name, dims, tg.thresholds))
    for i in r.ec2_instances:
        out.append(("ec2", i.name, {"InstanceId": i.id}, i.thresholds))
    for g in r.auto_scaling_groups:
        out.append(("asg", g.name, {"AutoScalingGroupName": g.name}, g.thresholds))
    for d in r.rds_instances:
        out.append(("rds", d.id, {"DBInstanceIdentifier": d.id}, d.thresholds))
    for c in r.aurora_clusters:
        out.append(("aurora", c.id, {"DBClusterIdentifier": c.id}, c.thresholds))
    for c in r.elasticache_clusters:
        out.append(("elasticache", c.id, {"CacheClusterId": c.id}, c.thresholds))
    for c in r.cloudfront_distributions:
        out.append(("cloudfront", c.id, {"DistributionId": c.id, "Region": "Global"}, c.thresholds))
    for o in r.opensearch_domains:
        dims = {"DomainName": o.name, "ClientId": site.aws_account_id}
        out.append(("opensearch", o.name, dims, o.thresholds))
    return out


def fake_alarms_for_site(site: Site) -> tuple[FakeAlarm, ...]:
    alarms: list[FakeAlarm] = []
    for rtype, rid, dims, resolved in _resources(site):
        for key, ns, metric, stat, cmp, default, avail, glob in SIGNALS[rtype]:
            level = resolved.get(key, default)
            for severity in ("warning", "critical"):
                value = getattr(level, severity)
                if value is None:
                    continue
                percentile = stat.startswith("p")
                alarms.append(
                    FakeAlarm(
                        name=resource_name(site, rid, key, severity),
                        site_id=site.id,
                        resource_type=rtype,
                        resource_id=rid,
                        signal=key,
                        severity=severity,
                        namespace=ns,
                        metric=metric,
                        dimensions=dict(dims),
                        comparison=cmp,
                        threshold=float(value),
                        period=site.tier.alarm.period_seconds,
                        statistic=None if percentile else stat,
                        extended_statistic=stat if percentile else None,
                        availability=avail,
                        global_region=glob,
                        description=f"{metric} of {rid}",
                    )
                )
    return tuple(sorted(alarms, key=lambda a: a.name))
