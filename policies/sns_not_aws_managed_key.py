"""sns-not-aws-managed-key: no paging topic is encrypted with ``alias/aws/sns``.

The AWS-managed SNS key's policy cannot be changed to let CloudWatch use it, so CloudWatch
silently drops alarm notifications to such a topic: the alarm fires, nobody is paged.
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import EnforcementLevel, ReportViolation, ResourceValidationArgs

from policies import define as d
from policies import graph as g

NAME = "sns-not-aws-managed-key"
DESCRIPTION = "No SNS paging topic is encrypted with the AWS-managed key alias/aws/sns."
REMEDIATION = (
    "Leave kmsMasterKeyId unset or use a customer-managed KMS key whose key policy allows "
    "cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*."
)
DEFAULTS: dict[str, Any] = {"forbiddenKeys": ["alias/aws/sns"]}
CONFIG_SCHEMA = d.config_schema(
    DEFAULTS,
    forbiddenKeys="KMS key ids/aliases CloudWatch cannot publish through (matched as the whole "
    "value or the end of a key ARN).",
)


def check(args: ResourceValidationArgs, cfg: dict[str, Any], report: ReportViolation) -> None:
    key = g.prop(args.props, "kmsMasterKeyId")
    if g.is_unknown(key):
        raise g.CannotVerifyUntilApply([f"kmsMasterKeyId of SNS topic {args.name}"])
    if not isinstance(key, str) or not key:
        return
    for forbidden in cfg["forbiddenKeys"]:
        if key == forbidden or key.endswith(f":{forbidden}"):
            report(
                f"SNS topic {args.name} is encrypted with {key}: CloudWatch cannot publish to it, "
                f"so its alarms never page. {REMEDIATION}", None
            )
            return


POLICY = d.resource_policy(
    NAME,
    DESCRIPTION,
    EnforcementLevel.MANDATORY,
    REMEDIATION,
    CONFIG_SCHEMA,
    check,
    types=(g.SNS_TOPIC,),
)
