"""``vigil validate`` reports what AWS would reject, at the inventory line that causes it.

The same inputs the components send (``vigil.aws.inputs``) go through the same rules the plan's
``aws-api-rules`` policy applies (``vigil.aws.check_resource``); each breach lands on the field
that produced the value, with the rule and its source. Exit 2, like every validate problem.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pulumi_policy import ResourceValidationArgs

from policies import aws_api_rules
from tests.inventory.util import edit, problems
from vigil.aws import rules
from vigil.aws.inventory import site_probes
from vigil.cli import main
from vigil.inventory import load_inventory
from vigil.inventory.build import build_site
from vigil.inventory.cascade import Cascade
from vigil.inventory.checks.context import build_context
from vigil.inventory.yaml_source import load_source

SHOP = "sites/acme/shop.yaml"
TAGS = "tags:\n  cost-center: ecommerce\n"


def _at(inv: Path, path: str) -> list[tuple[str, int, int, str, str]]:
    found = problems(inv)
    return [p for p in found if p[3] == path] or pytest.fail(f"nothing at {path}: {found}")


def _site_tags(n: int) -> str:
    return "tags:\n" + "".join(f"  team-{i}: v{i}\n" for i in range(n))


def test_route53_ten_tags_with_vigils_own(inv: Path) -> None:
    edit(inv / SHOP, TAGS, _site_tags(5))
    (file, line, col, _, message), *more = _at(inv, "tags")
    assert (file, line, col) == (SHOP, 57, 1)
    assert message.startswith("Route 53 health check acme-shop-url-home-health-check: AddTags")
    assert "has 11 items; at most 10 allowed" in message
    assert "vigil adds 6 tags of its own (Name, managed-by, vigil:client, vigil:site, " \
           "vigil:tier, vigil:url)" in message and "at most 4 site tags fit" in message
    assert "[route53.ChangeTagsForResource; botocore route53 2013-04-01 model, shape TagList]" \
        in message
    assert not more  # one problem for the site's tags, not one per URL


def test_four_site_tags_fit(inv: Path) -> None:
    edit(inv / SHOP, TAGS, _site_tags(4))
    load_inventory(inv)


def test_long_path_and_text_are_not_route53s(inv: Path) -> None:
    """A TCP health check (vigil.catalog.url.health_check_args) sends Route 53 only host and port,
    so its 255-character ResourcePath and SearchString limits (botocore route53 model, shapes
    ResourcePath, SearchString) no longer reach the URL's path or required_text."""
    # a 255-character URL (the inventory's bound: its Zabbix url tag) and 250 characters of text
    edit(inv / SHOP, "url: https://shop.acme.example/\n",
         "url: https://shop.acme.example/" + "p" * (255 - 26) + "\n")
    edit(inv / SHOP, "required_text: ACME\n", "required_text: " + "A" * 250 + "\n")
    load_inventory(inv)  # valid: neither limit is Route 53's any more


def test_alarm_name_from_a_long_resource_id(inv: Path) -> None:
    name = "web-" + "x" * 230  # a valid Auto Scaling group name (≤ 255), too long in an alarm
    edit(inv / SHOP, "    - name: acme-shop-web\n", f"    - name: {name}\n")
    ((file, line, col, _, message),) = _at(inv, "resources.auto_scaling_groups[0].name")
    assert (file, line, col) == (SHOP, 23, 13)
    assert "AlarmName has 2" in message and "at most 255 allowed" in message
    assert "[cloudwatch.PutMetricAlarm; botocore cloudwatch 2010-08-01 model, shape AlarmName]" \
        in message


def test_alarm_and_topic_tag_limits(inv: Path) -> None:
    edit(inv / SHOP, TAGS, _site_tags(44))
    found = _at(inv, "tags")
    messages = " | ".join(p[4] for p in found)
    assert "51 tags; an alarm carries at most 50" in messages and "[cw-alarm-tags" in messages
    assert "AddTags has 50 items; at most 10 allowed" in messages
    assert "an SNS topic carries at most 50" not in messages  # 44 + 5 = 49 fit a topic
    assert "an SQS queue carries at most 50" not in messages  # the dead-letter queue too


