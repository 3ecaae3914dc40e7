"""The catalog registry: every type is one module, and what is generated from it is current."""

from __future__ import annotations

import json
import pkgutil

import pytest

from vigil import catalog
from vigil.catalog import schema_gen
from vigil.catalog.alarms import heartbeat_signal
from vigil.catalog.spec import ResourceKind, Signal
from vigil.inventory import schema


def test_committed_catalog_schema_is_the_generated_one():
    committed = schema_gen.SCHEMA_FILE.read_text()
    assert committed == schema_gen.render(), (
        "vigil/schemas/catalog.schema.json is stale: run python -m vigil.catalog.schema_gen"
    )


def test_schema_gen_check_mode_reports_a_stale_file(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "catalog.schema.json"
    stale.write_text("{}\n")
    monkeypatch.setattr(schema_gen, "SCHEMA_FILE", stale)
    assert schema_gen.main(["--check"]) == 1
    assert stale.read_text() == "{}\n"
    assert schema_gen.main([]) == 0
    assert stale.read_text() == schema_gen.render()


def test_every_catalog_module_is_a_resource_kind_or_a_helper():
    names = {m.name for m in pkgutil.iter_modules(catalog.__path__)}
    kinds = names - catalog.HELPERS
    assert kinds, "no catalog modules found"
    declared = {name for name in kinds if isinstance(getattr(catalog, name).KIND, ResourceKind)}
    assert declared == kinds
    assert len(catalog.KINDS) == len(kinds)


@pytest.mark.parametrize("rtype", catalog.resource_types())
def test_thresholds_schema_lists_the_signal_keys_for_editors(rtype):
    generated = json.loads(schema_gen.SCHEMA_FILE.read_text())["$defs"]
    assert (
        generated["type_thresholds"]["properties"][rtype]["$ref"] == f"#/$defs/{rtype}_thresholds"
    )
    listed = set(generated[f"{rtype}_thresholds"]["properties"])
    assert listed == set(catalog.signal_keys(rtype))


def test_every_listed_kind_has_a_builder_and_an_entry_schema_with_thresholds():
    generated = json.loads(schema_gen.SCHEMA_FILE.read_text())["$defs"]
    for kind in catalog.LISTED:
        assert kind.build is not None and kind.schema is not None, kind.type
        entry = generated["resources"]["properties"][kind.inventory_key]["items"]["$ref"]
        assert entry == f"#/$defs/{kind.type}"
        assert "thresholds" in generated[kind.type]["properties"]
        assert kind.id_field in kind.schema["properties"]


def test_site_and_defaults_schemas_take_resources_and_thresholds_from_the_catalog():
    site = schema.validator("site").schema
    assert set(site["properties"]["resources"]["properties"]) == catalog.inventory_keys()
    defaults = schema.validator("defaults").schema
    assert set(defaults["properties"]["thresholds"]["properties"]) == set(catalog.KINDS)


def test_rows_are_distinct_and_every_type_has_one():
    rows = catalog.rows()
    assert set(rows) == set(catalog.KINDS)
    assert len({r.order for r in rows.values()}) == len(rows)
    assert len({r.title for r in rows.values()}) == len(rows)


def test_alarm_specs_carry_their_catalog_signal(inventory):
    for site in inventory.sites:
        for spec in catalog.alarms_for_site(site):
            assert isinstance(spec.signal, Signal)
            heartbeats = [
                heartbeat_signal(s) for s in catalog.signals(spec.resource_type) if s.heartbeat
            ]
            assert spec.signal in (*catalog.signals(spec.resource_type), *heartbeats)
            assert spec.signal_key == spec.signal.key
            assert spec.tags["vigil:signal"] == spec.signal.key


def test_catalog_signals_satisfy_the_static_rules_of_the_policies():
    """What availability-treats-missing-as-breaching and global-metrics-in-us-east-1 check on
    every alarm holds for every catalog signal (so no inventory can produce a violation)."""
    from policies import availability_treats_missing_as_breaching as availability
    from policies import global_metrics_in_us_east_1 as global_metrics

    for rtype in catalog.resource_types():
        own = catalog.signals(rtype)
        for signal in (*own, *(heartbeat_signal(s) for s in own if s.heartbeat)):
            if signal.metric in availability.DEFAULTS["availabilityMetrics"]:
                assert signal.treat_missing_data in availability.DEFAULTS["allowed"], signal.key
            if signal.availability:
                assert signal.treat_missing_data == "breaching", signal.key
            in_global = signal.namespace in global_metrics.DEFAULTS["globalNamespaces"]
            assert signal.global_region == in_global, (rtype, signal.key)
