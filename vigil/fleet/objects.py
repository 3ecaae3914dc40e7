"""What each recorded resource creates in its tool, as a key two stacks must never share.

A key is ``(tool, scope, kind, name)``: two resources with the same key in two stacks would
fight over one real object (the same alarm name in one account and region, the same Grafana
uid, the same PagerDuty service name). The rules are the tools' own uniqueness rules:

- CloudWatch ``PutMetricAlarm``: "AlarmName … must be unique within the Region" of an account
  (CloudWatch API reference, PutMetricAlarm); SNS topic names likewise (CreateTopic).
- Grafana: folder, dashboard and data source ``uid`` are unique per organisation (HTTP API,
  folders/dashboards/data sources); contact point names too; one notification policy tree per
  organisation (``grafana_notification_policy`` manages the whole tree).
- PagerDuty: service and escalation policy names are unique per account (API returns
  "Name has already been taken"); schedules are matched by name by operators, so one owner.
- Zabbix: host and template names are unique per server (host.create / template.create);
  vigil's media type is one per server.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from vigil import resource_types as rt
from vigil.plan.record import Recording, Resource


class Key(NamedTuple):
    tool: str
    scope: str  # account/region, Zabbix server, "" for one-account tools
    kind: str
    name: str

    def __str__(self) -> str:
        where = f" in {self.scope}" if self.scope else ""
        return f"{self.tool} {self.kind} {self.name!r}{where}"


SHARED_KINDS = frozenset(
    {"schedule", "escalation policy", "notification policy tree", "data source", "media type"}
)
"""Objects several site stacks need: owned by exactly one stack of the fleet (the shared one)."""

KeyFn = Callable[[Resource], Iterator[Key]]


def _aws(kind: str) -> KeyFn:
    def keys(r: Resource) -> Iterator[Key]:
        scope = (r.provider_name or "aws").removeprefix("aws-")
        yield Key("aws", scope, kind, str(r.inputs.get("name") or r.name))

    return keys


def _named(tool: str, kind: str, field: str = "name") -> KeyFn:
    def keys(r: Resource) -> Iterator[Key]:
        yield Key(tool, "", kind, str(r.inputs.get(field) or r.name))

    return keys


def _dashboard(r: Resource) -> Iterator[Key]:
    try:
        uid = json.loads(str(r.inputs.get("configJson") or "{}")).get("uid")
    except ValueError:
        uid = None
    yield Key("grafana", "", "dashboard uid", str(uid or r.name))


def _notification_policy(_: Resource) -> Iterator[Key]:
    yield Key("grafana", "", "notification policy tree", "organisation")


def _rule_group(r: Resource) -> Iterator[Key]:
    yield Key("grafana", "", "rule group", f"{r.inputs.get('folderUid')}/{r.inputs.get('name')}")


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        try:
            value = json.loads(value.replace("'", '"'))
        except ValueError:
            return [value] if value else []
    return [str(v) for v in value] if isinstance(value, list) else []


def _zabbix(r: Resource) -> Iterator[Key]:
    server = str(r.inputs.get("url") or "")
    kind = r.inputs.get("kind")
    if kind == "pagerduty-media":
        yield Key("zabbix", server, "media type", r.name)
    elif kind == "config":
        if r.inputs.get("template_name"):
            yield Key("zabbix", server, "template", str(r.inputs["template_name"]))
        for host in _names(r.inputs.get("host_names")):
            yield Key("zabbix", server, "host", host)
    elif kind == "routing":
        yield Key("zabbix", server, "action", r.name)


KEYS: dict[str, KeyFn] = {
    rt.METRIC_ALARM: _aws("alarm"),
    rt.SNS_TOPIC: _aws("topic"),
    rt.PD_SERVICE: _named("pagerduty", "service"),
    rt.PD_ESCALATION_POLICY: _named("pagerduty", "escalation policy"),
    rt.PD_SCHEDULE: _named("pagerduty", "schedule"),
    rt.GRAFANA_FOLDER: _named("grafana", "folder uid", "uid"),
    rt.GRAFANA_DATASOURCE: _named("grafana", "data source", "uid"),
    rt.GRAFANA_DASHBOARD: _dashboard,
    rt.GRAFANA_CONTACT_POINT: _named("grafana", "contact point"),
    rt.GRAFANA_NOTIFICATION_POLICY: _notification_policy,
    rt.GRAFANA_RULE_GROUP: _rule_group,
    f"{rt.DYNAMIC_PREFIX}/zabbix:Resource": _zabbix,
}
"""Type token → the keys of what it creates; a type not listed creates nothing named."""


def object_keys(recording: Recording) -> dict[Key, Resource]:
    """Every named object the stack would create, with the resource creating it."""
    found: dict[Key, Resource] = {}
    for resource in recording.resources:
        keys = KEYS.get(resource.type)
        if keys is not None:
            for key in keys(resource):
                found.setdefault(key, resource)
    return found
