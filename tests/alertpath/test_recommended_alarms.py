"""The catalog at the level of AWS's recommended alarms: signals, sizing, noise fixes, matrix."""

from __future__ import annotations

from dataclasses import replace

import pytest

from vigil import catalog
from vigil.catalog import matrix, sizing
from vigil.catalog.alarms import alarms_for_site, unsized
from vigil.catalog.elasticache import ElastiCacheCluster
from vigil.catalog.opensearch import OpenSearchDomain
from vigil.catalog.rds import RdsInstance
from vigil.models import ResourceType

ALL_SIGNALS = [(t, s) for t in catalog.resource_types() for s in catalog.signals(t)]


def specs_of(site, **resources):
    other = replace(site, resources=site.resources.replace(**resources)) if resources else site
    return alarms_for_site(other)


def keyed(specs):
    return {(a.resource_id, a.signal_key, a.severity): a for a in specs}


@pytest.mark.parametrize(("rtype", "signal"), ALL_SIGNALS, ids=lambda v: getattr(v, "key", v))
def test_every_signal_cites_its_source_and_keeps_the_api_window_rules(rtype, signal):
    assert signal.source, f"{rtype}.{signal.key} cites nothing"
    assert "http" in signal.source or "cdk-monitoring-constructs" in signal.source
    assert signal.description
    period = signal.period_seconds or 60
    evaluations = signal.evaluation_periods or 5
    # PutMetricAlarm: Period x EvaluationPeriods <= one day, DatapointsToAlarm <= Evaluation
    assert period * evaluations <= 86400, signal.key
    assert (signal.datapoints_to_alarm or 1) <= evaluations, signal.key
    assert period in (10, 20, 30) or period % 60 == 0


def test_committed_matrix_is_the_generated_one():
    assert matrix.MATRIX_FILE.read_text() == matrix.render(), (
        "docs/ALARMS.md is stale: run python -m vigil.catalog.matrix"
    )


