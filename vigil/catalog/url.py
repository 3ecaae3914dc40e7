"""Public URLs: a Route 53 health check each; its metrics exist only in us-east-1.

The health check itself is created by the CloudWatch component (its id is the dimension), so
the ``HealthCheckId`` dimension here is a placeholder filled in at deploy time.
"""

from __future__ import annotations

from typing import TypedDict
from urllib.parse import urlsplit

from vigil.catalog.spec import ResourceKind, Row, Signal, Target
from vigil.models import ResourceType, Site, Threshold, UrlCheck

RESOURCE_TYPE = ResourceType.URL
NS = "AWS/Route53"
HEALTH_CHECK_ID = "${HealthCheckId}"
"""Placeholder in ``dimensions`` the component replaces with the health check's id."""
REQUEST_INTERVAL = 30
FAILURE_THRESHOLD = 3
"""Every Route 53 check: a request every 30 s per checker, unhealthy after 3 consecutive
failures (90 s in the worst case; ``vigil.detection.alarm_time``)."""

SIGNALS: tuple[Signal, ...] = (
    Signal(
        key="health_check_status",
        namespace=NS,
        metric="HealthCheckStatus",
        statistic="Minimum",
        comparison="LessThanThreshold",
        default=Threshold(critical=1),
        treat_missing_data="breaching",
        availability=True,
        global_region=True,
        unit="bool",
        title="URL up",
        description="Route 53 checkers cannot load the page (or the required text is missing).",
        source="Route 53 health-check metrics, HealthCheckStatus (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-health-checks.html)",
    ),
    Signal(
        key="response_time_seconds",
        missing_data_reason="Route 53 publishes TimeToFirstByte only for health checks that "
        "measure latency and only for answered requests; an endpoint that does not answer is "
        "reported by the HealthCheckStatus alarm (breaching), a gap here is not slowness.",
        namespace=NS,
        metric="TimeToFirstByte",
        statistic="Average",
        comparison="GreaterThanThreshold",
        default=Threshold(warning=3, critical=8),
        unit="seconds",
        scale=1000.0,
        global_region=True,
        title="Time to first byte",
        description="Time to first byte seen by the Route 53 checkers (milliseconds metric).",
        source="Route 53 health-check metrics, TimeToFirstByte (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-health-checks.html)",
    ),
)


def targets(site: Site) -> tuple[Target, ...]:
    return tuple(
        Target(u.name, {"HealthCheckId": HEALTH_CHECK_ID}, u.thresholds, u) for u in site.urls
    )


class HealthCheckArgs(TypedDict):
    """The keyword arguments of ``pulumi_aws.route53.HealthCheck`` vigil sets, typed as the SDK
    declares them, so the component's ``**`` call is type-checked argument by argument.

    A TCP check has no ``resource_path``, ``search_string``, ``enable_sni`` or
    ``measure_latency``: botocore's route53 model (shape ``HealthCheckConfig``) documents
    ``ResourcePath``/``SearchString``/``EnableSNI`` for the HTTP(S) types only, and latency
    measurement is an extra-cost option we do not use (``TimeToFirstByte`` is not an alarm)."""

    type: str
    fqdn: str | None
    port: int
    request_interval: int
    failure_threshold: int


def health_check_args(check: UrlCheck) -> HealthCheckArgs:
    """Route 53 health check arguments (snake_case, pulumi-aws) for one URL: a TCP check on the
    URL's host and port.

    Why TCP and not HTTPS: Route 53 calls an HTTP(S) endpoint healthy only if it returns a 2xx/3xx
    status *within two seconds after connecting*, does not follow redirects and ignores
    ``expected_status`` (Route 53 Developer Guide, "How Amazon Route 53 determines whether a
    health check is healthy": "HTTP and HTTPS health checks ... must be able to establish a TCP
    connection with the endpoint within four seconds ... the endpoint must respond with an HTTP
    status code of 2xx or 3xx within two seconds after connecting"; "TCP health checks ... must be
    able to establish a TCP connection with the endpoint within ten seconds"). A 3 s checkout
    inside the inventory's ``timeout_seconds`` would page as down. So Route 53 answers only
    "unreachable from several regions" and the Zabbix web scenario (``vigil.zabbix.render``)
    owns ``timeout_seconds``, ``expected_status``, ``required_text`` and ``follow_redirects``.
    """
    parts = urlsplit(check.url)
    default_port = 80 if parts.scheme == "http" else 443
    return {
        "type": "TCP",
        "fqdn": parts.hostname,
        "port": parts.port or default_port,
        "request_interval": REQUEST_INTERVAL,
        "failure_threshold": FAILURE_THRESHOLD,
    }


KIND = ResourceKind(
    type=RESOURCE_TYPE,
    title="URL health checks",
    signals=SIGNALS,
    targets=targets,
    row=Row("URLs (Route 53 health checks)", 10),
)
