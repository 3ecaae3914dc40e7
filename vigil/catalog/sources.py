"""Citations the catalog's signals carry (``Signal.source``), built from a few base documents.

Each signal says where it comes from, so the severity matrix (docs/ALARMS.md) can show why an
alarm exists and who recommends its threshold. The strings are what the matrix prints.
"""

from __future__ import annotations

RECOMMENDED = (
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/"
    "Best_Practice_Recommended_Alarms_AWS_Services.html"
)
"""CloudWatch user guide, "Recommended alarms" (the list behind "Best practice alarm
recommendations for AWS services"): per service and metric the dimensions, intent, statistic,
threshold and its justification, period and datapoints."""

CMC = "cdklabs/cdk-monitoring-constructs"
"""cdk-monitoring-constructs (GitHub), ``lib/monitoring/<service>/<Type>Monitoring.ts``."""

METRICS = {
    "rds": "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-metrics.html",
    "ec2": "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/viewing_metrics_with_cloudwatch.html",
    "elasticache": "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.html",
    "opensearch": "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/"
    "managedomains-cloudwatchmetrics.html",
    "alb": "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/"
    "load-balancer-cloudwatch-metrics.html",
    "cloudfront": "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/"
    "programming-cloudwatch-metrics.html",
    "asg": "https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-metrics.html",
}
"""Each service's CloudWatch metrics reference (metric meaning, unit, dimensions)."""


HEARTBEAT = {
    "ec2": "EC2 user guide, \"Manage detailed monitoring for your EC2 instances\": basic "
    "monitoring publishes instance metrics in 5-minute periods, detailed monitoring in 1-minute "
    "periods, for every running instance "
    "(https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/manage-detailed-monitoring.html)",
    "rds": "RDS user guide, \"Overview of Amazon RDS and Amazon CloudWatch\": RDS sends "
    "metrics to CloudWatch every minute for each active database "
    "(https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/monitoring-cloudwatch.html)",
    "opensearch": "OpenSearch Service developer guide, \"Monitoring OpenSearch cluster "
    "metrics with Amazon CloudWatch\": most metrics are sent in 60-second intervals "
    f"({METRICS['opensearch']})",
    "elasticache": "ElastiCache user guide, \"Monitoring use with CloudWatch Metrics\": "
    "host-level and engine metrics are measured and published for each cache node in "
    f"60-second intervals ({METRICS['elasticache']})",
}
"""Why a signal is a heartbeat (``Signal.heartbeat``): the page saying the service publishes
the metric continuously while the resource exists."""


def recommended(service: str, metric: str) -> str:
    """The "Recommended alarms" section of ``service`` (as the page titles it) for ``metric``."""
    return f"AWS recommended alarm: {service} › {metric} ({RECOMMENDED})"


def cmc(path: str, option: str) -> str:
    """A cdk-monitoring-constructs alarm option (``addXxxAlarm``) in the file ``path``."""
    return f"cdk-monitoring-constructs {option} ({CMC}: lib/monitoring/{path})"


def metrics(rtype: str, metric: str, note: str = "") -> str:
    """The service's metric reference for ``metric`` (and why that justifies the alarm)."""
    tail = f": {note}" if note else ""
    return f"{rtype} metrics reference, {metric}{tail} ({METRICS[rtype]})"


def join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)
