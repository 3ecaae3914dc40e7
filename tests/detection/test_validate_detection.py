"""`vigil validate`: a tier whose alarm timing cannot meet its detection_minutes, at its line.

Worst cases by hand (catalog availability signals, slowest first): the URL check at 60 s ×
3 of 5 is 90 + 60 + 180 + 60 + 60 = 450 s = 7.5 min; at 300 s × 3 of 5 it is
90 + 300 + 900 + 60 + 60 = 1410 s = 23.5 min.
"""

from __future__ import annotations

from tests.inventory.util import edit, only
from vigil.inventory import load_inventory

DEFAULTS = "defaults.yaml"


def test_example_tiers_and_their_targets(inv):
    tiers = load_inventory(inv).tiers
    assert {n: t.detection_minutes for n, t in tiers.items()} == {
        "gold": 10, "silver": 15, "bronze": 30,
    }  # fmt: skip


def test_target_below_the_url_worst_case(inv):
    edit(inv / DEFAULTS, "    detection_minutes: 10 ", "    detection_minutes: 7 ")
    file, line, col, path, message = only(inv)
    assert (file, line, col, path) == (DEFAULTS, 16, 24, "tiers.gold.detection_minutes")
    assert message.startswith(
        "tier gold: detection_minutes 7 is below the worst case of its availability alarm "
        "url.health_check_status: Route 53 checks 90 s + align 60 s + 3×60 s + ingestion 60 s "
        "+ evaluation 60 s = 7.5 min (alarm timing 60 s × 3 of 5, set at "
    )
    assert f"{inv}/defaults.yaml:5)" in message  # the global alarm block
    assert "detection-within-tier" in message


def test_tier_alarm_timing_too_slow_for_its_target(inv):
    edit(inv / DEFAULTS, "    escalation_loops: 2\n",
         "    escalation_loops: 2\n    alarm: {period_seconds: 300}\n")  # fmt: skip
    file, line, _col, path, message = only(inv)
    assert (file, line, path) == (DEFAULTS, 22, "tiers.silver.detection_minutes")
    assert "= 23.5 min (alarm timing 300 s × 3 of 5, set at " in message
    assert f"{inv}/defaults.yaml:21)" in message


def test_top_level_default_cascades_into_tiers(inv):
    edit(inv / DEFAULTS, "    detection_minutes: 15  # + 15 min SLA: 30 min\n", "")
    edit(inv / DEFAULTS, "alarm:\n", "detection_minutes: 12\nalarm:\n")
    tiers = load_inventory(inv).tiers
    assert tiers["silver"].detection_minutes == 12  # from the top level
    assert tiers["gold"].detection_minutes == 10  # its own wins
    edit(inv / DEFAULTS, "detection_minutes: 12\n", "detection_minutes: 6\n")
    file, line, col, path, message = only(inv)
    assert (file, line, col, path) == (DEFAULTS, 4, 20, "detection_minutes")
    assert message.startswith("tier silver: detection_minutes 6 is below")


def test_built_in_default_when_nothing_sets_it(inv):
    edit(inv / DEFAULTS, "    detection_minutes: 15  # + 15 min SLA: 30 min\n", "")
    assert load_inventory(inv).tiers["silver"].detection_minutes == 15
    edit(inv / DEFAULTS, "  period_seconds: 60\n", "  period_seconds: 120\n")
    # 90 + 120 + 360 + 120 = 690 s = 11.5 min: within 15 and 30, above gold's 10
    _file, _line, _col, path, message = only(inv)
    assert path == "tiers.gold.detection_minutes" and "= 11.5 min" in message


def test_schema_rejects_a_zero_target(inv):
    edit(inv / DEFAULTS, "    detection_minutes: 10 ", "    detection_minutes: 0 ")
    _file, line, _col, path, message = only(inv)
    assert (line, path) == (16, "tiers.gold.detection_minutes")
    assert "less than the minimum of 1" in message or "minimum" in message
