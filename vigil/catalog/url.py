"""Public URLs: a Route 53 TCP health check each (reachability from several regions; its
metrics exist only in us-east-1) and a Zabbix web scenario (status, text, time, redirects).

How the two share the work is ``health_check_args``'s docstring. The health check itself is
created by the CloudWatch component (its id is the dimension), so the ``HealthCheckId``
dimension here is a placeholder filled in at deploy time.
"""

from __future__ import annotations

from typing import TypedDict
from urllib.parse import urlsplit

from vigil.catalog.spec import ResourceKind, Row, Signal, Target, ZabbixThreshold
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
        description="Route 53 checkers in several regions cannot open a TCP connection to the "
        "URL's host and port within 10 s: the site is unreachable from the internet. A slow "
        "page, a wrong status or missing text is the Zabbix web scenario's to report.",
        source="Route 53 health-check metrics, HealthCheckStatus (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-health-checks.html)",
    ),
)


RESPONSE_TIME = ZabbixThreshold(
    key="response_time_seconds",
    comparison="GreaterThanThreshold",
    default=Threshold(warning=3, critical=8),
    unit="seconds",
    title="Response time",
    description="Time the Zabbix web scenario takes to load the URL (5-minute average). Only "
    "Zabbix measures it: Route 53's TCP check loads no page, and an HTTP(S) check would call "
    "any page slower than 2 s down. Keep both levels below the URL's timeout_seconds.",
    applied_by="Zabbix item web.test.time[<url>,<url>,resp], triggers avg(...,5m) above "
    "{$WEB.TIME.WARN/CRIT:\"<url>\"}",
    source="Zabbix 6.0 manual, Web monitoring items, web.test.time (https://www.zabbix.com/documentation/6.0/en/manual/web_monitoring/items)",
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
    measurement is an extra-cost option we do not use (response time is Zabbix's,
    ``RESPONSE_TIME``)."""

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
    zabbix_thresholds=(RESPONSE_TIME,),
)