def test_matrix_check_mode_fails_on_a_stale_file(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "ALARMS.md"
    stale.write_text("# old\n")
    monkeypatch.setattr(matrix, "MATRIX_FILE", stale)
    assert matrix.main(["--check"]) == 1
    assert "stale" in capsys.readouterr().err
    assert matrix.main([]) == 0 and matrix.main(["--check"]) == 0
    text = stale.read_text()
    for rtype, signal in ALL_SIGNALS:
        assert f"`{signal.key}`" in text and f"## `{rtype}`" in text


def test_matrix_rows_state_severity_levels():
    text = matrix.render()
    row = next(line for line in text.splitlines() if line.startswith("| `replication_stopped`"))
    assert "| < 0 s | — |" in row  # critical only, below zero
    row = next(line for line in text.splitlines() if "`database_connections_percent`" in line)
    assert "> 85% of max_connections" in row and "> 70% of max_connections" in row


def test_percentile_alarms_ignore_low_sample_periods(inventory):
    for site in inventory.sites:
        for a in alarms_for_site(site):
            if a.extended_statistic:
                assert a.evaluate_low_sample_count_percentiles == "ignore", a.name
            else:
                assert a.evaluate_low_sample_count_percentiles is None, a.name


# ------------------------------------------------------------------ RDS sizing


def test_max_connections_formulas_per_engine():
    gib = 1024**3
    # MySQL {DBInstanceClassMemory/12582880}; PostgreSQL LEAST({.../9531392}, 5000)
    assert sizing.default_max_connections("mysql", 16 * gib) == 16 * gib // 12582880 == 1365
    assert sizing.default_max_connections("mariadb", 16 * gib) == 1365
    assert sizing.default_max_connections("postgres", 4 * gib) == 450
    assert sizing.default_max_connections("postgres", 256 * gib) == 5000
    assert sizing.default_max_connections("oracle-ee", 16 * gib) is None
    assert sizing.RDS_CLASSES["db.t4g.medium"] == sizing.InstanceClass("db.t4g.medium", 2, 4)
    assert sizing.RDS_CLASSES["db.r6g.large"].memory_gib == 16
    assert sizing.RDS_CLASSES["db.m6i.32xlarge"].vcpus == 128
    assert sizing.ELASTICACHE_VCPUS["cache.t4g.small"] == 2
    assert sizing.ELASTICACHE_VCPUS["cache.r6g.xlarge"] == 4


def test_sized_rds_thresholds_are_shares_of_the_class(inventory):
    site = inventory.site("acme-b2b")  # postgres on db.t4g.medium (4 GiB), gp2
    db = site.resources.rds_instances[0]
    assert (db.instance_class, db.memory_bytes, db.max_connections) == (
        "db.t4g.medium", 4 * 1024**3, 450,
    )  # fmt: skip
    by = keyed(alarms_for_site(site))
    conn = by[("acme-b2b-db", "database_connections_percent", "critical")]
    assert (conn.threshold, conn.display_threshold, conn.metric) == (
        pytest.approx(450 * 0.85), 85, "DatabaseConnections",
    )  # fmt: skip
    mem = by[("acme-b2b-db", "freeable_memory_percent", "warning")]
    assert mem.threshold == pytest.approx(0.10 * 4 * 1024**3)
    assert mem.comparison == "LessThanThreshold"
    # the absolute stand-ins are not used once the class is known
    assert not any(k[1] in ("database_connections", "freeable_memory_bytes") for k in by)
    assert unsized(site) == ()
    # t class: CPU credits; gp2: burst balance; postgres: transaction ids
    assert ("acme-b2b-db", "cpu_credit_balance", "warning") in by
    assert by[("acme-b2b-db", "burst_balance_percent", "critical")].threshold == 5
    txid = by[("acme-b2b-db", "maximum_used_transaction_ids", "warning")]
    assert (txid.metric, txid.threshold) == ("MaximumUsedTransactionIDs", 1e9)
    # postgres replicas have no "stopped" signal (-1 is a MySQL/MariaDB convention)
    assert not any(k[1] == "replication_stopped" for k in by)


def test_parameter_group_max_connections_beats_the_class_default(inventory):
    site = inventory.site("acme-b2b")
    db = replace(site.resources.rds_instances[0], max_connections_setting=1000)
    by = keyed(specs_of(site, rds_instances=(db,)))
    assert by[("acme-b2b-db", "database_connections_percent", "warning")].threshold == 700


def test_unsized_rds_keeps_absolute_levels_and_the_plan_says_so(inventory):
    site = inventory.site("acme-shop")  # mysql without instance_class
    db = site.resources.rds_instances[0]
    assert db.instance_class is None and db.max_connections is None
    by = keyed(alarms_for_site(site))
    assert by[("acme-shop-db", "database_connections", "critical")].threshold == 800
    assert by[("acme-shop-db", "freeable_memory_bytes", "critical")].threshold == 64 * 1024**2
    assert not any(k[1].endswith("_percent") and k[0] == "acme-shop-db" for k in by)
    rds = [n for n in unsized(site) if n.resource_type is ResourceType.RDS]
    assert {(n.resource_id, n.signal_key) for n in rds} == {
        ("acme-shop-db", "database_connections"), ("acme-shop-db", "freeable_memory_bytes"),
    }  # fmt: skip
    assert all("no instance_class" in n.message for n in rds)
    # not t class, storage type unknown, mysql: none of those alarms
    assert not any(k[1] in ("cpu_credit_balance", "burst_balance_percent",
                            "maximum_used_transaction_ids") for k in by)


def test_unknown_class_and_engine_without_formula_are_reported(inventory):
    site = inventory.site("acme-shop")
    db = replace(site.resources.rds_instances[0], instance_class="db.z9.huge")
    assert "not in vigil.catalog.sizing" in db.unsized_reason
    oracle = RdsInstance(id="ora", engine="oracle-ee", instance_class="db.r6i.large")
    assert oracle.memory_bytes == 16 * 1024**3 and oracle.max_connections is None
    assert "max_connections" in oracle.unsized_reason
    by = keyed(specs_of(site, rds_instances=(oracle,)))
    assert ("ora", "freeable_memory_percent", "warning") in by
    assert ("ora", "database_connections", "warning") in by  # stand-in for connections only
    assert ("ora", "freeable_memory_bytes", "warning") not in by


# ------------------------------------------------------------------ EC2, ElastiCache


def test_cpu_credits_only_on_burstable_ec2(inventory):
    bistro = keyed(alarms_for_site(inventory.site("bistro-website")))  # t3.small
    credits = bistro[("i-07f3e2d1c0b9a8f76", "cpu_credit_balance", "warning")]
    assert (credits.metric, credits.period, credits.comparison) == (
        "CPUCreditBalance", 300, "LessThanThreshold",
    )  # fmt: skip
    b2b = keyed(alarms_for_site(inventory.site("acme-b2b")))  # m6i.large
    assert not any(k[1] == "cpu_credit_balance" and k[0].startswith("i-") for k in b2b)


def test_elasticache_host_cpu_on_small_nodes_and_evictions_flag(inventory):
    api = inventory.site("nova-api")  # cache.t4g.small: 2 vCPUs
    by = keyed(alarms_for_site(api))
    assert by[("nova-api-cache-001", "cpu_utilization", "critical")].metric == "CPUUtilization"
    assert ("nova-api-cache-001", "evictions", "warning") in by
    assert unsized(api) == ()
    node = api.resources.elasticache_clusters[0]
    big = replace(node, node_type="cache.r6g.xlarge", evictions_expected=True, replica=True)
    by = keyed(specs_of(api, elasticache_clusters=(big,)))
    assert ("nova-api-cache-001", "cpu_utilization", "critical") not in by
    assert not any(k[1] == "evictions" for k in by)
    lag = by[("nova-api-cache-001", "replication_lag_seconds", "critical")]
    assert lag.metric == "ReplicationLag"
    # memcached: host CPU is its CPU, whatever the size; no engine CPU
    mc = ElastiCacheCluster(id="mc-001", engine="memcached", node_type="cache.r6g.xlarge")
    by = keyed(specs_of(api, elasticache_clusters=(mc,)))
    assert ("mc-001", "cpu_utilization", "critical") in by
    assert ("mc-001", "engine_cpu_utilization", "critical") not in by


def test_elasticache_without_node_type_is_listed_unsized(inventory):
    shop = inventory.site("acme-shop")
    notes = [n for n in unsized(shop) if n.resource_type is ResourceType.ELASTICACHE]
    assert [(n.resource_id, n.signal_key) for n in notes] == [
        ("acme-shop-redis-001", "cpu_utilization")
    ]


# ------------------------------------------------------------------ OpenSearch


def test_opensearch_recommended_alarms_and_windows(inventory):
    front = inventory.site("nova-storefront")  # 3 data nodes, 3 masters, KMS
    by = keyed(alarms_for_site(front))
    cpu = by[("nova-catalog", "cpu_utilization", "critical")]
    assert (cpu.statistic, cpu.period, cpu.evaluation_periods, cpu.datapoints_to_alarm) == (
        "Maximum", 900, 3, 3,
    )  # fmt: skip
    nodes = by[("nova-catalog", "nodes", "critical")]
    assert (nodes.metric, nodes.threshold, nodes.comparison) == ("Nodes", 6, "LessThanThreshold")
    for key in ("cluster_index_writes_blocked", "kms_key_error", "kms_key_inaccessible",
                "master_cpu_utilization", "master_jvm_memory_pressure"):
        assert ("nova-catalog", key, "critical") in by, key
    assert ("nova-catalog", "automated_snapshot_failure", "warning") in by
    assert ("nova-catalog", "cluster_status_yellow", "warning") in by


def test_single_node_domain_has_no_yellow_alarm(inventory):
    front = inventory.site("nova-storefront")
    one = OpenSearchDomain(name="nova-catalog", instance_count=1)
    by = keyed(specs_of(front, opensearch_domains=(one,)))
    assert not any(k[1] == "cluster_status_yellow" for k in by)
    assert ("nova-catalog", "cluster_status_red", "critical") in by
    assert not any(k[1].startswith(("master_", "kms_")) for k in by)
    unknown = OpenSearchDomain(name="nova-catalog")
    by = keyed(specs_of(front, opensearch_domains=(unknown,)))
    assert ("nova-catalog", "cluster_status_yellow", "warning") in by
    assert not any(k[1] == "nodes" for k in by)
    other = replace(front, resources=front.resources.replace(opensearch_domains=(unknown,)))
    assert [n.signal_key for n in unsized(other)] == ["nodes"]
