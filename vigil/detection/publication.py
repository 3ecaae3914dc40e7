"""How often each AWS namespace publishes datapoints, and the fixed delays around an alarm.

Every figure names where AWS states it. AWS documents how often a service *sends* its metrics
but not how long ingestion takes after that; vigil budgets ``INGESTION_SECONDS`` for it and
says so, rather than pretending to a number AWS does not publish.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Publication:
    """One namespace: seconds between the datapoints the service publishes, and the source."""

    resolution: int
    source: str


ONE_MINUTE = 60
BASIC_EC2_SECONDS = 300

PUBLICATION: dict[str, Publication] = {
    "AWS/ApplicationELB": Publication(
        ONE_MINUTE,
        "Elastic Load Balancing User Guide for Application Load Balancers, 'CloudWatch metrics "
        "for your Application Load Balancer': ELB 'measures and sends its metrics in 60-second "
        "intervals' while requests flow",
    ),
    "AWS/EC2": Publication(
        BASIC_EC2_SECONDS,
        "CloudWatch User Guide, 'Amazon EC2 metrics and dimensions': 'Basic (five-minute) "
        "monitoring is enabled by default. You can enable detailed (one-minute) monitoring'; "
        "on Xen instances the five samples are reported as one datapoint at the end of the "
        "five-minute interval (status check metrics: 1-minute, see STATUS_CHECK_METRICS)",
    ),
    "AWS/AutoScaling": Publication(
        ONE_MINUTE,
        "Amazon EC2 Auto Scaling User Guide, 'CloudWatch metrics for Amazon EC2 Auto Scaling': "
        "group metrics at 1-minute granularity, only once group metrics collection is enabled",
    ),
    "AWS/RDS": Publication(
        ONE_MINUTE,
        "Amazon RDS User Guide, 'Monitoring Amazon RDS metrics with Amazon CloudWatch': RDS "
        "sends metrics to CloudWatch every minute for each active database",
    ),
    "AWS/ElastiCache": Publication(
        ONE_MINUTE,
        "Amazon ElastiCache User Guide, 'Monitoring use with CloudWatch Metrics': host-level "
        "and engine metrics are published at 60-second intervals",
    ),
    "AWS/ES": Publication(
        ONE_MINUTE,
        "Amazon OpenSearch Service Developer Guide, 'Monitoring OpenSearch cluster metrics with "
        "Amazon CloudWatch': cluster metrics at one-minute intervals",
    ),
    "AWS/CloudFront": Publication(
        ONE_MINUTE,
        "Amazon CloudFront Developer Guide, 'Monitor CloudFront metrics with Amazon "
        "CloudWatch': default distribution metrics in one-minute periods, in us-east-1 only",
    ),
    "AWS/EFS": Publication(
        ONE_MINUTE,
        "Amazon EFS User Guide, 'Amazon CloudWatch metrics for Amazon EFS': metrics are sent "
        "to CloudWatch at 1-minute intervals",
    ),
    "AWS/Route53": Publication(
        ONE_MINUTE,
        "Amazon Route 53 Developer Guide, 'Monitoring health checks using CloudWatch': "
        "HealthCheckStatus in one-minute intervals ('several minutes might elapse between the "
        "time that a health check fails and the time that you receive the associated SNS "
        "notification')",
    ),
    "AWS/SNS": Publication(
        ONE_MINUTE,
        "Amazon SNS Developer Guide, 'Monitoring Amazon SNS topics using CloudWatch': topic "
        "metrics are pushed to CloudWatch at 1-minute intervals",
    ),
}

STATUS_CHECK_METRICS = frozenset(
    {"StatusCheckFailed", "StatusCheckFailed_System", "StatusCheckFailed_Instance",
     "StatusCheckFailed_AttachedEBS"}
)  # fmt: skip
"""EC2 User Guide, 'Status check metrics': available at a 1-minute frequency at no charge,
with basic monitoring too."""

UNKNOWN_NAMESPACE = Publication(
    BASIC_EC2_SECONDS,
    "not in vigil's table: budgeted as a five-minute metric (the coarsest AWS default)",
)

INGESTION_SECONDS = 60
"""After a period ends, until its datapoint is complete and stored: AWS documents the sending
interval (above) but no ingestion latency, so vigil budgets one one-minute interval."""

EVALUATION_SECONDS = 60
EVALUATION_SECONDS_HIGH_RESOLUTION = 10
"""CloudWatch User Guide, 'Using Amazon CloudWatch alarms': 'If the alarm period is 10 seconds
or 30 seconds, the alarm is evaluated every 10 seconds'; other alarms every minute."""

SNS_HTTPS_RETRY_SECONDS = 3 * 20
"""Amazon SNS Developer Guide, 'Set the delivery policy for the Amazon SNS subscription': 'if
the initial delivery of the message fails, Amazon SNS attempts up to three retries with a
delay between failed attempts set at 20 seconds' (vigil sets no delivery policy: the default).
The worst case that still delivers; after that the message is dropped (or dead-lettered)."""

PAGERDUTY_FIRST_RULE_SECONDS = 0
"""PagerDuty REST API reference (``EscalationRule``): the first rule's targets are notified
when the incident opens. How each person is then reached (push, SMS, call, and after how long)
is their own notification rules, which vigil does not manage."""


def resolution(namespace: str, metric: str, detailed_monitoring: bool | None = None) -> int:
    """Seconds between the datapoints of ``metric`` (EC2: 60 with detailed monitoring)."""
    if namespace == "AWS/EC2" and (metric in STATUS_CHECK_METRICS or detailed_monitoring):
        return ONE_MINUTE
    return PUBLICATION.get(namespace, UNKNOWN_NAMESPACE).resolution


def source(namespace: str) -> str:
    return PUBLICATION.get(namespace, UNKNOWN_NAMESPACE).source
