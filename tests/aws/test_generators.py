"""Generators keep inside AWS's limits whatever the inventory holds (within what it validates)."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from tests.runtime import run_program
from vigil import aws
from vigil.aws.limits import fit_tags, route53_max_tags
from vigil.program import main
from vigil.resource_types import HEALTH_CHECK, METRIC_ALARM, SNS_TOPIC

ROOT = Path(__file__).resolve().parents[2]


def test_route53_limit_is_read_from_the_model():
    assert route53_max_tags() == 10


def test_fit_tags_keeps_own_tags_and_is_deterministic():
    own = {"vigil:site": "s", "Name": "n"}
    extra = {"z": "1", "a": "2", "m": "3", "Name": "clash"}
    tags, dropped = fit_tags(own, extra, 4)
    assert tags == {"vigil:site": "s", "Name": "n", "a": "2", "m": "3"}
    assert dropped == ("z",)
    assert fit_tags(own, dict(reversed(list(extra.items()))), 4) == (tags, dropped)


def test_many_site_tags_fit_route53_and_reach_every_other_resource(tmp_path):
    inventory = tmp_path / "inventory"
    shutil.copytree(ROOT / "inventory", inventory)
    site_file = inventory / "sites" / "acme" / "shop.yaml"
    doc = yaml.safe_load(site_file.read_text())
    doc["tags"] = {f"team-{n}": f"v{n}" for n in range(7)}
    site_file.write_text(yaml.safe_dump(doc, sort_keys=False))
    mocks = run_program(main, {"vigil:inventory": str(inventory)})
    checks = [r for r in mocks.of_type(HEALTH_CHECK) if r.name.startswith("acme-shop-")]
    assert checks
    for check in checks:
        tags = check.inputs["tags"]
        assert len(tags) == 10
        assert {"vigil:site", "vigil:client", "vigil:tier", "managed-by", "Name",
                "vigil:url"} <= set(tags)
        assert {k for k in tags if k.startswith("team-")} == {f"team-{n}" for n in range(4)}
        region = aws.Context("us-east-1", doc["aws"]["account_id"])
        assert aws.check_resource(HEALTH_CHECK, check.inputs, region) == []
    for rtype in (METRIC_ALARM, SNS_TOPIC):
        some = next(r for r in mocks.of_type(rtype) if r.name.startswith("acme-shop-"))
        assert {f"team-{n}" for n in range(7)} <= set(some.inputs["tags"])
