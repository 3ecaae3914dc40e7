"""Pure catalog tests: signals per type, cascade results per tier/override, placement, actions."""

from __future__ import annotations

from dataclasses import replace

import pytest

from vigil import catalog
from vigil.catalog import ec2
from vigil.catalog.alarms import alarms_for_site
from vigil.catalog.ec2 import Ec2Instance
from vigil.models import ResourceType, Threshold, frozen_map

GRAFANA = "https://grafana.agency.example"

REQUIRED = {
    ResourceType.ALB: {
        "HTTPCode_ELB_5XX_Count", "HTTPCode_Target_5XX_Count", "TargetResponseTime",
        "RejectedConnectionCount",
    },
    ResourceType.TARGET_GROUP: {"UnHealthyHostCount", "HealthyHostCount"},
    ResourceType.EC2: {"CPUUtilization", "StatusCheckFailed_System", "StatusCheckFailed_Instance"},
    ResourceType.ASG: {"GroupInServiceInstances"},
    ResourceType.RDS: {
        "CPUUtilization", "FreeStorageSpace", "FreeableMemory", "DatabaseConnections", "ReplicaLag",
    },
    ResourceType.AURORA: {
        "CPUUtilization", "FreeLocalStorage", "FreeableMemory", "DatabaseConnections",
        "AuroraReplicaLag",
    },
    ResourceType.ELASTICACHE: {
        "EngineCPUUtilization", "DatabaseMemoryUsagePercentage", "Evictions", "CurrConnections",
        "SwapUsage",
    },
    ResourceType.CLOUDFRONT: {"5xxErrorRate", "4xxErrorRate"},
    ResourceType.OPENSEARCH: {
        "ClusterStatus.red", "ClusterStatus.yellow", "FreeStorageSpace", "JVMMemoryPressure",
        "CPUUtilization",
    },
    ResourceType.URL: {"HealthCheckStatus"},
}


@pytest.mark.parametrize("rtype", catalog.resource_types())
def test_every_resource_type_has_its_default_signals(rtype):
    """Types pinned here keep their metrics; newer types pin theirs in their own test."""
    metrics = {s.metric for s in catalog.signals(rtype)}
    assert metrics
    assert REQUIRED.get(rtype, set()) <= metrics
    for s in catalog.signals(rtype):
        assert s.default.warning is not None or s.default.critical is not None, s.key
        if s.availability:
            assert s.treat_missing_data == "breaching", s.key


def by_name(site, grafana=GRAFANA):
    return {a.name: a for a in alarms_for_site(site, grafana)}


def test_alarm_specs_are_sorted_deterministic_and_named(inventory):
    for site in inventory.sites:
        specs = alarms_for_site(site, GRAFANA)
        assert [a.name for a in specs] == sorted(a.name for a in specs)
        assert specs == alarms_for_site(site, GRAFANA)
        for a in specs:
            assert a.name.startswith(f"{site.id}-") and a.name.endswith(f"-{a.severity}")
            assert (a.statistic is None) != (a.extended_statistic is None)
            assert site.id in a.description and a.severity in a.description
            assert site.runbook_url in a.description
            assert f"{GRAFANA}/d/vigil-{site.id}/{site.id}" in a.description
            assert a.tags["vigil:site"] == site.id and a.tags["managed-by"] == "vigil"
            assert a.tags["vigil:severity"] == a.severity
            assert (a.tags.get("vigil:availability") == "true") == a.availability
            assert 1 <= a.datapoints_to_alarm <= a.evaluation_periods


