"""The botocore-model walker: each constraint kind the models carry is enforced."""

from __future__ import annotations

from vigil.aws import shapes


def alarm(**extra):
    return {
        "AlarmName": "a",
        "EvaluationPeriods": 1,
        "ComparisonOperator": "GreaterThanThreshold",
        "MetricName": "CPUUtilization",
        "Namespace": "AWS/EC2",
        "Statistic": "Average",
        "Period": 60,
        "Threshold": 1.0,
        **extra,
    }


def where(found):
    return sorted(b.where for b in found)


def test_valid_call_passes():
    assert shapes.check_call("cloudwatch", "PutMetricAlarm", alarm()) == []


def test_string_lengths_enums_patterns():
    found = shapes.check_call(
        "cloudwatch", "PutMetricAlarm",
        alarm(AlarmDescription="x" * 1025, Statistic="Median", Namespace=":bad"),
    )
    assert where(found) == ["AlarmDescription", "Namespace", "Statistic"]
    assert all("botocore cloudwatch" in b.citation for b in found)
    assert "shape AlarmDescription" in found[0].citation or any(
        "AlarmDescription" in b.citation for b in found
    )


def test_list_length_and_nested_members():
    dims = [{"Name": f"d{i}", "Value": "v"} for i in range(31)]
    found = shapes.check_call("cloudwatch", "PutMetricAlarm", alarm(Dimensions=dims))
    assert where(found) == ["Dimensions"]
    found = shapes.check_call(
        "cloudwatch", "PutMetricAlarm", alarm(Dimensions=[{"Name": "InstanceId", "Value": ""}])
    )
    assert where(found) == ["Dimensions[0].Value"]


def test_required_unknown_members_and_types():
    found = shapes.check_call(
        "cloudwatch", "PutMetricAlarm", {"EvaluationPeriods": "3", "Bogus": 1}
    )
    messages = {b.where: b.message for b in found}
    assert messages["AlarmName"] == "is required"
    assert "not a member" in messages["(input)"]
    assert "integer" in messages["EvaluationPeriods"]


def test_numeric_ranges_and_route53_tag_count():
    config = {"Type": "HTTPS", "RequestInterval": 5, "FailureThreshold": 11,
              "ResourcePath": "/" + "p" * 255}
    found = shapes.check_call(
        "route53", "CreateHealthCheck", {"CallerReference": "r", "HealthCheckConfig": config}
    )
    assert where(found) == [
        "HealthCheckConfig.FailureThreshold",
        "HealthCheckConfig.RequestInterval",
        "HealthCheckConfig.ResourcePath",
    ]
    tags = [{"Key": f"k{i}", "Value": "v"} for i in range(11)]
    found = shapes.check_call(
        "route53", "ChangeTagsForResource",
        {"ResourceType": "healthcheck", "ResourceId": "x", "AddTags": tags},
    )
    assert [(b.where, "at most 10" in b.message) for b in found] == [("AddTags", True)]


def test_opaque_values_are_skipped():
    found = shapes.check_call(
        "cloudwatch", "PutMetricAlarm", alarm(AlarmDescription="?" * 2000),
        opaque=lambda v: isinstance(v, str) and v.startswith("?"),
    )
    assert found == []


def test_map_keys_checked_against_enum():
    found = shapes.check_call(
        "sqs", "CreateQueue", {"QueueName": "q", "Attributes": {"NotAnAttribute": "1"}}
    )
    assert len(found) == 1 and "not one of" in found[0].message
