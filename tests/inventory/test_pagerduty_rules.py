"""Each PagerDuty provider/API rule: the inventory mistake is reported at its line (exit 2).

The rules and their sources are in ``vigil.pagerduty.rules``; here every rule the inventory
can break is broken once in a copy of the example inventory, and the problem must point at the
file, line and field that holds the value.
"""

from __future__ import annotations

from pathlib import Path

from tests.inventory.util import edit, only, problems
from vigil.cli import main

TEAMS = "teams.yaml"
DEFAULTS = "defaults.yaml"
SHOP = "sites/acme/shop.yaml"


def test_schedule_time_zone_utc_suggests_etc_utc(inv: Path) -> None:
    edit(inv / TEAMS, "        timezone: Etc/UTC\n", "        timezone: UTC\n")
    file, line, col, path, message = only(inv)
    assert (file, line, col) == (TEAMS, 21, 19)
    assert path == "teams.ops.schedules.l1-follow-the-sun.timezone"
    assert "time zone 'UTC' is not one PagerDuty accepts" in message
    assert "did you mean 'Etc/UTC'?" in message
    assert "util/util.go ValidateTZValueDiagFunc" in message  # the rule names its source


def test_layer_time_zone_not_on_the_provider_list(inv: Path) -> None:
    edit(inv / TEAMS, "            timezone: America/New_York\n",
         "            timezone: America/Toronto\n")
    file, line, _col, path, message = only(inv)
    assert (file, line) == (TEAMS, 40)
    assert path == "teams.ops.schedules.l1-follow-the-sun.layers[2].timezone"
    # a zone with the same clock, from the provider's list
    assert "'America/Toronto' is not one PagerDuty accepts" in message
    assert "did you mean 'America/New_York'?" in message


def test_support_hours_time_zone(inv: Path) -> None:
    edit(inv / DEFAULTS, "      timezone: Europe/Berlin\n", "      timezone: Europe/Oslo\n")
    found = [p for p in problems(inv) if p[0] == DEFAULTS]
    [(_file, line, _col, path, message)] = found
    assert (line, path) == (28, "tiers.bronze.support_hours.timezone")
    assert "'Europe/Oslo' is not one PagerDuty accepts" in message


def test_daily_restriction_of_a_whole_day(inv: Path) -> None:
    edit(inv / TEAMS, '{start: "06:00", duration_minutes: 540}',
         '{start: "06:00", duration_minutes: 1440}')
    found = [p for p in problems(inv) if p[0] == TEAMS]
    [(_file, line, _col, path, message)] = found
    assert line == 38
    assert path == (
        "teams.ops.schedules.l1-follow-the-sun.layers[1].restrictions[0].duration_minutes"
    )
    assert "daily restriction of 86400 s is not shorter than a day" in message


def test_weekly_restriction_of_a_whole_week(inv: Path) -> None:
    edit(inv / TEAMS, '{start: "08:00", duration_minutes: 600, days: [mon, tue, wed, thu, fri]}',
         '{start: "08:00", duration_minutes: 10080, days: [mon]}')
    found = [p for p in problems(inv) if p[0] == TEAMS]
    [(_file, _line, _col, path, message)] = found
    assert path == "teams.web.schedules.office-hours.layers[0].restrictions[0].duration_minutes"
    assert "longer than 604799 s" in message


def test_team_name_with_forbidden_characters(inv: Path) -> None:
    edit(inv / TEAMS, "    name: Agency Operations\n", "    name: Agency Ops & Support\n")
    found = [p for p in problems(inv) if p[0] == TEAMS]
    [(_file, line, _col, path, message)] = found
    assert (line, path) == (6, "teams.ops.name")
    assert "contains &" in message and "escalation_policy.go" in message


def test_escalation_loops_above_nine(inv: Path) -> None:
    edit(inv / DEFAULTS, "    escalation_loops: 3\n", "    escalation_loops: 12\n")
    [(_file, line, _col, path, message)] = [p for p in problems(inv) if p[0] == DEFAULTS]
    assert path == "tiers.gold.escalation_loops" and line == 15
    # the schema already bounds loops to the provider's IntBetween(0, 9): one problem, not two
    assert message == "12 is greater than the maximum of 9"


def test_site_name_with_a_control_character(inv: Path) -> None:
    edit(inv / SHOP, "name: ACME Shop (Magento)\n", 'name: "ACME Shop\\u0007"\n')
    file, line, _col, path, message = only(inv)
    assert (file, line, path) == (SHOP, 5, "name")
    assert "non-printable" in message


def test_l1_delay_longer_than_the_sla_is_rejected(inv: Path) -> None:
    edit(inv / TEAMS, "        schedule: l1-follow-the-sun\n",
         "        schedule: l1-follow-the-sun\n        delay_minutes: 10\n")
    found = problems(inv)
    gold = sorted(p for p in found if p[0] in (SHOP, "sites/nova/storefront.yaml"))
    assert len(found) == len(gold) == 2  # gold (SLA 5) sites; silver's 15 min is fine
    assert gold[0][3] == "tier"
    assert "L1 delay_minutes 10 exceeds tier 'gold' response SLA of 5 min" in gold[0][4]


def test_cli_exit_2_with_the_line(inv: Path, capsys) -> None:
    edit(inv / TEAMS, "        timezone: Etc/UTC\n", "        timezone: UTC\n")
    assert main(["validate", str(inv)]) == 2
    out = capsys.readouterr()
    assert f"{inv}/teams.yaml:21:19: teams.ops.schedules.l1-follow-the-sun.timezone:" in (
        out.out + out.err
    )
