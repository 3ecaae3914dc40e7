"""Worst case from a failure to ALARM, term by term, against numbers worked out by hand."""

from __future__ import annotations

import pytest

from vigil.detection import publication as pub
from vigil.detection.alarm_time import AlarmTiming, HealthCheckTiming, worst_case
from vigil.detection.inputs import alarm_timing


def timing(**changes) -> AlarmTiming:
    base = dict(name="a", namespace="AWS/ApplicationELB", metric="UnHealthyHostCount",
                period=60, evaluation_periods=5, datapoints_to_alarm=3)  # fmt: skip
    return AlarmTiming(**{**base, **changes})


def test_one_minute_alarm_three_of_five():
    # align 60 + 3 × 60 + ingestion 60 + evaluation 60 = 360 s
    b = worst_case(timing())
    assert (b.checks, b.align, b.breaching, b.ingestion, b.evaluation) == (0, 60, 180, 60, 60)
    assert b.seconds == 360 and b.minutes == 6
    assert b.formula() == "align 60 s + 3×60 s + ingestion 60 s + evaluation 60 s = 6 min"


def test_route53_checks_come_first():
    # 30 s × 3 checks = 90, then the 360 s of the alarm: 450 s = 7.5 min
    b = worst_case(timing(namespace="AWS/Route53", metric="HealthCheckStatus",
                          health_check=HealthCheckTiming(30, 3)))  # fmt: skip
    assert b.checks == 90 and b.seconds == 450 and b.minutes == 7.5
    assert b.formula().startswith("Route 53 checks 90 s + align 60 s")


def test_datapoints_above_evaluation_periods_are_capped():
    # CloudWatch rejects it; the arithmetic still never asks for more than N datapoints
    assert worst_case(timing(evaluation_periods=2, datapoints_to_alarm=5)).breaching == 120


def test_five_minute_ec2_metric_is_looked_at_per_published_interval():
    # basic monitoring, a 60 s alarm: each datapoint spans 300 s:
    # 300 + 3 × 300 + 60 + 60 = 1320 s = 22 min
    basic = timing(namespace="AWS/EC2", metric="CPUUtilization", detailed_monitoring=False)
    b = worst_case(basic)
    assert b.period == 300 and b.seconds == 1320 and b.minutes == 22
    detailed = worst_case(timing(namespace="AWS/EC2", metric="CPUUtilization",
                                 detailed_monitoring=True))  # fmt: skip
    assert detailed.seconds == 360
    # status checks are one-minute metrics even with basic monitoring
    status = timing(namespace="AWS/EC2", metric="StatusCheckFailed_System",
                    detailed_monitoring=False)  # fmt: skip
    assert worst_case(status).seconds == 360
    # a recorded alarm does not say which: its own period is trusted
    assert worst_case(timing(namespace="AWS/EC2", metric="CPUUtilization")).seconds == 360


def test_high_resolution_period_is_evaluated_every_10_seconds_on_one_minute_data():
    # a 10 s alarm on a one-minute metric still waits for one-minute datapoints:
    # 60 + 3 × 60 + 60 + 10 = 310 s
    b = worst_case(timing(period=10))
    assert (b.period, b.evaluation, b.seconds) == (60, 10, 310)


def test_unknown_namespace_is_budgeted_as_five_minute_data():
    b = worst_case(timing(namespace="Custom/Thing", metric="x"))
    assert b.period == 300 and b.seconds == 300 + 900 + 120
    assert "not in vigil's table" in pub.source("Custom/Thing")


def test_every_catalog_namespace_has_a_cited_publication_interval():
    from vigil import catalog

    for rtype in catalog.resource_types():
        for signal in catalog.signals(rtype):
            assert signal.namespace in pub.PUBLICATION, (rtype, signal.key)
            assert "'" in pub.source(signal.namespace)  # a named AWS page


@pytest.mark.parametrize(
    ("inputs", "check", "seconds"),
    [
        ({"period": 60, "evaluationPeriods": 5, "datapointsToAlarm": 3,
          "namespace": "AWS/RDS", "metricName": "ReplicaLag"}, None, 360),
        # no datapointsToAlarm: CloudWatch uses evaluationPeriods (5 × 60)
        ({"period": 60, "evaluationPeriods": 5, "namespace": "AWS/RDS"}, None, 480),
        # URL alarm, check with its own interval and threshold: 10 × 2 + 360
        ({"period": 60, "evaluationPeriods": 5, "datapointsToAlarm": 3,
          "namespace": "AWS/Route53", "metricName": "HealthCheckStatus"},
         {"requestInterval": 10, "failureThreshold": 2}, 380),
        # URL alarm, check sends neither: Route 53's defaults 30 × 3
        ({"period": 60, "evaluationPeriods": 5, "datapointsToAlarm": 3,
          "namespace": "AWS/Route53", "metricName": "HealthCheckStatus"}, {}, 450),
    ],
)  # fmt: skip
def test_timing_from_recorded_inputs(inputs, check, seconds):
    found = alarm_timing("x", inputs, check)
    assert found is not None and worst_case(found).seconds == seconds


def test_unknown_inputs_give_no_timing():
    unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
    inputs = {"period": unknown, "evaluationPeriods": 5, "namespace": "AWS/RDS"}
    assert alarm_timing("x", inputs) is None
