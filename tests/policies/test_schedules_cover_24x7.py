"""schedules-cover-24x7."""

from policy_fixtures import build_stack, follow_the_sun_layers

from policies import graph as g
from policies import schedules_cover_24x7 as policy

NAME = "schedules-cover-24x7"
L1 = "ops-l1-follow-the-sun"
PINNED = {NAME: {"planDate": "2026-01-05"}}
"""The plan date pinned (the fixture layers start that Monday); the CLI uses today."""


def test_passes(stack, run):
    assert run(NAME, stack.resources()) == []


def test_gap_is_reported_with_windows(stack, run):
    stack.inputs(L1)["layers"] = follow_the_sun_layers(gap=True)
    [v] = run(NAME, stack.resources(), PINNED)
    assert v.level == "mandatory" and v.urn.endswith(f"::{L1}")
    assert "(2026-01-05..2027-01-05): 2026-01-05..2027-01-04 daily 01:00–02:00 UTC." in v.message
    assert "acme-shop" in v.message and "ops-gold" in v.message
    assert "inventory/teams.yaml" in v.message


def test_weekly_restrictions_and_schedule_timezone(stack, run):
    """Mon–Fri office hours in Berlin leave the weekend and nights uncovered."""
    stack.inputs(L1)["timeZone"] = "Europe/Berlin"
    stack.inputs(L1)["layers"] = [{
        "name": "weekdays", "users": ["u1"], "rotationTurnLengthSeconds": 86400,
        "start": "2026-01-05T08:00:00+01:00", "rotationVirtualStart": "2026-01-05T08:00:00+01:00",
        "restrictions": [
            {"type": "weekly_restriction", "startDayOfWeek": d, "startTimeOfDay": "08:00:00",
             "durationSeconds": 36000} for d in range(1, 6)
        ],
    }]
    [v] = run(NAME, stack.resources(), PINNED)
    # 08:00-18:00 Berlin is 07:00-17:00 UTC in winter, 06:00-16:00 UTC in summer
    assert "2026-01-09..2026-03-20 weekly Fri 17:00–Mon 07:00 UTC" in v.message
    assert "2026-04-03..2026-10-16 weekly Fri 16:00–Mon 06:00 UTC" in v.message


def test_business_hours_sites_are_exempt(run):
    stack = build_stack((("bistro-booking", "bistro", "bronze"),))
    stack.inputs(L1)["layers"] = follow_the_sun_layers(gap=True)
    assert run(NAME, stack.resources()) == []


def test_layer_without_users_covers_nothing(stack, run):
    layers = follow_the_sun_layers()
    layers[1]["users"] = []
    stack.inputs(L1)["layers"] = layers
    [v] = run(NAME, stack.resources(), PINNED)
    assert "2026-01-05..2027-01-04 daily 09:00–16:00 UTC" in v.message


def test_layer_start_and_end_are_honoured(stack, run):
    layers = follow_the_sun_layers()
    layers[1]["start"] = "2026-02-02T00:00:00Z"  # EMEA joins four weeks after the plan date
    stack.inputs(L1)["layers"] = layers
    [v] = run(NAME, stack.resources(), PINNED)
    assert "2026-01-05..2026-02-01 daily 09:00–16:00 UTC." in v.message
    layers[1]["start"], layers[2]["end"] = "2026-01-05T00:00:00Z", "2026-06-01T00:00:00Z"
    [v] = run(NAME, stack.resources(), PINNED)
    assert "2026-06-01..2027-01-04 daily 17:00–24:00 UTC" in v.message


def test_horizon_is_configurable(stack, run):
    layers = follow_the_sun_layers()
    layers[2]["end"] = "2026-06-01T00:00:00Z"
    stack.inputs(L1)["layers"] = layers
    assert run(NAME, stack.resources(), {NAME: {"planDate": "2026-01-05",
                                                "horizonMonths": 3}}) == []


def test_falls_back_to_team_policy_when_link_unresolved(stack, run):
    stack.inputs("acme-shop-service")["escalationPolicy"] = g.UNKNOWN
    stack.inputs(L1)["layers"] = follow_the_sun_layers(gap=True)
    [v] = run(NAME, stack.resources())
    assert v.level == "mandatory" and "ops-gold" in v.message


def test_unknown_schedule_is_advisory(stack, run):
    stack.inputs("ops-gold")["rules"][0]["targets"][0]["id"] = g.UNKNOWN
    [v] = run(NAME, stack.resources())
    assert v.level == "advisory" and "first rule of escalation policy ops-gold" in v.message
    stack.inputs("ops-gold")["rules"][0]["targets"][0]["id"] = "ops-l1-follow-the-sun-id"
    stack.inputs(L1)["layers"] = g.UNKNOWN_ARRAY_VALUE
    [v] = run(NAME, stack.resources())
    assert v.level == "advisory" and f"layers of schedule {L1}" in v.message


def test_schedule_model_maps_pagerduty_layers():
    from policies.evaluate import resources_from_records

    [res] = resources_from_records([{
        "urn": "urn:pulumi:dev::vigil::pagerduty:index/schedule:Schedule::s",
        "type": g.PD_SCHEDULE, "name": "s",
        "inputs": {"timeZone": "America/New_York", "layers": [{
            "name": "nights", "users": ["a", "b"], "rotationTurnLengthSeconds": 86400,
            "rotationVirtualStart": "2026-01-05T00:00:00-05:00",
            "restrictions": [{"type": "weekly_restriction", "startDayOfWeek": 7,
                              "startTimeOfDay": "22:30:00", "durationSeconds": 3600}],
        }]},
    }])
    model = policy.schedule_model(res)
    [layer] = model.layers
    assert layer.timezone == "America/New_York" and layer.rotation == "daily"
    [r] = layer.restrictions
    assert (r.start, r.duration_minutes, r.days) == ("22:30", 60, ("sun",))


def test_site_component_hiding_support_hours_is_a_violation(stack, run):
    stack.get("acme-shop", g.SITE)["inputs"] = {"serviceId": "x"}
    [v] = run(NAME, stack.resources())
    assert v.level == "mandatory" and "does not expose support24x7" in v.message
