"""One table of inventory defaults (``vigil.defaults``): the schemas' ``default`` keywords, the
builder and the models all say the same thing, and a key left out means the table's value."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import yaml

from vigil import defaults
from vigil.inventory import load_inventory
from vigil.inventory.build import build_team, build_tier
from vigil.inventory.schema import SCHEMA_DIR


def _json(value: Any) -> Any:
    return json.loads(json.dumps(value))  # tuples read as the lists a schema holds


def _node(schema: Any, pointer: str) -> Any:
    for part in pointer.split("/")[1:]:
        schema = schema[int(part)] if isinstance(schema, list) else schema[part]
    return schema


NAMED = ("properties", "patternProperties", "$defs")


def _schema_defaults() -> dict[tuple[str, str], Any]:
    """Every ``default`` keyword of every committed schema: (file, pointer) → value."""
    found: dict[tuple[str, str], Any] = {}

    def walk(node: Any, file: str, pointer: str, names: bool = False) -> None:
        """``names``: a mapping of property (or definition) names, not of keywords."""
        if isinstance(node, dict):
            if "default" in node and not names:
                found[(file, pointer)] = node["default"]
            for key, value in node.items():
                if names or key not in ("default", "enum", "const", "examples"):
                    walk(value, file, f"{pointer}/{key}", key in NAMED and not names)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, file, f"{pointer}/{index}")

    for path in sorted(SCHEMA_DIR.glob("*.schema.json")):
        walk(json.loads(path.read_text()), path.name, "")
    return found


def _table() -> dict[tuple[str, str], Any]:
    """The table, placed where each value belongs in the schemas."""
    placed: dict[tuple[str, str], Any] = {}
    for group, file, pointer in defaults.SCHEMA_PLACES:
        assert dataclasses.is_dataclass(group) and not isinstance(group, type)
        for field in dataclasses.fields(group):
            placed[(file, f"{pointer}/properties/{field.name}")] = _json(
                getattr(group, field.name)
            )
    return placed


def test_the_schemas_carry_exactly_the_table():
    table, schemas = _table(), _schema_defaults()
    assert {k: v for k, v in schemas.items() if k not in table} == {}, "default not in the table"
    assert {k: v for k, v in table.items() if k not in schemas} == {}, "table value not in schema"
    assert {k: (table[k], v) for k, v in schemas.items() if table[k] != v} == {}


def test_every_place_of_the_table_is_a_property_the_schema_declares():
    for group, file, pointer in defaults.SCHEMA_PLACES:
        node = _node(json.loads((SCHEMA_DIR / file).read_text()), pointer)
        for field in dataclasses.fields(group):
            assert field.name in node.get("properties", {}), (file, pointer, field.name)


def test_left_out_tier_keys_mean_the_table():
    tier = build_tier("t", {"response_sla_minutes": 5}, {})
    assert tier.is_24x7 and defaults.TIER.support_hours == "24x7"
    assert tier.urgency_outside_hours == defaults.TIER.urgency_outside_hours
    assert tier.acknowledgement_timeout_minutes == defaults.TIER.acknowledgement_timeout_minutes
    assert tier.escalation_loops == defaults.TIER.escalation_loops
    assert dataclasses.asdict(tier.alarm) == dataclasses.asdict(defaults.ALARM)
    office = build_tier(
        "o", {"response_sla_minutes": 5, "support_hours": {"timezone": "Europe/Amsterdam"}}, {}
    )
    hours = office.support_hours
    assert (hours.days, hours.start, hours.end) == dataclasses.astuple(defaults.BUSINESS_HOURS)


def test_left_out_team_keys_mean_the_table():
    team = build_team(
        "web",
        {
            "members": [{"email": "a@example.com"}],
            "schedules": {
                "primary": {
                    "layers": [
                        {"name": "l", "members": ["a@example.com"], "start": "2026-01-05T00:00"}
                    ]
                }
            },
            "escalation": [{"level": "L1", "schedule": "primary"}],
        },
    )
    (member,) = team.members
    assert member.timezone == defaults.MEMBER.timezone
    (schedule,) = team.schedules
    assert schedule.timezone == defaults.SCHEDULE.timezone
    (layer,) = schedule.layers
    assert layer.rotation == defaults.LAYER.rotation
    assert layer.timezone == schedule.timezone  # derived: the schedule's


def test_left_out_site_keys_mean_the_table(inv: Path):
    """The example inventory with every defaulted site key removed loads with the table's."""
    for path in sorted((inv / "sites").rglob("*.yaml")):
        doc = yaml.safe_load(path.read_text())
        doc.pop("environment", None)
        for entry in doc.get("urls") or ():
            for field in dataclasses.fields(defaults.URL):
                entry.pop(field.name, None)
        for entry in doc.get("servers") or ():
            for field in dataclasses.fields(defaults.SERVER):
                entry.pop(field.name, None)
        path.write_text(yaml.safe_dump(doc, sort_keys=False))
    sites = load_inventory(inv).sites
    assert any(site.urls for site in sites) and any(site.servers for site in sites)
    for site in sites:
        assert site.environment == defaults.SITE.environment
        for url in site.urls:
            assert (url.expected_status, url.timeout_seconds, url.follow_redirects) == (
                dataclasses.astuple(defaults.URL)
            )
        for server in site.servers:
            assert (server.port, server.agent) == dataclasses.astuple(defaults.SERVER)
