"""Application Load Balancer: errors the balancer and its targets return, latency, rejections."""

from __future__ import annotations

from dataclasses import dataclass, field

from vigil.catalog import sources as src
from vigil.catalog import target_group
from vigil.catalog.spec import (
    Doc,
    MetricQuery,
    ResolveThresholds,
    ResourceKind,
    Row,
    Signal,
    Target,
)
from vigil.catalog.target_group import TargetGroup
from vigil.models import ResourceType, Site, Threshold, Thresholds, frozen_map

RESOURCE_TYPE = ResourceType.ALB
NS = "AWS/ApplicationELB"


@dataclass(frozen=True)
class LoadBalancer:
    name: str
    arn: str
    target_groups: tuple[TargetGroup, ...] = ()
    thresholds: Thresholds = field(default_factory=frozen_map)

    @property
    def dimension(self) -> str:
        """CloudWatch ``LoadBalancer`` dimension: ``app/<name>/<id>``."""
        return self.arn.split(":loadbalancer/", 1)[1]


def build(doc: Doc, thresholds: ResolveThresholds) -> LoadBalancer:
    return LoadBalancer(
        name=doc["name"],
        arn=doc["arn"],
        target_groups=tuple(
            target_group.build(tg, thresholds) for tg in doc.get("target_groups", ())
        ),
        thresholds=thresholds(RESOURCE_TYPE, doc.get("thresholds")),
    )


SCHEMA = {
    "type": "object",
    "description": "An Application Load Balancer (an availability signal).",
    "additionalProperties": False,
    "required": ["name", "arn"],
    "properties": {
        "name": {
            "type": "string",
            "pattern": target_group.ELB_NAME_PATTERN,
            "description": "load balancer name: 1-32 letters, digits and dashes.",
        },
        "arn": {
            "type": "string",
            "pattern": "^arn:aws(-cn|-us-gov)?:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:"
            "loadbalancer/app/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}$",
            "description": "ALB ARN: arn:aws:elasticloadbalancing:<region>:<account>:"
            "loadbalancer/app/<name>/<16 hex digits>",
        },
        "target_groups": {
            "type": "array",
            "items": {"$ref": "#/$defs/target_group"},
            "description": "Target groups behind this load balancer.",
        },
    },
}

MIN_REQUESTS = 50
"""Periods with fewer requests never breach a rate alarm: below ~50 requests one failed request
is already 2 %, so a quiet site's single error would page (the count alarms' blind spot turned
around); above it 5 % means at least 3 failed requests."""


def rate_queries(errors: str, label: str) -> tuple[MetricQuery, ...]:
    """``100 × errors / RequestCount`` in percent, 0 in periods under :data:`MIN_REQUESTS`.

    CloudWatch user guide, "Using metric math" (function table): ``IF(condition, trueValue,
    falseValue)`` with comparison operators, ``FILL(m, value)`` fills the periods a metric has no
    datapoint. The ALB publishes ``HTTPCode_*_5XX_Count`` only when non-zero (ALB metrics page,
    "Reporting criteria: There is a nonzero value"), so ``errors`` is filled with 0; a period
    without ``RequestCount`` (no traffic) has no result, which ``notBreaching`` treats as fine.
    """
    return (
        MetricQuery("errors", metric=errors, statistic="Sum", label=errors),
        MetricQuery("requests", metric="RequestCount", statistic="Sum", label="RequestCount"),
        MetricQuery(
            "rate",
            expression=f"IF(requests >= {MIN_REQUESTS}, 100 * FILL(errors, 0) / requests, 0)",
            label=label,
            return_data=True,
        ),
    )


RATE_DEFAULT = Threshold(warning=1, critical=5)
"""Percent of requests: 1 % failing for 3 of 5 periods is far above a healthy site's background
(close to 0) and worth a look in support hours; 5 % (one request in twenty, at least 3 of 50)
is users seeing errors now, so it pages. Counts could not say either: 10 errors are an outage
at 20 requests a minute and noise at 20,000."""

RATE_SOURCE = (
    "CloudWatch user guide, Using metric math, function table: IF, FILL "
    "(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html)"
)

