"""CloudWatch alarms (and Route 53 health checks) for one site, from ``AlarmSpec``s.

Every alarm notifies the site's topic for its severity in its own region on ALARM and on OK,
so PagerDuty incidents open and resolve by themselves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi
import pulumi_aws as aws

from components.providers import Providers
from vigil import naming
from vigil.aws.limits import fit_tags, route53_max_tags
from vigil.catalog import url as url_catalog
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
        own = naming.vigil_tags(site)
        self.health_check_ids = {}
        if site.urls:
            global_opts = pulumi.ResourceOptions(
                parent=self, provider=providers.get(site.aws_account_id, GLOBAL_REGION)
            )
            for check in site.urls:
                hc_name = health_check_name(site, check.name)
                # Route 53 takes at most 10 tags: vigil's own first, then the site's by key.
                hc_tags, _ = fit_tags(
                    {**own, "Name": hc_name, "vigil:url": check.url},
                    site.tags,
                    route53_max_tags(),
                )
                hc = aws.route53.HealthCheck(
                    hc_name,
                    **url_catalog.health_check_args(check),
                    tags=hc_tags,
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
            aws.cloudwatch.MetricAlarm(
                spec.name,
                name=spec.name,
                alarm_description=spec.description,
                namespace=spec.namespace,
                metric_name=spec.metric,
                dimensions=dimensions,
                statistic=spec.statistic,
                extended_statistic=spec.extended_statistic,
                evaluate_low_sample_count_percentiles=spec.evaluate_low_sample_count_percentiles,
                period=spec.period,
                evaluation_periods=spec.evaluation_periods,
                datapoints_to_alarm=spec.datapoints_to_alarm,
                comparison_operator=spec.comparison,
                threshold=spec.threshold,
                treat_missing_data=spec.treat_missing_data,
                alarm_actions=[topic, *spec.extra_alarm_actions],
                ok_actions=[topic],
                tags=dict(spec.tags),
                opts=region_opts[spec.region],
            )
        self.alarm_count = len(alarms)
        self.register_outputs(props)
