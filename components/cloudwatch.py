"""CloudWatch alarms (and Route 53 health checks) for one site, from ``AlarmSpec``s.

Every alarm notifies the site's topic for its severity in its own region on ALARM and on OK,
so PagerDuty incidents open and resolve by themselves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi
import pulumi_aws as aws

from components.providers import Providers
from vigil.aws import inputs
from vigil.catalog.alarms import GLOBAL_REGION, AlarmSpec, health_check_name
from vigil.models import Site


class CloudWatchAlarms(pulumi.ComponentResource):
    health_check_ids: dict[str, pulumi.Output[str]]
    """URL check name → Route 53 health check id (see ``AlarmSpec.resolved_dimensions``)."""
    alarm_count: int

    def __init__(
        self,
        name: str,
        site: Site,
        alarms: Sequence[AlarmSpec],
        topic_arns: Mapping[str, Mapping[str, pulumi.Input[str]]],
        providers: Providers,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {"siteId": site.id}
        super().__init__("vigil:aws:CloudWatchAlarms", name, props, opts)
        self.health_check_ids = {}
        if site.urls:
            global_opts = pulumi.ResourceOptions(
                parent=self, provider=providers.get(site.aws_account_id, GLOBAL_REGION)
            )
            for check in site.urls:
                hc = aws.route53.HealthCheck(
                    health_check_name(site, check.name),
                    **inputs.health_check_args(site, check),
                    opts=global_opts,
                )
                self.health_check_ids[check.name] = hc.id
        region_opts: dict[str, pulumi.ResourceOptions] = {}
        for spec in alarms:
            if spec.region not in region_opts:
                region_opts[spec.region] = pulumi.ResourceOptions(
                    parent=self, provider=providers.get(site.aws_account_id, spec.region)
                )
            dimensions = spec.resolved_dimensions(self.health_check_ids)
            topic = topic_arns[spec.region][spec.severity]
            args = inputs.alarm_args(spec, dimensions, topic)
            aws.cloudwatch.MetricAlarm(spec.name, **args, opts=region_opts[spec.region])
        self.alarm_count = len(alarms)
        self.register_outputs(props)