def test_thresholds_follow_cascade_tier_site_and_resource(inventory):
    b2b = by_name(inventory.site("acme-b2b"))
    # defaults.yaml: alb.elb_5xx_rate 0.5/2 (percent of requests)
    assert b2b["acme-b2b-alb-acme-b2b-elb-5xx-rate-warning"].threshold == 0.5
    assert b2b["acme-b2b-alb-acme-b2b-elb-5xx-rate-critical"].threshold == 2
    # silver tier: p99 2.0/4.0, as an extended statistic
    p99 = b2b["acme-b2b-alb-acme-b2b-target-response-time-p99-critical"]
    assert (p99.threshold, p99.extended_statistic, p99.statistic) == (4.0, "p99", None)
    # resource override on the second instance only; catalog default on the first
    assert b2b["acme-b2b-ec2-i-0a1b2c3d4e5f60719-cpu-utilization-warning"].threshold == 70
    assert b2b["acme-b2b-ec2-i-0a1b2c3d4e5f60719-cpu-utilization-critical"].threshold == 90
    assert b2b["acme-b2b-ec2-i-0a1b2c3d4e5f60718-cpu-utilization-critical"].threshold == 95
    # defaults.yaml rds free storage (bytes, LessThan)
    storage = b2b["acme-b2b-rds-acme-b2b-db-free-storage-bytes-critical"]
    assert (storage.threshold, storage.comparison) == (2147483648, "LessThanThreshold")

    shop = by_name(inventory.site("acme-shop"))
    # resource override beats the (gold) tier
    assert shop["acme-shop-alb-acme-shop-prod-target-response-time-p99-warning"].threshold == 1.5
    # site override of elasticache memory
    mem = "acme-shop-elasticache-acme-shop-redis-001-database-memory-usage-percent-critical"
    assert shop[mem].threshold == 90
    # ASG: below the group's minimum (2 in service)
    asg = shop["acme-shop-asg-acme-shop-web-in-service-instances-critical"]
    assert (asg.metric, asg.threshold, asg.comparison) == (
        "GroupInServiceInstances", 2, "LessThanThreshold",
    )
    assert asg.dimensions == {"AutoScalingGroupName": "acme-shop-web"}

    bistro = by_name(inventory.site("bistro-website"))  # bronze tier ec2 override
    assert bistro["bistro-website-ec2-i-07f3e2d1c0b9a8f76-cpu-utilization-warning"].threshold == 85
    assert bistro["bistro-website-ec2-i-07f3e2d1c0b9a8f76-cpu-utilization-critical"].threshold == 98

    api = by_name(inventory.site("nova-api"))
    assert api["nova-api-aurora-nova-orders-cpu-utilization-critical"].threshold == 85


def test_dimensions_and_placement(inventory):
    shop = by_name(inventory.site("acme-shop"))
    tg = shop["acme-shop-target-group-acme-shop-varnish-healthy-host-count-critical"]
    assert tg.dimensions == {
        "LoadBalancer": "app/acme-shop-prod/50dc6c495c0c9188",
        "TargetGroup": "targetgroup/acme-shop-varnish/73e2d6bc24d8a067",
    }
    assert tg.treat_missing_data == "breaching" and tg.availability

    front = alarms_for_site(inventory.site("nova-storefront"))
    cf = [a for a in front if a.resource_type is ResourceType.CLOUDFRONT]
    assert {(a.metric, a.severity) for a in cf} == {
        ("5xxErrorRate", "critical"), ("4xxErrorRate", "warning"),
    }
    for a in cf:
        assert a.dimensions == {"DistributionId": "E2QWRUHAPOMQZL", "Region": "Global"}
        assert a.global_region and a.region == "us-east-1"
    os_red = next(a for a in front if a.metric == "ClusterStatus.red")
    assert os_red.severity == "critical" and os_red.availability
    assert os_red.dimensions == {"ClientId": "222222222222", "DomainName": "nova-catalog"}
    assert next(a for a in front if a.metric == "ClusterStatus.yellow").severity == "warning"
    lag = [a for a in front if a.metric == "AuroraReplicaLag"]
    assert lag and all(a.dimensions["Role"] == "READER" for a in lag)
    for a in front:
        if a.resource_type not in (ResourceType.CLOUDFRONT, ResourceType.URL):
            assert a.region == "eu-central-1" and not a.global_region

    for site in inventory.sites:
        for a in alarms_for_site(site):
            if a.resource_type is ResourceType.URL:
                assert a.region == "us-east-1" and a.namespace == "AWS/Route53"


def test_url_only_site_still_gets_health_alarm(inventory):
    booking = alarms_for_site(inventory.site("bistro-booking"))
    status = [a for a in booking if a.metric == "HealthCheckStatus"]
    assert len(status) == 1
    assert status[0].severity == "critical" and status[0].treat_missing_data == "breaching"
    assert status[0].comparison == "LessThanThreshold" and status[0].threshold == 1