def rate_signal(
    key: str, errors: str, title: str, label: str, who: str, missing_data_reason: str
) -> Signal:
    """A 5xx *rate* alarm: ``errors`` as a percentage of ``RequestCount`` (``rate_queries``),
    with its AWS recommended-alarm source; the two rows differ only in whose 5xx they count."""
    return Signal(
        key=key,
        missing_data_reason=missing_data_reason,
        namespace=NS,
        metric=errors,
        statistic="Sum",
        comparison="GreaterThanThreshold",
        default=RATE_DEFAULT,
        treat_missing_data="notBreaching",
        unit="percent",
        title=title,
        description=(
            f"Percent of requests {who}; periods under {MIN_REQUESTS} requests count as 0."
        ),
        source=src.join(
            src.recommended("Elastic Load Balancing", errors),
            src.metrics("alb", errors),
            src.metrics("alb", "RequestCount", "the denominator of the rate"),
            RATE_SOURCE,
        ),
        queries=rate_queries(errors, label),
    )


SIGNALS: tuple[Signal, ...] = (
    rate_signal(
        "elb_5xx_rate",
        "HTTPCode_ELB_5XX_Count",
        "ALB 5xx rate",
        "ELB 5xx %",
        "the load balancer itself answered with 5xx (no healthy target, timeouts)",
        "The rate has no datapoint only in periods without RequestCount (ALB metrics are "
        "published only for non-zero values, ALB user guide, \"CloudWatch metrics for your "
        "Application Load Balancer\"): no requests, no failed requests.",
    ),
    rate_signal(
        "target_5xx_rate",
        "HTTPCode_Target_5XX_Count",
        "Target 5xx rate",
        "Target 5xx %",
        "the application behind the load balancer answered with 5xx",
        "No datapoint only in periods without RequestCount: no requests reached the targets, "
        "so none failed.",
    ),
    Signal(
        key="target_connection_error_count",
        missing_data_reason="Published only for minutes with failed target connections (ALB "
        "user guide, \"CloudWatch metrics for your Application Load Balancer\"): no data is "
        "none failed.",
        namespace=NS,
        metric="TargetConnectionErrorCount",
        statistic="Sum",
        comparison="GreaterThanOrEqualToThreshold",
        default=Threshold(warning=1, critical=None),
        treat_missing_data="notBreaching",
        title="Target connection errors",
        description=(
            "Connections the load balancer could not open to a target (security group, stopped "
            "process, full backlog): a warning; the users' side pages through the ELB 5xx rate."
        ),
        source=src.metrics(
            "alb", "TargetConnectionErrorCount",
            "connections not successfully established between the load balancer and target "
            "(published only when non-zero; not among the AWS recommended alarms, so a warning)",
        ),
    ),
    Signal(
        key="target_response_time_p99",
        missing_data_reason="Published only for minutes with requests: an idle load balancer is "
        "not slow.",
        namespace=NS,
        metric="TargetResponseTime",
        statistic="p99",
        comparison="GreaterThanThreshold",
        default=Threshold(warning=1.0, critical=3.0),
        treat_missing_data="notBreaching",
        unit="seconds",
        title="Response time p99",
        description="Slowest 1% of requests: latency creeping up before users give up.",
        source=src.join(
            src.recommended("Elastic Load Balancing", "TargetResponseTime"),
            src.metrics("alb", "TargetResponseTime"),
        ),
    ),
    Signal(
        key="rejected_connection_count",
        missing_data_reason="Published only for minutes with rejected connections: no data is "
        "none rejected.",
        namespace=NS,
        metric="RejectedConnectionCount",
        statistic="Sum",
        comparison="GreaterThanOrEqualToThreshold",
        default=Threshold(warning=1, critical=100),
        treat_missing_data="notBreaching",
        title="Rejected connections",
        description="Connections refused because the load balancer hit its connection limit.",
        source=src.metrics(
            "alb", "RejectedConnectionCount", "the load balancer reached its maximum connections"
        ),
    ),
)


def targets(site: Site) -> tuple[Target, ...]:
    return tuple(
        Target(lb.name, {"LoadBalancer": lb.dimension}, lb.thresholds, lb)
        for lb in site.resources.load_balancers
    )


KIND = ResourceKind(
    type=RESOURCE_TYPE,
    title="Application Load Balancers",
    signals=SIGNALS,
    targets=targets,
    row=Row("Application Load Balancers", 30),
    inventory_key="load_balancers",
    build=build,
    schema=SCHEMA,
    id_field="name",
    nested={"target_groups": ResourceType.TARGET_GROUP},
)
