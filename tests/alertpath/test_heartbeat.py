"""Watch the watcher (issue #12 point 4): signals that always report get a heartbeat alarm, every
signal says why it does not treat missing data as breaching, and EC2 ``may_be_stopped``."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from vigil import catalog, naming
from vigil.catalog import alarms, ec2
from vigil.catalog.alarms import HEARTBEAT_KEY, alarms_for_site
from vigil.models import ResourceType

HEARTBEAT_KINDS = {
    ResourceType.EC2: ("AWS/EC2", "CPUUtilization"),
    ResourceType.RDS: ("AWS/RDS", "CPUUtilization"),
    ResourceType.AURORA: ("AWS/RDS", "CPUUtilization"),
    ResourceType.OPENSEARCH: ("AWS/ES", "CPUUtilization"),
    ResourceType.ELASTICACHE: ("AWS/ElastiCache", "CurrConnections"),
}
"""Issue #12: the metrics AWS publishes continuously while the resource exists."""

ALL_SIGNALS = [
    pytest.param(signal, id=f"{rtype}.{signal.key}")
    for rtype in catalog.resource_types()
    for signal in catalog.signals(rtype)
]


@pytest.mark.parametrize("signal", ALL_SIGNALS)
def test_every_signal_not_breaching_says_why(signal):
    if signal.treat_missing_data != "breaching" or signal.when_stopped:
        assert signal.missing_data_reason.strip(), signal.key
    assert signal.treat_missing_data in {"breaching", "notBreaching", "ignore", "missing"}
    assert signal.when_stopped in {"", "notBreaching", "ignore", "missing"}


def test_heartbeat_signals_are_the_documented_ones():
    found = {
        rtype: [(s.namespace, s.metric) for s in catalog.signals(rtype) if s.heartbeat]
        for rtype in catalog.resource_types()
    }
    assert {t: m for t, m in found.items() if m} == {t: [m] for t, m in HEARTBEAT_KINDS.items()}
    for rtype in HEARTBEAT_KINDS:
        (signal,) = (s for s in catalog.signals(rtype) if s.heartbeat)
        assert "https://docs.aws.amazon.com/" in signal.heartbeat_source, rtype


def _heartbeats(site):
    return [a for a in alarms_for_site(site) if a.signal_key == HEARTBEAT_KEY]


def test_each_resource_of_a_heartbeat_kind_gets_exactly_one(inventory):
    seen: Counter[ResourceType] = Counter()
    for site in inventory.sites:
        beats = _heartbeats(site)
        by_resource = Counter((a.resource_type, a.resource_id) for a in beats)
        assert all(n == 1 for n in by_resource.values()), by_resource
        for rtype, targets in catalog.TARGETS.items():
            for target in targets(site):
                expected = 1 if rtype in HEARTBEAT_KINDS else 0
                if alarms.may_be_stopped(target.model):
                    expected = 0
                assert by_resource[(rtype, target.resource_id)] == expected, (
                    site.id, rtype, target.resource_id
                )
                seen[rtype] += expected
        for a in beats:
            namespace, metric = HEARTBEAT_KINDS[a.resource_type]
            resource = f"{a.resource_type.value}-{a.resource_id}"
            assert a.name == naming.resource_name(site, resource, "heartbeat", "warning")
            assert a.name == f"{site.id}-{naming.slug(resource)}-heartbeat-warning"
            assert (a.namespace, a.metric) == (namespace, metric)
            assert (a.statistic, a.extended_statistic) == ("SampleCount", None)
            assert (a.comparison, a.threshold) == ("LessThanThreshold", 1.0)
            assert (a.period, a.evaluation_periods, a.datapoints_to_alarm) == (3600, 3, 3)
            assert a.period * a.evaluation_periods <= 86400
            assert a.treat_missing_data == "breaching"
            assert a.severity == "warning" and not a.availability
            assert a.tags[naming.TAG_SEVERITY] == "warning"
            assert naming.TAG_AVAILABILITY not in a.tags
            target = next(t for t in catalog.TARGETS[a.resource_type](site)
                          if t.resource_id == a.resource_id)
            assert dict(a.dimensions) == dict(target.dimensions)
    # the example inventory has every heartbeat kind, so the loop above proved each of them
    assert {t for t, n in seen.items() if n} == set(HEARTBEAT_KINDS), seen


def _stoppable_site(inventory, may_be_stopped: bool):
    site = inventory.site("bistro-website")
    inst = replace(site.resources.ec2_instances[0], may_be_stopped=may_be_stopped)
    return replace(site, resources=site.resources.replace(ec2_instances=(inst,))), inst


def test_ec2_may_be_stopped_keeps_status_checks_quiet_and_drops_heartbeat(inventory):
    site, inst = _stoppable_site(inventory, True)
    specs = [a for a in alarms_for_site(site) if a.resource_id == inst.id]
    checks = [a for a in specs if a.metric.startswith("StatusCheckFailed")]
    assert len(checks) == 2
    assert {a.treat_missing_data for a in checks} == {"notBreaching"}
    assert [a for a in specs if a.signal_key == HEARTBEAT_KEY] == []
    assert all(a.tags[naming.TAG_MAY_BE_STOPPED] == "true" for a in specs)

    site, inst = _stoppable_site(inventory, False)
    specs = [a for a in alarms_for_site(site) if a.resource_id == inst.id]
    checks = [a for a in specs if a.metric.startswith("StatusCheckFailed")]
    assert {a.treat_missing_data for a in checks} == {"breaching"}
    assert len([a for a in specs if a.signal_key == HEARTBEAT_KEY]) == 1
    assert not any(naming.TAG_MAY_BE_STOPPED in a.tags for a in specs)


def test_ec2_may_be_stopped_is_read_from_the_inventory_entry():
    doc = {"id": "i-0123456789abcdef0", "instance_type": "m6i.large"}
    assert ec2.build(doc, lambda *_: {}).may_be_stopped is False
    assert ec2.build({**doc, "may_be_stopped": True}, lambda *_: {}).may_be_stopped is True
    prop = ec2.SCHEMA["properties"]["may_be_stopped"]
    assert prop["type"] == "boolean" and "notBreaching" in prop["description"]
