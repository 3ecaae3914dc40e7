"""Every dashboard vigil renders validates against the JSON schemas of the foundation-SDK target
it pins (Grafana 11.6, ``schemas/grafana-11.6/SOURCE.md``): the dashboard, each panel's options
and field config, each CloudWatch query and annotation query, and the rules' CloudWatch stages.

Documented exceptions, where the generated JSON schema is narrower than Grafana (and than the
SDK's own models and builders):
- an annotation's ``target`` is typed as Grafana's built-in annotation target only ("TODO.. this
  should just be a normal query target" in the schema's source); a data-source annotation stores
  its query there, so those targets are validated against ``CloudWatchAnnotationQuery``;
- ``Threshold.value`` is typed ``number`` while its own description says "Nulls currently appear
  here when serializing -Infinity to JSON": the base step is ``null`` (``RELAXED``);
- ``DynamicConfigValue.value`` is typed ``object`` while an override sets any field config
  value (the SDK's model types it ``object``: a unit override is a string): any JSON (``RELAXED``);
- ``MatcherConfig.options`` is typed ``object`` while the SDK's own ``override_by_query`` builder
  writes the refId string Grafana's ``byFrameRefID`` matcher takes: any JSON (``RELAXED``).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from tests.grafana.conftest import ROOT
from vigil.catalog.alarms import health_check_name
from vigil.grafana.dashboard import DashboardInputs, render_dashboard
from vigil.grafana.datasources import cloudwatch_uid
from vigil.grafana.rules import monitoring_health_group

SCHEMAS = Path(__file__).parent / "schemas" / "grafana-11.6"
PANEL_SCHEMAS = {"timeseries", "stat", "state-timeline", "table"}


RELAXED: dict[tuple[str, str, str], Any] = {
    ("dashboard", "Threshold", "value"): {"type": ["number", "null"]},
    ("dashboard", "DynamicConfigValue", "value"): {},
    ("dashboard", "MatcherConfig", "options"): {},
}


@cache
def _schema(name: str) -> dict[str, Any]:
    schema = json.loads((SCHEMAS / f"{name}.jsonschema.json").read_text())
    for (file, definition, prop), relaxed in RELAXED.items():
        if file == name:
            schema["definitions"][definition]["properties"][prop] = relaxed
    return schema


def _errors(name: str, definition: str | None, value: Any) -> list[str]:
    schema = _schema(name)
    if definition is not None:
        schema = {"$ref": f"#/definitions/{definition}", "definitions": schema["definitions"]}
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in Draft7Validator(schema).iter_errors(value)
    ]


def test_the_pinned_sdk_is_installed():
    """The schemas are the pinned target's; a venv built before the pin changed must be rebuilt
    (``make .venv/.installed``)."""
    pin = next(
        line.split("==", 1)[1].strip()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.startswith("grafana-foundation-sdk==")
    )
    assert metadata.version("grafana-foundation-sdk") == pin
    assert pin.endswith("!11.6.0") and "11.6" in SCHEMAS.name


def _board(site, alarms) -> dict[str, Any]:
    ids = {u.name: f"{health_check_name(site, u.name)}-id" for u in site.urls}
    inputs = DashboardInputs(
        zabbix_datasource_uid="zabbix",
        pagerduty_service_url="https://pd.example/services/P1",
        health_check_ids=ids,
    )
    return json.loads(render_dashboard(site, alarms, inputs))


def _schema_name(panel_type: str) -> str:
    return panel_type.replace("-", "")


@pytest.mark.parametrize(
    "site_id",
    ["acme-b2b", "acme-shop", "bistro-booking", "bistro-website", "nova-api", "nova-storefront"],
)
def test_dashboard_validates_against_the_sdk_targets_schemas(inventory, alarms_for, site_id):
    site = inventory.site(site_id)
    board = _board(site, alarms_for(site))
    annotation_targets = [a.pop("target") for a in board["annotations"]["list"] if "target" in a]
    assert annotation_targets, "alarm-state annotations present"
    problems = _errors("dashboard", None, board)
    for target in annotation_targets:
        problems += _errors("cloudwatch", "CloudWatchAnnotationQuery", target)
    checked_types: set[str] = set()
    for panel in board["panels"]:
        if panel["type"] == "row":
            continue
        assert panel["type"] in PANEL_SCHEMAS, panel["type"]
        checked_types.add(panel["type"])
        name = _schema_name(panel["type"])
        problems += _errors(name, "Options", panel.get("options") or {})
        custom = (panel.get("fieldConfig") or {}).get("defaults", {}).get("custom")
        if custom is not None and "FieldConfig" in _schema(name)["definitions"]:
            problems += _errors(name, "FieldConfig", custom)
        for target in panel.get("targets") or []:
            if target["datasource"]["type"] == "cloudwatch":
                problems += _errors("cloudwatch", "CloudWatchMetricsQuery", target)
    assert problems == []
    assert {"timeseries", "stat", "state-timeline", "table"} <= checked_types


def test_rule_queries_validate_against_the_cloudwatch_schema(inventory, alarms_for):
    for site in inventory.sites:
        ids = {u.name: f"hc-{u.name}" for u in site.urls}
        group = monitoring_health_group(
            site,
            alarms_for(site),
            lambda a, site=site: cloudwatch_uid(site.aws_account_id, a.region),
            ids,
        )
        for rule in group.rules:
            query = rule.data[0]
            assert _errors("cloudwatch", "CloudWatchMetricsQuery", dict(query.model)) == []


def test_the_schema_check_can_fail(inventory, alarms_for):
    site = inventory.site("bistro-website")
    board = _board(site, alarms_for(site))
    board["panels"][1]["gridPos"]["w"] = "wide"
    board["refresh"] = {"every": "1m"}
    assert len(_errors("dashboard", None, board)) >= 2