def test_dead_letter_queue_tag_limit(inv: Path) -> None:
    """The subscription's dead-letter queue carries the topic's tags (site + 4 standard +
    vigil:severity): 46 site tags are 51, reported at the site's tags like the topic's."""
    edit(inv / SHOP, TAGS, _site_tags(46))
    messages = " | ".join(p[4] for p in _at(inv, "tags"))
    assert "SQS queue acme-shop-dlq-critical" in messages
    assert "an SQS queue carries at most 50 tags" in messages and "[sqs-queue-tags" in messages


@pytest.mark.parametrize(
    ("alarm", "key", "rule", "text"),
    [
        ("  period_seconds: 900\n  evaluation_periods: 100\n  datapoints_to_alarm: 3\n",
         "alarm.evaluation_periods", "cw-evaluation-window",
         "Period 900 s × EvaluationPeriods 100 = 90000 s exceeds 86400 s"),
        ("  period_seconds: 10\n  evaluation_periods: 5\n  datapoints_to_alarm: 3\n",
         "alarm.period_seconds", "cw-high-resolution-only-custom",
         "10 s is a high-resolution period"),
        ("  period_seconds: 60\n  evaluation_periods: 5\n  datapoints_to_alarm: 6\n",
         "alarm.datapoints_to_alarm", "cw-datapoints-within-evaluation",
         "6 datapoints out of 5 evaluation periods can never breach"),
    ],
)
def test_alarm_timing_in_defaults(inv: Path, alarm: str, key: str, rule: str, text: str) -> None:
    edit(inv / "defaults.yaml",
         "  period_seconds: 60\n  evaluation_periods: 5\n  datapoints_to_alarm: 3\n", alarm)
    ((file, line, _, _, message),) = _at(inv, key)
    assert file == "defaults.yaml" and line in (5, 6, 7)
    assert text in message and f"[{rule}; botocore cloudwatch model" in message


def test_alarm_timing_set_on_a_tier_is_reported_there(inv: Path) -> None:
    edit(inv / "defaults.yaml", "    escalation_loops: 3\n",
         "    escalation_loops: 3\n    alarm:\n      period_seconds: 30\n")
    ((file, line, _, _, message),) = _at(inv, "tiers.gold.alarm.period_seconds")
    assert (file, line) == ("defaults.yaml", 17)
    assert message.startswith("CloudWatch alarms of tier gold: Period 30 s is a high-resolution")


def test_cli_exit_2_with_file_line_field(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(inv / SHOP, TAGS, _site_tags(5))
    assert main(["validate", str(inv)]) == 2
    err = capsys.readouterr().err
    assert f"{inv / SHOP}:57:1: tags: Route 53 health check acme-shop-url-" in err


def test_validate_and_the_policy_share_the_rule(inv: Path) -> None:
    """The policy, given the very inputs validate checked, reports the same rule."""
    edit(inv / SHOP, TAGS, _site_tags(5))
    defaults = load_source(inv / "defaults.yaml", "defaults.yaml")
    ctx = build_context(defaults, True, None, set(), Cascade(defaults))
    src = load_source(inv / SHOP, SHOP)
    site = build_site(src, ctx.tiers, ctx.cascade)
    probe = next(p for p in site_probes(site, src.data) if p.type.startswith("aws:route53"))
    reported: list[str] = []
    args = ResourceValidationArgs(probe.type, probe.inputs, "urn:x", probe.name, None, None, {})
    aws_api_rules.check(args, dict(aws_api_rules.DEFAULTS),
                        lambda message, urn=None: reported.append(message))
    assert any("route53.ChangeTagsForResource" in m and "at most 10" in m for m in reported)
    assert {r.id for r in rules.RULES} >= {"cw-evaluation-window", "cw-alarm-tags"}
