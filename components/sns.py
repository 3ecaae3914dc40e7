"""SNS topics per site × severity (× region), each subscribed to the site's PagerDuty service.

An alarm can only notify a topic in its own region, so a site whose alarms live in us-east-1
(CloudFront, Route 53) gets topics there too. Topics are never encrypted with the AWS-managed
``alias/aws/sns`` key: CloudWatch cannot publish to it and notifications would be dropped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import pulumi
import pulumi_aws as aws

from components.providers import Providers
from vigil.aws import inputs
from vigil.models import SEVERITIES, Site


def topic_policy(topic_arn: str, account_id: str) -> str:
    """Only CloudWatch alarms of the site's own account may publish."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AllowCloudWatchAlarms",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudwatch.amazonaws.com"},
                    "Action": "sns:Publish",
                    "Resource": topic_arn,
                    "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
                }
            ],
        },
        sort_keys=True,
    )


class SiteTopics(pulumi.ComponentResource):
    """``arns[region][severity]`` → topic ARN; the site's region is always present."""

    arns: dict[str, dict[str, pulumi.Output[str]]]

    def __init__(
        self,
        name: str,
        site: Site,
        regions: Iterable[str],
        endpoint: pulumi.Input[str],
        providers: Providers,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {"siteId": site.id}
        super().__init__("vigil:aws:SiteTopics", name, props, opts)
        secret_endpoint = pulumi.Output.secret(endpoint)
        self.arns = {}
        ordered = [site.aws_region, *sorted(set(regions) - {site.aws_region})]
        for region in ordered:
            provider = providers.get(site.aws_account_id, region)
            child = pulumi.ResourceOptions(parent=self, provider=provider)
            suffix = "" if region == site.aws_region else f"-{region}"
            self.arns[region] = {}
            for severity in SEVERITIES:
                logical = f"{inputs.topic_name(site, severity)}{suffix}"
                topic = aws.sns.Topic(logical, **inputs.topic_args(site, severity), opts=child)
                aws.sns.TopicPolicy(
                    logical,
                    arn=topic.arn,
                    policy=topic.arn.apply(lambda arn: topic_policy(arn, site.aws_account_id)),
                    opts=child,
                )
                aws.sns.TopicSubscription(
                    f"{logical}-pagerduty",
                    topic=topic.arn,
                    protocol="https",
                    endpoint=secret_endpoint,
                    endpoint_auto_confirms=True,
                    opts=child,
                )
                self.arns[region][severity] = topic.arn
        self.register_outputs(props)
