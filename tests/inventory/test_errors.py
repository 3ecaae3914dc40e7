"""Every class of mistake is reported with its exact FILE:LINE:COL, field path and message."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.inventory.util import PINNED, edit, only, problems
from vigil.inventory import InventoryError, Problem, load_inventory
from vigil.inventory.checks.identifiers import region_problem

SHOP = "sites/acme/shop.yaml"
BOOKING = "sites/bistro/booking.yaml"

# --------------------------------------------------------------------------- YAML level


def test_yaml_syntax_error_position(inv: Path) -> None:
    edit(inv / SHOP, "name: ACME Shop (Magento)\n", "name: [ACME Shop\n")
    file, line, col, path, message = only(inv)
    assert (file, path) == (SHOP, "")
    assert (line, col) == (6, 5)  # libyaml stops at the next key inside the open flow list
    assert message.startswith("YAML syntax error:")


def test_tab_indentation(inv: Path) -> None:
    edit(inv / SHOP, "  region: eu-west-1\n", "\tregion: eu-west-1\n")
    assert only(inv) == (
        SHOP,
        12,
        1,
        "",
        "tab character in indentation; YAML indents with spaces only",
    )


def test_duplicate_key(inv: Path) -> None:
    edit(inv / SHOP, "tier: gold\n", "tier: gold\ntier: silver\n")
    assert only(inv) == (SHOP, 7, 1, "tier", "duplicate key 'tier' (first defined on line 6)")


def test_duplicate_key_nested(inv: Path) -> None:
    edit(inv / SHOP, "      engine: redis\n", "      engine: redis\n      engine: valkey\n")
    assert only(inv) == (
        SHOP, 33, 7, "resources.elasticache_clusters[0].engine",
        "duplicate key 'engine' (first defined on line 32)",
    )  # fmt: skip


def test_empty_file(inv: Path) -> None:
    (inv / "sites/acme/new.yaml").write_text("# yaml-language-server: $schema=x\n\n")
    assert only(inv) == (
        "sites/acme/new.yaml",
        1,
        1,
        "",
        "file is empty; expected a mapping of keys",
    )


def test_not_utf8(inv: Path) -> None:
    (inv / SHOP).write_bytes(b"id: acme-shop\nname: caf\xe9\n")
    assert only(inv) == (SHOP, 2, 10, "", "file is not valid UTF-8")


def test_top_level_not_a_mapping(inv: Path) -> None:
    (inv / SHOP).write_text("- id: acme-shop\n")
    assert only(inv) == (SHOP, 1, 1, "", "expected a mapping, got a list")


# --------------------------------------------------------------------------- schema level


def test_unknown_key_did_you_mean(inv: Path) -> None:
    edit(inv / SHOP, "owner_team: ops\n", "owner_teem: ops\n")
    found = problems(inv)
    assert (
        SHOP,
        8,
        1,
        "owner_teem",
        "unknown key 'owner_teem'; did you mean 'owner_team'?",
    ) in found
    assert (SHOP, 3, 1, "owner_team", "missing required key") in found
    assert len(found) == 2


def test_unknown_nested_key(inv: Path) -> None:
    edit(inv / SHOP, "      min_in_service: 2\n", "      min_inservice: 2\n")
    found = problems(inv)
    assert (
        SHOP, 24, 7, "resources.auto_scaling_groups[0].min_inservice",
        "unknown key 'min_inservice'; did you mean 'min_in_service'?",
    ) in found  # fmt: skip
    assert (
        SHOP,
        23,
        7,
        "resources.auto_scaling_groups[0].min_in_service",
        "missing required key",
    ) in found


def test_wrong_type_with_quote_hint(inv: Path) -> None:
    edit(inv / SHOP, '  account_id: "111111111111"\n', "  account_id: 111111111111\n")
    assert only(inv) == (
        SHOP, 11, 15, "aws.account_id",
        'expected a string, got an integer 111111111111 (YAML reads 111111111111 as an integer; '
        'quote it: "111111111111")',
    )  # fmt: skip


def test_sexagesimal_time_hint(inv: Path) -> None:
    edit(inv / "defaults.yaml", 'end: "18:00"', "end: 18:00")
    file, line, col, path, message = only(inv)
    assert (file, line, col, path) == ("defaults.yaml", 31, 12, "tiers.bronze.support_hours.end")
    assert message.startswith("expected a string, got an integer 1080 (YAML reads 18:00")


def test_wrong_type_list(inv: Path) -> None:
    edit(inv / SHOP, "    expected_status: [200]\n", "    expected_status: 200\n")
    assert only(inv) == (
        SHOP,
        42,
        22,
        "urls[1].expected_status",
        "expected a list, got an integer 200",
    )


def test_enum_did_you_mean(inv: Path) -> None:
    edit(inv / SHOP, "      engine: mysql\n", "      engine: mysq\n")
    _file, line, col, path, message = only(inv)
    assert (line, col, path) == (28, 15, "resources.rds_instances[0].engine")
    assert message.endswith("did you mean 'mysql'?")


def test_support_hours_alternatives(inv: Path) -> None:
    edit(inv / "defaults.yaml", "    support_hours: 24x7\n", "    support_hours: 24/7\n")
    assert only(inv) == (
        "defaults.yaml", 12, 20, "tiers.gold.support_hours",
        "got a string '24/7'; expected '24x7' (around the clock) or a mapping of business hours "
        "(timezone, days, start, end)",
    )  # fmt: skip


def test_instance_id_format(inv: Path) -> None:
    edit(inv / "sites/bistro/website.yaml", "i-07f3e2d1c0b9a8f76", "i-07f3e2d1c0b9a8f7")
    assert only(inv) == (
        "sites/bistro/website.yaml", 15, 11, "resources.ec2_instances[0].id",
        "invalid value 'i-07f3e2d1c0b9a8f7': expected EC2 instance id: "
        "i- followed by 8 or 17 hex digits",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ('"111111111111"', '"11111111111"', "aws.account_id"),
        ("region: eu-west-1", "region: eu-west", "aws.region"),
        ("loadbalancer/app/acme-shop-prod/50dc6c495c0c9188", "loadbalancer/net/acme-shop-prod/50dc",
         "resources.load_balancers[0].arn"),
        ("https://shop.acme.example/checkout", "http://shop.acme.example/checkout", "urls[1].url"),
    ],
)  # fmt: skip
def test_identifier_formats(inv: Path, old: str, new: str, path: str) -> None:
    edit(inv / SHOP, old, new)
    assert only(inv)[3] == path


def test_cloudfront_id(inv: Path) -> None:
    edit(inv / "sites/nova/storefront.yaml", "E2QWRUHAPOMQZL", "e2qwruhapomqzl")
    _file, line, col, path, message = only(inv)
    assert (line, col, path) == (15, 11, "resources.cloudfront_distributions[0].id")
    assert "CloudFront distribution id" in message


# --------------------------------------------------------------------------- files and folders


def test_site_outside_client_folder(inv: Path) -> None:
    (inv / "sites/orphan.yaml").write_text((inv / BOOKING).read_text())
    assert only(inv) == (
        "sites/orphan.yaml", 1, 1, "",
        "site file is not loaded: put it in sites/<client>/<site>.yaml",
    )  # fmt: skip


def test_yml_extension_is_not_silently_ignored(inv: Path) -> None:
    (inv / BOOKING).rename(inv / "sites/bistro/booking.yml")
    assert only(inv) == (
        "sites/bistro/booking.yml",
        1,
        1,
        "",
        "site file is not loaded: rename it to booking.yaml",
    )


def test_client_must_match_folder(inv: Path) -> None:
    (inv / "sites/other").mkdir()
    (inv / BOOKING).rename(inv / "sites/other/booking.yaml")
    assert only(inv) == (
        "sites/other/booking.yaml", 4, 9, "client",
        "client 'bistro' does not match the folder sites/other/; "
        "move the file to sites/bistro/ or set client: other",
    )  # fmt: skip


@pytest.mark.parametrize("name", ["defaults.yaml", "teams.yaml"])
def test_missing_defaults_or_teams(inv: Path, name: str) -> None:
    (inv / name).unlink()
    found = problems(inv)
    assert found[0][:4] == (name, 1, 1, "")
    assert found[0][4].startswith("missing file:")
    assert len(found) == 1  # sites are not blamed for references nobody can check


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(InventoryError) as caught:
        load_inventory(tmp_path / "nope")
    assert [p.message for p in caught.value.problems] == ["inventory directory not found"]


# --------------------------------------------------------------------------- semantics


def test_duplicate_site_id(inv: Path) -> None:
    edit(inv / "sites/acme/b2b.yaml", "id: acme-b2b\n", "id: acme-shop\n")
    file = str(inv / "sites/acme/b2b.yaml")
    assert only(inv) == (SHOP, 3, 5, "id", f"site id 'acme-shop' is already used by {file}:3")


def test_unknown_tier_and_team(inv: Path) -> None:
    edit(inv / SHOP, "tier: gold\n", "tier: glod\n")
    edit(inv / SHOP, "owner_team: ops\n", "owner_team: opps\n")
    assert problems(inv) == [
        (SHOP, 6, 7, "tier",
         "unknown tier 'glod' (defaults.yaml defines: bronze, gold, silver); did you mean 'gold'?"),
        (SHOP, 8, 13, "owner_team",
         "unknown team 'opps' (teams.yaml defines: ops, web); did you mean 'ops'?"),
    ]  # fmt: skip


def test_region_that_does_not_exist(inv: Path) -> None:
    """eu-west-9 is well formed (the schema's pattern takes it) but no AWS region: every API
    call would fail, so validate names it, once, with the nearest real region; the load
    balancer ARNs' region is not reported again against a region that does not exist."""
    edit(inv / SHOP, "  region: eu-west-1\n", "  region: eu-west-9\n")
    file, line, col, path, message = only(inv)
    assert (file, line, col, path) == (SHOP, 12, 11, "aws.region")
    assert message.startswith("unknown AWS region 'eu-west-9' (not in the region list of botocore ")
    assert message.endswith("; eu-west has: eu-west-1, eu-west-2, eu-west-3")


def test_regions_of_every_partition_are_accepted() -> None:
    """Real regions of the commercial, China and GovCloud partitions validate (all listed by
    the pinned botocore); the ``*-global`` endpoint pseudo regions do not."""
    for region in ("eu-west-1", "ap-southeast-5", "cn-north-1", "us-gov-west-1"):
        assert region_problem(region) is None, region
    assert region_problem("aws-global") is not None  # an endpoint, not a place


def test_arn_region_account_and_name_must_match(inv: Path) -> None:
    edit(inv / SHOP, "eu-west-1:111111111111:loadbalancer", "eu-west-2:111111111112:loadbalancer")
    edit(inv / SHOP, "targetgroup/acme-shop-varnish/", "targetgroup/acme-shop-varnsh/")
    arn = "resources.load_balancers[0].arn"
    assert problems(inv) == [
        (SHOP, 16, 12, arn,
         "ARN account '111111111112' does not match aws.account_id '111111111111'"),
        (SHOP, 16, 12, arn, "ARN region 'eu-west-2' does not match aws.region 'eu-west-1'"),
        (SHOP, 18, 17, "resources.load_balancers[0].target_groups[0].name",
         "name 'acme-shop-varnish' differs from the name in the ARN, 'acme-shop-varnsh'"),
    ]  # fmt: skip


def test_url_without_valid_host(inv: Path) -> None:
    edit(inv / SHOP, "url: https://shop.acme.example/\n", "url: https://shop..example/\n")
    assert only(inv) == (
        SHOP,
        38,
        10,
        "urls[0].url",
        "URL host 'shop..example' is not a valid host name",
    )


def test_duplicate_url_name(inv: Path) -> None:
    edit(inv / SHOP, "  - name: checkout\n", "  - name: home\n")
    _file, line, col, path, message = only(inv)
    assert (line, col, path) == (40, 11, "urls[1].name")
    assert message.startswith("URL name 'home' is used twice")


def test_invalid_timezone_did_you_mean(inv: Path) -> None:
    edit(inv / "defaults.yaml", "timezone: Europe/Berlin", "timezone: Europe/Berln")
    file, line, col, path, message = only(inv)
    assert (file, line, col) == ("defaults.yaml", 28, 17)
    assert path == "tiers.bronze.support_hours.timezone"
    # support hours go to PagerDuty: checked against its provider's list (vigil.pagerduty.rules)
    assert message.startswith(
        "time zone 'Europe/Berln' is not one PagerDuty accepts (the provider's list of 135 "
        "zones); did you mean 'Europe/Berlin'?"
    )


def test_team_references(inv: Path) -> None:
    edit(
        inv / "teams.yaml",
        "members: [ava.johnson@agency.example,",
        "members: [ava.jonson@agency.example,",
    )
    edit(inv / "teams.yaml", "schedule: devops-oncall", "schedule: devops-on-call")
    edit(inv / "teams.yaml", "users: [alex.eng@agency.example]", "users: [alex@agency.example]")
    found = problems(inv)
    assert [(f, line, path) for f, line, _, path, _ in found] == [
        ("teams.yaml", 43, "teams.ops.schedules.l1-follow-the-sun.layers[2].members[0]"),
        ("teams.yaml", 61, "teams.ops.escalation[1].schedule"),
        ("teams.yaml", 65, "teams.ops.escalation[2].users[0]"),
    ]
    assert found[0][4] == (
        "'ava.jonson@agency.example' is not a member of this team; "
        "did you mean 'ava.johnson@agency.example'?"
    )
    assert found[1][4] == "unknown schedule 'devops-on-call'; did you mean 'devops-oncall'?"


def test_escalation_must_start_with_l1(inv: Path) -> None:
    edit(
        inv / "teams.yaml",
        "      - level: L1\n        description: Web team",
        "      - level: L3\n        description: Web team",
    )
    assert problems(inv) == [
        (
            "teams.yaml",
            91,
            16,
            "teams.web.escalation[0].level",
            "escalation must start with L1, not L3",
        ),
        (
            "teams.yaml",
            94,
            16,
            "teams.web.escalation[1].level",
            "level L2 comes after L3; order L1 → L4",
        ),
    ]


NO_URL = (
    "no URL check: add a urls entry (every site needs one: the mandatory policy "
    "every-site-covered requires a Route 53 health check, and Zabbix a web scenario); "
    "load balancer and resource alarms do not notice a site that is unreachable from outside"
)


def test_no_availability_signal(inv: Path) -> None:
    text = (inv / BOOKING).read_text()
    (inv / BOOKING).write_text(text[: text.index("urls:")])
    assert only(inv) == (BOOKING, 3, 1, "", NO_URL)


def test_aws_resources_without_a_url_are_rejected_like_the_policy_does(inv: Path) -> None:
    # A load balancer used to be accepted as the availability signal; every-site-covered
    # (mandatory) rejects the site at plan time: vigil validate now says so at the file.
    text = (inv / SHOP).read_text()
    start, end = text.index("urls:\n"), text.index("servers:\n")
    (inv / SHOP).write_text(text[:start] + text[end:])
    assert only(inv) == (SHOP, 13, 1, "resources", NO_URL)
    (inv / SHOP).write_text(text[:start] + "urls: []\n" + text[end:])
    assert only(inv)[1:4] == (text[:start].count("\n") + 1, 1, "urls")


def test_reserved_tag(inv: Path) -> None:
    edit(inv / SHOP, "  cost-center: ecommerce\n", "  vigil:site: other\n")
    assert only(inv) == (
        SHOP,
        58,
        3,
        "tags.vigil:site",
        "tag 'vigil:site' is reserved (vigil and AWS set it)",
    )


# --------------------------------------------------------------------------- thresholds


def test_unknown_signal_did_you_mean(inv: Path, fake_catalog: dict) -> None:
    edit(inv / SHOP, "    database_memory_usage_percent:", "    database_memory_usage_percnt:")
    assert only(inv) == (
        SHOP, 56, 5, "thresholds.elasticache.database_memory_usage_percnt",
        "unknown signal 'database_memory_usage_percnt' for elasticache; "
        "did you mean 'database_memory_usage_percent'?",
    )  # fmt: skip


def test_unknown_signal_caught_by_the_real_catalog(inv: Path) -> None:
    edit(inv / SHOP, "    database_memory_usage_percent:", "    database_memory_usage_percnt:")
    assert only(inv)[3:] == (
        "thresholds.elasticache.database_memory_usage_percnt",
        "unknown signal 'database_memory_usage_percnt' for elasticache; "
        "did you mean 'database_memory_usage_percent'?",
    )


def test_warning_must_be_below_critical(inv: Path, fake_catalog: dict) -> None:
    edit(inv / SHOP, "{warning: 1.5, critical: 3.0}", "{warning: 3.5, critical: 3.0}")
    assert only(inv) == (
        SHOP, 21, 45, "resources.load_balancers[0].thresholds.target_response_time_p99.warning",
        "warning 3.5 must be below critical 3: alb.target_response_time_p99 alarms when the value "
        "is above the level",
    )  # fmt: skip


def test_less_than_signal_warning_must_be_above_critical(inv: Path, fake_catalog: dict) -> None:
    edit(inv / "defaults.yaml", "{warning: 10737418240, critical: 2147483648}",
         "{warning: 1073741824, critical: 2147483648}")  # fmt: skip
    assert only(inv) == (
        "defaults.yaml", 43, 35, "thresholds.rds.free_storage_bytes.warning",
        "warning 1.07374e+09 must be above critical 2.14748e+09: rds.free_storage_bytes alarms "
        "when the value is below the level",
    )  # fmt: skip


def test_conflict_across_cascade_layers_names_both_places(inv: Path, fake_catalog: dict) -> None:
    # defaults.yaml says warning 3 for URL response time; a site lowering only critical to 2
    # inverts them: reported at the site, pointing at the defaults line.
    extra = "    thresholds:\n      response_time_seconds: {critical: 2}\n"
    edit(inv / BOOKING, "    timeout_seconds: 20\n", "    timeout_seconds: 20\n" + extra)
    file, line, col, path, message = only(inv)
    assert (file, line, col, path) == (
        BOOKING,
        19,
        41,
        "urls[0].thresholds.response_time_seconds.critical",
    )
    assert message.startswith(
        f"warning 3 must be below critical 2 (warning set in defaults at {inv}/defaults.yaml:45)"
    )


def test_conflict_with_a_tier_names_the_tier(inv: Path, fake_catalog: dict) -> None:
    # gold raises the ALB p99 warning; a site of that tier lowering critical below it is
    # reported at the site, naming the tier layer and its line in defaults.yaml.
    edit(inv / "defaults.yaml", "    escalation_loops: 3\n",
         "    escalation_loops: 3\n    thresholds:\n      alb:\n"
         "        target_response_time_p99: {warning: 2.4}\n")  # fmt: skip
    edit(inv / SHOP, "{warning: 1.5, critical: 3.0}", "{critical: 2.2}")
    file, _line, _col, path, message = only(inv)
    assert (file, path) == (
        SHOP, "resources.load_balancers[0].thresholds.target_response_time_p99.critical",
    )  # fmt: skip
    assert message == (
        f"warning 2.4 must be below critical 2.2 (warning set in tiers.gold at "
        f"{inv}/defaults.yaml:18): alb.target_response_time_p99 alarms when the value is above "
        "the level"
    )


def test_conflict_with_catalog_default(inv: Path, fake_catalog: dict) -> None:
    edit(inv / "sites/acme/b2b.yaml", "{warning: 70, critical: 90}", "{warning: 96}")
    _file, _line, _col, path, message = only(inv)
    assert path == "resources.ec2_instances[1].thresholds.cpu_utilization.warning"
    assert "(critical is the catalog default)" in message


# --------------------------------------------------------------------------- on-call coverage


def test_24x7_tier_needs_full_l1_coverage(inv: Path) -> None:
    edit(inv / BOOKING, "tier: bronze\n", "tier: gold\n")
    assert only(inv, PINNED) == (
        BOOKING, 8, 13, "owner_team",
        "team 'web' has nobody on call at L1 during tier 'gold' 24x7 (2026-01-05..2027-01-05): "
        "2026-01-05 00:00–07:00 UTC, "
        "2026-01-05..2026-03-26 Mon–Thu 17:00–07:00 next day UTC, "
        "2026-01-09..2026-03-20 weekly Fri 17:00–Mon 07:00 UTC, "
        "2026-03-27 17:00–2026-03-30 06:00 UTC, "
        "2026-03-30..2026-10-22 Mon–Thu 16:00–06:00 next day UTC, "
        "2026-04-03..2026-10-16 weekly Fri 16:00–Mon 06:00 UTC, "
        "2026-10-23 16:00–2026-10-26 07:00 UTC, "
        "2026-10-26..2026-12-31 Mon–Thu 17:00–07:00 next day UTC, "
        "2026-10-30..2027-01-01 weekly Fri 17:00–Mon 07:00 UTC, "
        "2027-01-04 17:00–24:00 UTC",
    )  # fmt: skip


def test_gap_in_follow_the_sun_is_named(inv: Path) -> None:
    # Shorten the Americas window to 6 h: 19:00-20:00 UTC is nobody's once New York is on
    # summer time (8 Mar), 19:00-21:00 once Sydney's 07:00 is 21:00 UTC (standard time from
    # 5 Apr, so from the evening of 4 Apr UTC) and back from 3 Oct UTC.
    edit(
        inv / "teams.yaml",
        '{start: "09:00", duration_minutes: 540}',
        '{start: "09:00", duration_minutes: 360}',
    )
    found = problems(inv, PINNED)
    ops_sites = {"sites/acme/shop.yaml", "sites/acme/b2b.yaml", "sites/nova/api.yaml"}
    assert {f for f, *_ in found} == {*ops_sites, "sites/nova/storefront.yaml"}
    assert found[0][1:] == (
        8,
        13,
        "owner_team",
        "team 'ops' has nobody on call at L1 during tier 'silver' 24x7 (2026-01-05..2027-01-05): "
        "2026-03-08..2026-04-03 daily 19:00–20:00 UTC, "
        "2026-04-04..2026-10-02 daily 19:00–21:00 UTC, "
        "2026-10-03..2026-10-31 daily 19:00–20:00 UTC",
    )


def test_business_hours_tier_needs_l1_during_support_hours(inv: Path) -> None:
    edit(inv / "defaults.yaml", 'start: "08:00"', 'start: "07:00"')
    found = problems(inv, PINNED)
    assert len(found) == 2  # both bistro sites
    assert found[0][4] == (
        "team 'web' has nobody on call at L1 during tier 'bronze' support hours "
        "(2026-01-05..2027-01-05): 2026-01-05..2026-03-27 Mon–Fri 06:00–07:00 UTC, "
        "2026-03-30..2026-10-23 Mon–Fri 05:00–06:00 UTC, "
        "2026-10-26..2027-01-01 Mon–Fri 06:00–07:00 UTC, 2027-01-04 06:00–07:00 UTC"
    )


# --------------------------------------------------------------------------- reporting


def test_all_problems_in_one_run_sorted(inv: Path) -> None:
    edit(inv / SHOP, "tier: gold\n", "tier: gold\ntier: gold\n")
    edit(inv / BOOKING, "owner_team: web\n", "owner_team: webb\n")
    edit(inv / "teams.yaml", "timezone: Australia/Sydney}", "timezone: Australia/Sidney}")
    with pytest.raises(InventoryError) as caught:
        load_inventory(inv)
    found = caught.value.problems
    assert [Path(p.file).name for p in found] == ["shop.yaml", "booking.yaml", "teams.yaml"] or (
        [p.file for p in found] == sorted(p.file for p in found)
    )
    assert len(found) == 3
    assert found == sorted(found)
    assert str(caught.value) == "\n".join(p.format() for p in found)


def test_problem_format() -> None:
    assert Problem("a.yaml", 3, 5, "aws.region", "bad").format() == "a.yaml:3:5: aws.region: bad"
    assert Problem("a.yaml", 1, 1, "", "empty").format() == "a.yaml:1:1: empty"


def test_tier_sla_above_the_policy_maximum_is_rejected(inv: Path) -> None:
    # escalation-within-sla (mandatory) rejects a first escalation after 30 min on a 24x7
    # tier (60 min otherwise); the tier's SLA is that delay, so validate checks it first.
    edit(inv / "defaults.yaml", "    response_sla_minutes: 15\n", "    response_sla_minutes: 45\n")
    file, _line, _col, path, message = only(inv)
    assert (file, path) == ("defaults.yaml", "tiers.silver.response_sla_minutes")
    assert message.startswith(
        "response_sla_minutes 45 is above 30, the longest first escalation the mandatory policy "
        "escalation-within-sla allows for a 24x7 tier (maxFirstEscalationMinutes)"
    )
    edit(inv / "defaults.yaml", "    response_sla_minutes: 45\n", "    response_sla_minutes: 30\n")
    edit(inv / "defaults.yaml", "    response_sla_minutes: 60\n", "    response_sla_minutes: 61\n")
    file, _line, _col, path, message = only(inv)
    assert path == "tiers.bronze.response_sla_minutes"
    assert "above 60" in message and "business-hours tier" in message
