"""The one set of offline answers for the Pulumi mock runtime (`vigil plan`, tests, benchmarks).

Pulumi's mock runtime asks ``Mocks`` for each resource's outputs and each data source's
result. Without a cloud these must be deterministic and plausible enough for the program to
wire resources together: ids are ``<name>-id``; AWS resources get an ARN in the region and
account of their explicit provider (so a policy can check an alarm notifies a topic of its own
region); PagerDuty lookups and computed keys get stable fake values. Recording is not done
here: `vigil.plan.engine.RecordingMonitor` keeps every request.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import pulumi
from pulumi.runtime import MockCallArgs, MockResourceArgs

from vigil import resource_types as rt

ACCOUNT_ID = "000000000000"
REGION = "us-east-1"
"""Region and account of a resource without an explicit AWS provider."""

ARN_FORMAT = {
    rt.SNS_TOPIC: "arn:aws:sns:{region}:{account}:{name}",
    rt.SNS_SUBSCRIPTION: "arn:aws:sns:{region}:{account}:{name}",
    rt.METRIC_ALARM: "arn:aws:cloudwatch:{region}:{account}:alarm:{name}",
    rt.HEALTH_CHECK: "arn:aws:route53:::healthcheck/{name}-id",
    rt.SQS_QUEUE: "arn:aws:sqs:{region}:{account}:{name}",
}
"""ARN shapes of the AWS resources vigil creates (the AWS service's documented ARN format);
any other AWS resource gets ``arn:aws:<module>:<region>:<account>:<name>``."""

OWN_NAME = frozenset({rt.SNS_TOPIC, rt.SQS_QUEUE})
"""Types whose ARN carries their ``name`` input (the AWS name), not the Pulumi logical name:
the same topic or queue name is used in several regions under distinct logical names."""

QUEUE_URL = "https://sqs.{region}.amazonaws.com/{account}/{name}"
"""The ``url`` (and Terraform id) of an SQS queue: botocore sqs model, CreateQueue output
``QueueUrl``; what ``aws.sqs.QueuePolicy(queue_url=…)`` reads."""


COMPUTED: dict[str, Callable[[str, Mapping[str, Any]], dict[str, Any]]] = {
    rt.PD_INTEGRATION: lambda name, _: {"integrationKey": f"{name}-key"},
    rt.PD_SERVICE: lambda name, _: {
        "htmlUrl": f"https://offline.pagerduty.invalid/service-directory/{name}-id"
    },
}
"""Outputs the provider computes, by type token: what the program reads back."""

ZABBIX_MEDIA = {"mediatypeid": "{name}-media", "usrgrpid": "{name}-group", "roleid": "3"}
"""Outputs of the Zabbix shared media type (dynamic resource ``kind: pagerduty-media``)."""


def _user(args: Mapping[str, Any]) -> dict[str, Any]:
    email = str(args.get("email", ""))
    return {"id": f"user-{email.split('@')[0]}", "email": email, "name": email}


def _vendor(args: Mapping[str, Any]) -> dict[str, Any]:
    name = str(args.get("name", ""))
    vendor = "vendor-cloudwatch" if "cloudwatch" in name.lower() else f"vendor-{name}"
    return {"id": vendor, "name": name, "type": "generic_events_api_inbound_integration"}


def _caller_identity(_: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "accountId": ACCOUNT_ID,
        "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/vigil-plan",
        "userId": "AIDAOFFLINE",
        "id": ACCOUNT_ID,
    }


CALLS: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    "pagerduty:index/getUser:getUser": _user,
    "pagerduty:index/getVendor:getVendor": _vendor,
    "aws:index/getCallerIdentity:getCallerIdentity": _caller_identity,
}
"""Data sources answered offline, by token; any other answers ``{}``."""


STACK_REFERENCE = "pulumi:pulumi:StackReference"


class OfflineMocks(pulumi.runtime.Mocks):
    """Deterministic offline stand-ins for every provider vigil uses (no network, no keys).

    ``stack_outputs`` (stack name → its recorded ``pulumi.export`` values) answers
    ``pulumi.StackReference``: a fleet's site stack reads its shared stack's ids from the
    shared stack's own offline recording. A reference to a stack not given has no outputs.
    """

    def __init__(self, stack_outputs: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self._aws_providers: dict[str, tuple[str, str]] = {}  # provider name → (region, account)
        self._stack_outputs = dict(stack_outputs or {})

    def _stack_reference(self, args: MockResourceArgs) -> tuple[str | None, dict]:
        """What the engine reads for a StackReference: ``outputs`` and ``secretOutputNames``
        (pulumi/stack_reference.py). Named ``org/project/stack`` or just ``stack``."""
        target = str(args.inputs.get("name") or args.resource_id or "")
        short = target.rsplit("/", 1)[-1]
        outputs = self._stack_outputs.get(target, self._stack_outputs.get(short, {}))
        return target, {"name": target, "outputs": dict(outputs), "secretOutputNames": []}

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict]:
        if args.typ == STACK_REFERENCE:
            return self._stack_reference(args)
        outputs = dict(args.inputs)
        name = args.name
        if args.typ == rt.AWS_PROVIDER:
            self._aws_providers[name] = _region_account(args.inputs)
        elif args.typ.startswith("aws:") and "arn" not in outputs:
            region, account = self._aws_providers.get(
                _provider_name(args.provider), (REGION, ACCOUNT_ID)
            )
            own = str(args.inputs.get("name") or name) if args.typ in OWN_NAME else name
            module = args.typ.split(":")[1].split("/")[0]
            shape = ARN_FORMAT.get(args.typ, f"arn:aws:{module}:{{region}}:{{account}}:{{name}}")
            outputs["arn"] = shape.format(region=region, account=account, name=own)
            if args.typ == rt.SQS_QUEUE:
                outputs["url"] = QUEUE_URL.format(region=region, account=account, name=own)
        compute = COMPUTED.get(args.typ)
        if compute is not None:
            outputs.update(compute(name, args.inputs))
        if args.inputs.get("kind") == "pagerduty-media":
            outputs.update({k: v.format(name=name) for k, v in ZABBIX_MEDIA.items()})
        return f"{name}-id", outputs

    def call(self, args: MockCallArgs) -> tuple[dict, list[tuple[str, str]] | None]:
        answer = CALLS.get(args.token)
        return (answer(dict(args.args)) if answer is not None else {}), []  # no check failures


def _provider_name(ref: str | None) -> str:
    """``urn:pulumi:…::aws-eu-west-1-123::<id>`` → ``aws-eu-west-1-123``."""
    parts = (ref or "").split("::")
    return parts[3] if len(parts) > 3 else ""


def _region_account(inputs: Mapping[str, Any]) -> tuple[str, str]:
    accounts: Any = inputs.get("allowedAccountIds") or [ACCOUNT_ID]
    if isinstance(accounts, str):  # provider inputs travel JSON-encoded
        accounts = json.loads(accounts)
    return str(inputs.get("region") or REGION), str(accounts[0])
