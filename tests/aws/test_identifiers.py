"""Identifiers reach CloudWatch in the form the service publishes its dimensions in.

RDS and ElastiCache store cluster ids in lower case (botocore rds/elasticache model
documentation: "This parameter is stored as a lowercase string") and CloudWatch matches
dimension values exactly: an alarm on ``Nova-Orders`` would sit in INSUFFICIENT_DATA for ever.
"""

from __future__ import annotations

from pathlib import Path

from tests.inventory.util import edit, problems
from vigil.catalog.alarms import alarms_for_site
from vigil.inventory import load_inventory

API = "sites/nova/api.yaml"


def _dimension_values(inv: Path, key: str) -> set[str]:
    site = load_inventory(inv).site("nova-api")
    return {s.dimensions[key] for s in alarms_for_site(site) if key in s.dimensions}


def test_aurora_cluster_id_is_lower_cased_in_every_alarm(inv: Path) -> None:
    edit(inv / API, "    - id: nova-orders\n", "    - id: Nova-Orders\n")
    site = load_inventory(inv).site("nova-api")
    aurora = [s for s in alarms_for_site(site) if s.namespace == "AWS/RDS"]
    assert aurora, "the example's Aurora cluster has alarms"
    assert {s.dimensions["DBClusterIdentifier"] for s in aurora} == {"nova-orders"}
    assert site.resources.aurora_clusters[0].id == "nova-orders"


def test_elasticache_id_is_lower_cased(inv: Path) -> None:
    edit(inv / API, "    - id: nova-api-cache-001\n", "    - id: Nova-API-Cache-001\n")
    assert _dimension_values(inv, "CacheClusterId") == {"nova-api-cache-001"}


def test_ids_differing_only_in_case_are_one_cluster(inv: Path) -> None:
    edit(
        inv / API,
        "      readers: 1\n",
        "      readers: 1\n    - id: NOVA-orders\n      engine: aurora-mysql\n",
    )
    found = [p for p in problems(inv) if p[3] == "resources.aurora_clusters[1].id"]
    assert found and "listed twice" in found[0][4], found


def test_case_sensitive_dimensions_keep_their_case(inv: Path) -> None:
    """Auto Scaling group names are case-sensitive (botocore autoscaling model,
    CreateAutoScalingGroup.AutoScalingGroupName: "upper and lowercased letters"): kept as given."""
    edit(
        inv / API,
        "  elasticache_clusters:\n",
        "  auto_scaling_groups:\n    - name: Nova-Workers\n      min_in_service: 2\n"
        "      group_metrics_collection: true\n"
        "  elasticache_clusters:\n",
    )
    assert _dimension_values(inv, "AutoScalingGroupName") == {"Nova-Workers"}
