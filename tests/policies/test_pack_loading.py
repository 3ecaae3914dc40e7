"""The pack loads the way the Pulumi CLI loads it.

The Python policy host runs ``policies/__main__.py`` with the pack directory (not the repo
root) on ``sys.path``; ``PolicyPack(...)`` then serves gRPC and prints its port. Tested twice:
with ``PolicyPack`` replaced by a recorder (what gets constructed), and for real — the served
analyzer answers ``GetAnalyzerInfo``, ``Analyze`` and ``AnalyzeStack`` over gRPC.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import grpc
import pytest
from google.protobuf import empty_pb2, struct_pb2
from policy_fixtures import build_stack
from pulumi.runtime.proto import analyzer_pb2 as pb
from pulumi.runtime.proto import analyzer_pb2_grpc
from pulumi_policy import Policy, StackValidationPolicy

from policies import graph as g
from policies import pack

ROOT = Path(__file__).resolve().parents[2]
PACK_DIR = ROOT / "policies"
EXPECTED = {
    "alarm-has-actions": "mandatory",
    "aws-api-rules": "mandatory",
    "global-metrics-in-us-east-1": "mandatory",
    "sns-not-aws-managed-key": "mandatory",
    "pagerduty-delivery-watched": "mandatory",
    "availability-treats-missing-as-breaching": "mandatory",
    "reporting-signals-have-heartbeat": "mandatory",
    "escalation-within-sla": "mandatory",
    "detection-within-tier": "mandatory",
    "schedules-cover-24x7": "mandatory",
    "pagerduty-provider-rules": "mandatory",
    "every-site-covered": "mandatory",
    "grafana-datasource-reads-site-account": "mandatory",
    "required-tags": "advisory",
}
STACK_POLICIES = {"alarm-has-actions", "escalation-within-sla", "schedules-cover-24x7",
                  "every-site-covered", "grafana-datasource-reads-site-account",
                  "detection-within-tier", "pagerduty-delivery-watched",
                  "reporting-signals-have-heartbeat"}


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONNOUSERSITE"] = "1"
    return env


def test_registry_lists_every_policy_with_metadata():
    policies = pack.policies()
    assert {p.name: p.enforcement_level.value for p in policies} == EXPECTED
    for p in policies:
        assert isinstance(p, Policy) and p.description and p.remediation_steps
        assert p.config_schema is not None and p.config_schema.properties
        assert (p.name in STACK_POLICIES) == isinstance(p, StackValidationPolicy)
        for spec in p.config_schema.properties.values():
            assert "default" in spec and "description" in spec
    assert pack.default_config()["escalation-within-sla"]["maxFirstEscalationMinutes"] == 30


RECORDER = """
import json, runpy, sys
import pulumi_policy
seen = {}
class Recorder:
    def __init__(self, name, policies, enforcement_level=None, **kw):
        seen.update(name=name, level=enforcement_level.value,
                    policies={p.name: p.enforcement_level.value for p in policies})
pulumi_policy.PolicyPack = Recorder
assert sys.argv[1] not in sys.path  # like the policy host: only the pack directory
runpy.run_path("__main__.py", run_name="__main__")
print(json.dumps(seen))
"""


def test_main_constructs_the_pack_from_the_pack_directory():
    out = subprocess.run(
        [sys.executable, "-c", RECORDER, str(ROOT)],
        cwd=PACK_DIR, env=_env(), capture_output=True, text=True, timeout=120, check=True,
    )
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen == {"name": "vigil-coverage", "level": "mandatory", "policies": EXPECTED}


def _struct(data: dict) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    s.update(data)
    return s


@pytest.fixture(scope="module")
def analyzer():
    """The real pack, served by pulumi-policy as the CLI would start it."""
    proc = subprocess.Popen(
        [sys.executable, "-u", str(PACK_DIR / "__main__.py")],
        cwd=PACK_DIR, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        port = int(proc.stdout.readline().strip())
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        grpc.channel_ready_future(channel).result(timeout=60)
        yield analyzer_pb2_grpc.AnalyzerStub(channel)
        channel.close()
    finally:
        proc.kill()
        proc.wait(timeout=30)


def test_served_pack_describes_its_policies(analyzer):
    info = analyzer.GetAnalyzerInfo(empty_pb2.Empty())
    assert info.name == "vigil-coverage"
    levels = {p.name: p.enforcementLevel for p in info.policies}
    assert set(levels) == set(EXPECTED)
    assert levels["required-tags"] == pb.ADVISORY
    assert levels["alarm-has-actions"] == pb.MANDATORY
    schema = next(p for p in info.policies if p.name == "escalation-within-sla").configSchema
    assert "maxFirstEscalationMinutes" in schema.properties


def test_served_pack_analyzes_a_resource(analyzer):
    request = pb.AnalyzeRequest(
        type=g.SNS_TOPIC, urn="urn:pulumi:dev::vigil::aws:sns/topic:Topic::t", name="t",
        properties=_struct({"name": "t", "kmsMasterKeyId": "alias/aws/sns", "tags": {}}),
    )
    found = {(d.policyName, d.enforcementLevel) for d in analyzer.Analyze(request).diagnostics}
    assert found == {("sns-not-aws-managed-key", pb.MANDATORY), ("required-tags", pb.ADVISORY)}
    unnamed = pb.AnalyzeRequest(
        type=g.SNS_TOPIC, urn="urn:pulumi:dev::vigil::aws:sns/topic:Topic::u", name="u",
        properties=_struct({"tags": {}}),
    )
    found = {(d.policyName, d.enforcementLevel) for d in analyzer.Analyze(unnamed).diagnostics}
    assert ("aws-api-rules", pb.MANDATORY) in found  # CreateTopic requires Name


def test_served_pack_analyzes_the_stack_with_unknowns(analyzer):
    stack = build_stack()
    stack.inputs("acme-shop-alb-rejected-connection-count-critical")["okActions"] = []
    stack.inputs("acme-shop-service")["escalationPolicy"] = g.UNKNOWN
    resources = []
    by_urn = {r["urn"]: r for r in stack.records}
    for rec in stack.records:
        provider = None
        if rec["provider"]:
            prov = by_urn[rec["provider"].rsplit("::", 1)[0]]
            provider = pb.AnalyzerProviderResource(type=prov["type"], urn=prov["urn"],
                                                   name=prov["name"],
                                                   properties=_struct(prov["inputs"]))
        resources.append(pb.AnalyzerResource(
            type=rec["type"], urn=rec["urn"], name=rec["name"], parent=rec["parent"] or "",
            properties=_struct(rec["inputs"]), provider=provider,
        ))
    response = analyzer.AnalyzeStack(pb.AnalyzeStackRequest(resources=resources))
    found = sorted((d.policyName, d.enforcementLevel) for d in response.diagnostics)
    assert found == [("alarm-has-actions", pb.MANDATORY), ("escalation-within-sla", pb.ADVISORY)]
    advisory = next(d for d in response.diagnostics if d.enforcementLevel == pb.ADVISORY)
    assert "cannot verify until apply" in advisory.message
    assert "escalation policy of site acme-shop" in advisory.message