def test_replica_lag_watches_each_replica_not_the_primary(inventory):
    site = inventory.site("acme-shop")
    db = site.resources.rds_instances[0]
    assert db.replicas == ("acme-shop-db-replica-1", "acme-shop-db-replica-2") and db.has_replicas
    specs = alarms_for_site(site)
    lag = [a for a in specs if a.signal_key == "replica_lag_seconds"]
    assert {(a.dimensions["DBInstanceIdentifier"], a.severity) for a in lag} == {
        (replica, severity) for replica in db.replicas for severity in ("warning", "critical")
    }
    # MySQL: ReplicaLag = -1 when replication stopped, a critical of its own on each replica
    stopped = [a for a in specs if a.signal_key == "replication_stopped"]
    found = {(a.resource_id, a.severity, a.comparison, a.threshold, a.statistic) for a in stopped}
    assert found == {
        (replica, "critical", "LessThanThreshold", 0, "Minimum") for replica in db.replicas
    }
    for a in lag:
        assert dict(a.dimensions) == {"DBInstanceIdentifier": a.resource_id}
        assert a.name == f"acme-shop-rds-{a.resource_id}-replica-lag-seconds-{a.severity}"
        # the primary's resolved thresholds (catalog default 60 s / 300 s)
        level = db.thresholds["replica_lag_seconds"]
        assert a.threshold == getattr(level, a.severity)
        assert a.region == site.aws_region and a.namespace == "AWS/RDS"
    primary = [a for a in specs if a.dimensions.get("DBInstanceIdentifier") == "acme-shop-db"]
    assert {a.metric for a in primary} == {
        "CPUUtilization", "FreeStorageSpace", "FreeableMemory", "DatabaseConnections",
        "ReadLatency", "WriteLatency", "DiskQueueDepth",
    }  # fmt: skip
    # replicas: lag, stopped replication, CPU and storage (instance-class independent), and the
    # heartbeat: a replica reports CPU while it exists (tests/alertpath/test_heartbeat.py)
    for replica in db.replicas:
        on_replica = [a for a in specs if a.dimensions.get("DBInstanceIdentifier") == replica]
        assert {a.signal_key for a in on_replica} == {
            "replica_lag_seconds", "replication_stopped", "cpu_utilization", "free_storage_bytes",
            "heartbeat",
        }  # fmt: skip
    names = [a.name for a in specs]
    assert len(names) == len(set(names))


def test_replica_alarms_use_the_primarys_resolved_thresholds(inventory):
    site = inventory.site("acme-b2b")
    db = site.resources.rds_instances[0]
    th = dict(db.thresholds)
    th["replica_lag_seconds"] = Threshold(warning=None, critical=30)
    db = replace(db, thresholds=frozen_map(th))
    other = replace(site, resources=site.resources.replace(rds_instances=(db,)))
    specs = alarms_for_site(other)
    lag = [a for a in specs if a.signal_key == "replica_lag_seconds"]
    assert [(a.resource_id, a.severity, a.threshold) for a in lag] == [
        ("acme-b2b-db-replica-1", "critical", 30)
    ]
    storage = {
        a.resource_id: a.threshold
        for a in specs
        if a.metric == "FreeStorageSpace" and a.severity == "critical"
    }
    # defaults.yaml rds.free_storage_bytes critical 2 GiB, on the primary and its replica
    assert storage == {"acme-b2b-db": 2147483648, "acme-b2b-db-replica-1": 2147483648}


def test_no_replica_alarms_without_replicas(inventory):
    site = inventory.site("acme-b2b")
    db = replace(site.resources.rds_instances[0], replicas=())
    assert not db.has_replicas
    no_replicas = replace(site, resources=site.resources.replace(rds_instances=(db,)))
    specs = alarms_for_site(no_replicas)
    assert not any(a.signal_key == "replica_lag_seconds" for a in specs)
    assert {a.dimensions["DBInstanceIdentifier"] for a in specs if a.namespace == "AWS/RDS"} == {
        "acme-b2b-db"
    }


def test_ec2_recover_action_by_instance_type(inventory):
    assert ec2.recoverable("t3.small") and ec2.recoverable("m6i.large")
    assert not ec2.recoverable("m5d.large")  # instance store
    assert not ec2.recoverable("c5.metal")
    site = inventory.site("bistro-website")
    system = [a for a in alarms_for_site(site) if a.metric == "StatusCheckFailed_System"]
    assert system[0].extra_alarm_actions == ("arn:aws:automate:eu-central-1:ec2:recover",)
    inst = replace(site.resources.ec2_instances[0], instance_type="m5d.large")
    assert isinstance(inst, Ec2Instance)
    other = replace(site, resources=site.resources.replace(ec2_instances=(inst,)))
    system = [a for a in alarms_for_site(other) if a.metric == "StatusCheckFailed_System"]
    assert system[0].extra_alarm_actions == ()
    instance = [a for a in alarms_for_site(site) if a.metric == "StatusCheckFailed_Instance"]
    assert instance[0].extra_alarm_actions == ()


def test_null_severity_turns_alarm_off(inventory):
    from vigil.models import Threshold, frozen_map

    site = inventory.site("bistro-website")
    inst = site.resources.ec2_instances[0]
    th = dict(inst.thresholds)
    th["cpu_utilization"] = Threshold(warning=None, critical=97)
    inst = replace(inst, thresholds=frozen_map(th))
    other = replace(site, resources=site.resources.replace(ec2_instances=(inst,)))
    cpu = [a for a in alarms_for_site(other) if a.signal_key == "cpu_utilization"]
    assert [(a.severity, a.threshold) for a in cpu] == [("critical", 97)]


def test_every_resource_type_has_catalog_signals():
    """The validator skips unknown-signal checks for a type without signals: none may lack them."""
    from vigil import catalog

    assert [t for t in catalog.resource_types() if not catalog.signal_keys(t)] == []
