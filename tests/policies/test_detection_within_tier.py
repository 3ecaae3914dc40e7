"""detection-within-tier: hand-computed worst cases against the site's detectionMinutes.

The fixture's URL alarm: HealthCheckStatus, period 60, 3 of 5; its health check sends no
interval or threshold, so Route 53's defaults apply (30 s × 3):
90 (checks) + 60 (align) + 3 × 60 + 60 (ingestion) + 60 (evaluation) = 450 s = 7.5 min.
"""

from policies import graph as g

NAME = "detection-within-tier"


def _site(stack, minutes):
    stack.inputs("acme-shop", g.SITE)["detectionMinutes"] = minutes


def test_passes_at_the_worst_case(stack, run):
    _site(stack, 7.5)
    assert run(NAME, stack.resources()) == []


def test_url_alarm_slower_than_the_tier(stack, run):
    _site(stack, 7)
    [v] = run(NAME, stack.resources())
    assert v.level == "mandatory"
    assert v.urn.endswith("::acme-shop-url-home-health-critical")
    assert "reaches ALARM only after 7.5 min" in v.message
    assert (
        "Route 53 checks 90 s + align 60 s + 3×60 s + ingestion 60 s + evaluation 60 s = 7.5 min"
        in v.message
    )
    assert "detection_minutes of 7" in v.message


def test_health_check_timing_is_read_from_the_check(stack, run):
    # 10 s × 1 check: 10 + 60 + 180 + 60 + 60 = 370 s = 6.17 min, inside 7
    _site(stack, 7)
    check = stack.inputs("acme-shop-url-home", g.HEALTH_CHECK)
    check.update(requestInterval=10, failureThreshold=1)
    alarm = stack.inputs("acme-shop-url-home-health-critical")
    alarm["dimensions"] = {"HealthCheckId": "acme-shop-url-home-id"}
    assert run(NAME, stack.resources()) == []
    check["failureThreshold"] = 4  # 40 + 360 = 400 s = 6.67 min: still inside
    assert run(NAME, stack.resources()) == []
    check["requestInterval"] = 30  # 120 + 360 = 480 s = 8 min
    [v] = run(NAME, stack.resources())
    assert "reaches ALARM only after 8 min" in v.message


def test_five_minute_periods_and_datapoints(stack, run):
    # period 300, 2 of 5: 90 + 300 + 2 × 300 + 60 + 60 = 1110 s = 18.5 min
    _site(stack, 18)
    alarm = stack.inputs("acme-shop-url-home-health-critical")
    alarm.update(period=300, datapointsToAlarm=2)
    [v] = run(NAME, stack.resources())
    assert "after 18.5 min" in v.message and "2×300 s" in v.message
    _site(stack, 18.5)
    assert run(NAME, stack.resources()) == []


def test_warnings_and_non_availability_alarms_are_not_held_to_it(stack, run):
    _site(stack, 1)
    alarm = stack.inputs("acme-shop-url-home-health-critical")
    alarm["tags"][g.TAG_SEVERITY] = "warning"
    # the ALB 5xx critical alarm is not an availability alarm: not held either
    assert run(NAME, stack.resources()) == []


def test_default_target_without_the_prop(stack, run):
    stack.inputs("acme-shop-url-home-health-critical")["period"] = 120  # 90+120+360+120 = 11.5
    assert run(NAME, stack.resources()) == []  # within the default 15
    [v] = run(NAME, stack.resources(), {NAME: {"defaultDetectionMinutes": 11}})
    assert "after 11.5 min" in v.message


def test_unknown_period_is_advisory(stack, run):
    _site(stack, 7)
    stack.inputs("acme-shop-url-home-health-critical")["period"] = g.UNKNOWN
    [v] = run(NAME, stack.resources())
    assert v.level == "advisory" and "period and datapoints" in v.message
