"""Outputs without a task each: the same values, known-ness, secretness and dependencies as the
SDK's own outputs, and the same recording of the real program."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest
from pulumi.runtime import rpc

from vigil.plan import resource_outputs
from vigil.plan.engine import ProgramError, RunRequest, load_stack_config, record_program
from vigil.plan.mocks import OfflineMocks

ROOT = Path(__file__).resolve().parents[2]


def _stock(monkeypatch) -> None:
    """Record with the SDK's own ``transfer_properties``."""
    monkeypatch.setattr(resource_outputs, "install", lambda: False)


def _observe(program_outputs: dict[str, pulumi.Output]) -> asyncio.Task:
    """What any reader of each output sees: value, known, secret, dependencies (by name)."""

    async def observe() -> dict[str, Any]:
        seen = {}
        for key, output in program_outputs.items():
            data = await output._data
            seen[key] = (
                data.value,
                data.is_known,
                data.is_secret,
                sorted(r._name for r in data.resources),
                type(output).__name__,
            )
        return seen

    return asyncio.ensure_future(observe())


def _program(observed: list[asyncio.Task]) -> None:
    topic = aws.sns.Topic("pages", name="pages", tags={"site": "a"})
    queue = aws.sqs.Queue("dlq", name="dlq", kms_master_key_id=pulumi.Output.secret("key-1"))
    subscription = aws.sns.TopicSubscription(
        "page-sub",
        topic=topic.arn,
        protocol="sqs",
        endpoint=queue.arn,
        opts=pulumi.ResourceOptions(depends_on=[queue]),
    )
    observed.append(
        _observe(
            {
                "topic.arn": topic.arn,  # computed by the provider (mocks)
                "topic.name": topic.name,  # an input echoed back
                "topic.display_name": topic.display_name,  # declared, never set
                "topic.id": topic.id,
                "queue.kms": queue.kms_master_key_id,  # a secret input
                "sub.topic": subscription.topic,  # an input that was another's output
                "sub.arn.upper": subscription.arn.apply(str.upper),  # derived
            }
        )
    )


def _run(program) -> dict[str, Any]:
    observed: list[asyncio.Task] = []
    run = RunRequest("outputs", "test", ROOT, {"aws:region": "eu-west-1"})
    record_program(run, program=lambda: program(observed))
    (task,) = observed
    return task.result()


def test_outputs_read_the_same_as_the_sdks(monkeypatch):
    resolved = _run(_program)
    _stock(monkeypatch)
    stock = _run(_program)
    assert {k: v[:4] for k, v in resolved.items()} == {k: v[:4] for k, v in stock.items()}
    assert resolved["topic.arn"][0] == "arn:aws:sns:us-east-1:000000000000:pages"
    assert resolved["queue.kms"][2] is True  # secret
    assert resolved["sub.topic"][3] == ["page-sub"]
    # the patch was active for resource properties and off for the SDK's own
    assert resolved["topic.arn"][4] == "ResolvedOutput"
    assert stock["topic.arn"][4] == "Output"
    assert resolved["sub.arn.upper"][4] == "Output"  # apply() makes the SDK's own output


def test_a_failed_registration_fails_its_outputs_as_in_the_sdk(monkeypatch):
    class Failing(OfflineMocks):
        def new_resource(self, args):
            if args.name == "dlq":
                raise RuntimeError("provider said no")
            return super().new_resource(args)

    def program(observed: list) -> None:
        queue = aws.sqs.Queue("dlq", name="dlq")
        observed.append(_observe({"queue.arn": queue.arn}))

    def run() -> tuple[str, str]:
        observed: list[asyncio.Task] = []
        config = RunRequest("outputs", "test", ROOT, {"aws:region": "eu-west-1"})
        with pytest.raises(ProgramError) as failed:
            record_program(config, mocks=Failing(), program=lambda: program(observed))
        (task,) = observed
        return str(failed.value), repr(task.exception())

    resolved = run()
    _stock(monkeypatch)
    assert resolved == run()
    assert "provider said no" in resolved[1]


def test_the_example_records_the_same_either_way(monkeypatch):
    """Same resources, inputs, dependencies, outputs and exports. The order of registration may
    differ (an input waiting on another output is ready a loop step sooner): Pulumi does not
    define it, and the plan document lists resources by URN."""
    config = load_stack_config(ROOT, "dev")
    resolved = record_program(config)
    _stock(monkeypatch)
    stock = record_program(config)
    assert len(resolved.resources) > 100
    assert len(resolved.by_urn) == len(resolved.resources)
    assert resolved.by_urn == stock.by_urn
    assert resolved.exports == stock.exports


def test_installed_only_inside_a_recording():
    assert rpc.transfer_properties is resource_outputs._STOCK
    record_program(RunRequest("outputs", "test", ROOT), program=lambda: None)
    assert rpc.transfer_properties is resource_outputs._STOCK


def test_the_installed_sdk_is_the_known_one():
    # If this fails after an SDK upgrade, install() has switched itself off: compare the new
    # transfer_properties and Output.__init__ with this module, then update the fingerprints.
    assert resource_outputs.sdk_source_sha256() == resource_outputs.KNOWN_SOURCE_SHA256
    try:
        assert resource_outputs.install()
        assert rpc.transfer_properties is resource_outputs.transfer_properties
    finally:
        resource_outputs.uninstall()
    assert rpc.transfer_properties is resource_outputs._STOCK


def test_an_unknown_sdk_is_left_alone(monkeypatch):
    monkeypatch.setitem(resource_outputs.KNOWN_SOURCE_SHA256, "transfer_properties", "0" * 64)
    assert resource_outputs.install() is False
    assert rpc.transfer_properties is resource_outputs._STOCK
