"""aws-api-rules: every aws:* input is something the AWS API accepts.

Each resource's inputs are turned into the API calls its provider makes (``vigil.aws.calls``)
and checked against botocore's service models and the documented rules the models do not
carry (``vigil.aws.rules``), so a plan that passes does not fail at ``pulumi up`` with a
ValidationError on the 153rd alarm, or leave an alarm that can never breach.
"""

from __future__ import annotations

import json
from typing import Any

from pulumi_policy import EnforcementLevel, ReportViolation, ResourceValidationArgs

from policies import define as d
from policies import graph as g
from vigil import aws

NAME = "aws-api-rules"
DESCRIPTION = (
    "Every aws:* resource's API parameters satisfy botocore's service model and AWS's "
    "documented rules (lengths, enums, ranges, patterns, period × evaluation, tags, regions)."
)
REMEDIATION = (
    "Fix the inventory value named in the message (vigil validate reports the ones that come "
    "from the inventory at their line), or the generator in vigil/catalog or components/ that "
    "produced it."
)
DEFAULTS: dict[str, Any] = {"skipRules": []}
CONFIG_SCHEMA = d.config_schema(
    DEFAULTS,
    skipRules="Rule ids not to enforce: documented rules (e.g. cw-high-resolution-only-custom) "
    "or a model check as <service>.<Operation> (e.g. route53.ChangeTagsForResource).",
)


def _opaque(value: Any) -> bool:
    return g.is_unknown(value) or value == g.MASKED_SECRET


def _provider_context(args: ResourceValidationArgs) -> tuple[aws.Context, list[str]]:
    """Region and account of the resource; an unknown region leaves the region rules unchecked."""
    props = g.plain(args.props)
    provider = args.provider
    pprops = g.plain(provider.props) if provider is not None else {}
    region = props.get("region") or pprops.get("region")
    accounts = pprops.get("allowedAccountIds")
    if isinstance(accounts, str) and accounts.startswith("["):
        accounts = json.loads(accounts)
    account = accounts[0] if isinstance(accounts, list) and accounts else "123456789012"
    if g.is_unknown(region):
        return aws.Context(None, str(account)), [f"region of {args.name} (region rules)"]
    return aws.Context(region if isinstance(region, str) else None, str(account)), []


def check(args: ResourceValidationArgs, cfg: dict[str, Any], report: ReportViolation) -> None:
    if not args.resource_type.startswith("aws:"):
        return
    if not aws.is_checked(args.resource_type):
        report(
            f"{args.name}: vigil has no API mapping for {args.resource_type}, so nothing proves "
            "AWS accepts it; add one to vigil/aws/calls.py.",
            None,
        )
        return
    ctx, unknown = _provider_context(args)
    skip = set(cfg["skipRules"])
    for breach in aws.check_resource(args.resource_type, g.plain(args.props), ctx, _opaque):
        if breach.rule in skip:
            continue
        report(f"{args.name}: {breach.format()}", None)
    if unknown:
        raise g.CannotVerifyUntilApply(unknown)


POLICY = d.resource_policy(
    NAME, DESCRIPTION, EnforcementLevel.MANDATORY, REMEDIATION, CONFIG_SCHEMA, check
)
