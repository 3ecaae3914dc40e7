"""required-tags: every taggable resource carries the standard vigil tags.

``vigil:site``/``vigil:client``/``vigil:tier``/``managed-by`` are how an engineer looking at an
alarm in the AWS console finds the site, inventory file and owner, and how vigil recognises
what it created (it never touches what it did not create).

Advisory by default: a missing tag hurts ownership and cost reports but does not break the
alert path, and blocking a deploy that would restore paging over a tag would be worse. Set the
policy's enforcementLevel to mandatory in the pack config to block on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import EnforcementLevel, ReportViolation, ResourceValidationArgs

from policies import define as d
from policies import graph as g

NAME = "required-tags"
DESCRIPTION = "Every taggable resource carries vigil:site, vigil:client, vigil:tier and managed-by."
REMEDIATION = (
    "Pass vigil.naming.standard_tags(site) as the resource's tags; extra tags belong in the "
    "site file's tags: (they can't override the standard ones)."
)
DEFAULTS: dict[str, Any] = {
    "tags": list(g.REQUIRED_TAGS),
    "managedBy": g.MANAGED_BY,
    "taggableTypes": [g.METRIC_ALARM, g.HEALTH_CHECK, g.SNS_TOPIC],
}
CONFIG_SCHEMA = d.config_schema(
    DEFAULTS,
    tags="Tag keys every taggable resource must carry (non-empty).",
    managedBy="Required value of the managed-by tag.",
    taggableTypes="Types checked even when they send no tags; any other aws: resource that "
    "sends tags is checked too.",
)


def check(args: ResourceValidationArgs, cfg: dict[str, Any], report: ReportViolation) -> None:
    raw = g.plain(args.props) or {}
    sends_tags = "tags" in raw and args.resource_type.startswith("aws:")
    if args.resource_type not in cfg["taggableTypes"] and not sends_tags:
        return
    tags = raw.get("tags")
    if g.is_unknown(tags):
        raise g.CannotVerifyUntilApply([f"tags of {args.name}"])
    tags = tags if isinstance(tags, Mapping) else {}
    missing, unknown = [], []
    for key in cfg["tags"]:
        value = tags.get(key)
        if g.is_unknown(value):
            unknown.append(key)
        elif not value:
            missing.append(key)
    managed = tags.get(g.TAG_MANAGED_BY)
    wrong_owner = (
        g.TAG_MANAGED_BY in cfg["tags"]
        and managed
        and not g.is_unknown(managed)
        and managed != cfg["managedBy"]
    )
    if missing:
        report(f"{args.name} lacks tags {', '.join(missing)}. {REMEDIATION}", None)
    if wrong_owner:
        report(f"{args.name} has {g.TAG_MANAGED_BY}={managed}, expected {cfg['managedBy']}.", None)
    if unknown:
        raise g.CannotVerifyUntilApply([f"tags {', '.join(unknown)} of {args.name}"])


POLICY = d.resource_policy(
    NAME, DESCRIPTION, EnforcementLevel.ADVISORY, REMEDIATION, CONFIG_SCHEMA, check
)
