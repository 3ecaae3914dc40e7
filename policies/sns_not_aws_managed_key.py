"""sns-not-aws-managed-key: no paging topic is encrypted with ``alias/aws/sns``.

The AWS-managed SNS key's policy cannot be changed to let CloudWatch use it, so CloudWatch
silently drops alarm notifications to such a topic: the alarm fires, nobody is paged.
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)

from policies import graph as g

NAME = "sns-not-aws-managed-key"
DESCRIPTION = "No SNS paging topic is encrypted with the AWS-managed key alias/aws/sns."
REMEDIATION = (
    "Leave kmsMasterKeyId unset or use a customer-managed KMS key whose key policy allows "
    "cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*."
)
DEFAULTS: dict[str, Any] = {"forbiddenKeys": ["alias/aws/sns"]}
CONFIG_SCHEMA = PolicyConfigSchema(
    properties={
        "forbiddenKeys": {
            "type": "array",
            "items": {"type": "string"},
            "default": DEFAULTS["forbiddenKeys"],
            "description": "KMS key ids/aliases CloudWatch cannot publish through (matched as "
            "the whole value or the end of a key ARN).",
        }
    }
)


def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != g.SNS_TOPIC:
        return
    cfg = g.config(args, DEFAULTS)
    key = g.prop(args.props, "kmsMasterKeyId")
    if g.is_unknown(key):
        raise g.CannotVerifyUntilApply([f"kmsMasterKeyId of SNS topic {args.name}"])
    if not isinstance(key, str) or not key:
        return
    for forbidden in cfg["forbiddenKeys"]:
        if key == forbidden or key.endswith(f":{forbidden}"):
            report(
                f"SNS topic {args.name} is encrypted with {key}: CloudWatch cannot publish to it, "
                f"so its alarms never page. {REMEDIATION}"
            )
            return


POLICY = ResourceValidationPolicy(
    name=NAME,
    description=DESCRIPTION,
    validate=validate,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=CONFIG_SCHEMA,
    remediation_steps=REMEDIATION,
)
