"""SNS topics per site × severity (× region), each subscribed to the site's PagerDuty service.

An alarm can only notify a topic in its own region, so a site whose alarms live in us-east-1
(CloudFront, Route 53) gets topics there too. Topics are never encrypted with the AWS-managed
``alias/aws/sns`` key: CloudWatch cannot publish to it and notifications would be dropped.

Every PagerDuty subscription has a dead-letter queue (``{site}-dlq-{severity}``, in the topic's
region and account, as SNS requires): SNS gives up on an HTTPS endpoint after its delivery
policy's retries (Amazon SNS Developer Guide, 'Amazon SNS message delivery retries') and, without
a redrive policy, drops the message: a page that is lost without a trace. With one, the message
is kept 14 days and the queue's ``ApproximateNumberOfMessagesVisible`` is what vigil's Grafana
rule pages on (``vigil.grafana.delivery``), through Grafana's own PagerDuty contact point: a path
that does not depend on the failing subscription. Queue, queue policy and redrive policy follow
https://docs.aws.amazon.com/sns/latest/dg/sns-configure-dead-letter-queue.html.
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
    queues: tuple[inputs.DeliveryQueue, ...]
    """The dead-letter queue of each PagerDuty subscription (region × severity)."""

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
        ordered = inputs.topic_regions(site, regions)
        self.queues = inputs.delivery_queues(site, ordered)
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
                dlq = aws.sqs.Queue(
                    f"{inputs.dlq_name(site, severity)}{suffix}",
                    **inputs.dlq_args(site, severity),
                    opts=child,
                )
                queue_policy = aws.sqs.QueuePolicy(
                    f"{inputs.dlq_name(site, severity)}{suffix}",
                    queue_url=dlq.url,
                    policy=pulumi.Output.all(dlq.arn, topic.arn).apply(
                        lambda arns: inputs.dlq_policy(arns[0], arns[1])
                    ),
                    opts=child,
                )
                aws.sns.TopicSubscription(
                    f"{logical}-pagerduty",
                    topic=topic.arn,
                    protocol="https",
                    endpoint=secret_endpoint,
                    endpoint_auto_confirms=True,
                    redrive_policy=dlq.arn.apply(inputs.redrive_policy),
                    # SNS can dead-letter only once the queue policy lets it send
                    opts=pulumi.ResourceOptions(
                        parent=self, provider=provider, depends_on=[queue_policy]
                    ),
                )
                self.arns[region][severity] = topic.arn
        self.register_outputs(props)
