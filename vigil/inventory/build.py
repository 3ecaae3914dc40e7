"""Turn validated inventory documents into immutable models, resolving the threshold cascade.

Cascade, lowest to highest precedence: catalog built-ins → ``defaults.yaml`` ``thresholds``
(per resource type) → the tier's ``thresholds`` → the site's ``thresholds`` → the resource's own
``thresholds``. Input is assumed schema-valid; semantic checks run on the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vigil import catalog
from vigil.models import (
    DEFAULT_TIME_ZONE,
    WEEKDAYS,
    AlarmDefaults,
    AwsResources,
    EscalationLevel,
    Inventory,
    Layer,
    Member,
    ResourceType,
    Restriction,
    Schedule,
    Server,
    Site,
    SupportHours,
    Team,
    Threshold,
    Thresholds,
    Tier,
    UrlCheck,
    frozen_map,
)

Doc = Mapping[str, Any]
Layer_ = Mapping[str, Mapping[str, Any]]
"""One cascade layer as written: ``{resource_type: {signal: {warning?, critical?}}}``."""


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def parse_thresholds(raw: Mapping[str, Any] | None) -> dict[str, Threshold]:
    """``{signal: {warning, critical}}`` → ``{signal: Threshold}`` (absent severities → None)."""
    return {
        key: Threshold(
            warning=_number(value.get("warning")), critical=_number(value.get("critical"))
        )
        for key, value in (raw or {}).items()
    }


def parse_overrides(raw: Mapping[str, Any] | None) -> dict[str, dict[str, Threshold]]:
    """``{resource_type: {signal: {...}}}`` → nested ``Threshold`` maps."""
    return {rtype: parse_thresholds(signals) for rtype, signals in (raw or {}).items()}


def apply_layer(resolved: dict[str, Threshold], layer: Mapping[str, Mapping[str, Any]]) -> None:
    """Overlay one layer's ``{signal: {warning?, critical?}}`` onto ``resolved``.

    A severity the layer leaves out keeps the lower layer's value; an explicit ``null``
    turns that severity off. Raw documents are used because ``Threshold`` cannot tell the two
    apart.
    """
    for key, raw in layer.items():
        base = resolved.get(key, Threshold())
        resolved[key] = Threshold(
            warning=_number(raw["warning"]) if "warning" in raw else base.warning,
            critical=_number(raw["critical"]) if "critical" in raw else base.critical,
        )


Base = Mapping[ResourceType, Mapping[str, Threshold]]
"""Catalog built-ins per resource type, looked up once per inventory build."""


def catalog_base() -> dict[ResourceType, dict[str, Threshold]]:
    return {rtype: catalog.default_thresholds(rtype) for rtype in catalog.resource_types()}


def resolve(
    layers: list[Layer_],
    rtype: ResourceType,
    own: Mapping[str, Any] | None,
    base: Base | None = None,
) -> Thresholds:
    """Fold catalog built-ins, every cascade layer and the resource's own thresholds."""
    builtin = base[rtype] if base is not None else catalog.default_thresholds(rtype)
    resolved: dict[str, Threshold] = dict(builtin)
    for layer in layers:
        apply_layer(resolved, layer.get(rtype.value) or {})
    apply_layer(resolved, own or {})
    return frozen_map(resolved)


def build_tier(name: str, doc: Doc, alarm: Doc) -> Tier:
    hours = doc.get("support_hours", "24x7")
    if hours == "24x7":
        support = SupportHours(always=True)
    else:
        support = SupportHours(
            always=False,
            timezone=hours["timezone"],
            days=tuple(hours.get("days", WEEKDAYS)),
            start=hours.get("start", "09:00"),
            end=hours.get("end", "17:00"),
        )
    return Tier(
        name=name,
        response_sla_minutes=doc["response_sla_minutes"],
        support_hours=support,
        urgency_outside_hours=doc.get("urgency_outside_hours", "low"),
        acknowledgement_timeout_minutes=doc.get("acknowledgement_timeout_minutes", 30),
        auto_resolve_timeout_minutes=doc.get("auto_resolve_timeout_minutes") or None,
        escalation_loops=doc.get("escalation_loops", 2),
        alarm=AlarmDefaults(**{**alarm, **doc.get("alarm", {})}),
        thresholds=frozen_map(parse_overrides(doc.get("thresholds"))),
    )


def build_team(key: str, doc: Doc) -> Team:
    schedules = tuple(
        Schedule(
            key=skey,
            name=sdoc.get("name", skey),
            timezone=sdoc.get("timezone", DEFAULT_TIME_ZONE),
            layers=tuple(
                Layer(
                    name=ldoc["name"],
                    timezone=ldoc.get("timezone", sdoc.get("timezone", DEFAULT_TIME_ZONE)),
                    rotation=ldoc.get("rotation", "weekly"),
                    members=tuple(ldoc["members"]),
                    start=str(ldoc["start"]),
                    end=str(ldoc["end"]) if ldoc.get("end") else None,
                    restrictions=tuple(
                        Restriction(
                            start=r["start"],
                            duration_minutes=r["duration_minutes"],
                            days=tuple(r.get("days", ())),
                        )
                        for r in ldoc.get("restrictions", ())
                    ),
                )
                for ldoc in sdoc["layers"]
            ),
        )
        for skey, sdoc in sorted(doc.get("schedules", {}).items())
    )
    return Team(
        key=key,
        name=doc.get("name", key),
        members=tuple(
            Member(
                email=m["email"], name=m.get("name", m["email"]), timezone=m.get("timezone", "UTC")
            )
            for m in doc["members"]
        ),
        schedules=schedules,
        escalation=tuple(
            EscalationLevel(
                level=e["level"],
                description=e.get("description", e["level"]),
                schedule=e.get("schedule"),
                users=tuple(e.get("users", ())),
                delay_minutes=e.get("delay_minutes"),
            )
            for e in doc["escalation"]
        ),
    )


def build_resources(doc: Doc, layers: list[Layer_], base: Base | None = None) -> AwsResources:
    """Each catalog type's entries, built by its own module with the cascade above the site."""

    def thresholds(rtype: ResourceType, own: Mapping[str, Any] | None) -> Thresholds:
        return resolve(layers, rtype, own, base)

    return AwsResources(
        {
            kind.inventory_key: tuple(
                kind.build(item, thresholds) for item in doc.get(kind.inventory_key, ())
            )
            for kind in catalog.LISTED
            if kind.inventory_key and kind.build
        }
    )


def build_site(
    doc: Doc,
    source: str,
    tiers: Mapping[str, Tier],
    layers_above: Mapping[str, list[Layer_]],
    base: Base | None = None,
) -> Site:
    """``layers_above[tier]`` is the raw cascade above the site: defaults, then the tier."""
    tier = tiers[doc["tier"]]
    layers = [*layers_above[tier.name], doc.get("thresholds") or {}]
    return Site(
        id=doc["id"],
        client=doc["client"],
        name=doc.get("name", doc["id"]),
        tier=tier,
        environment=doc.get("environment", "production"),
        owner_team=doc["owner_team"],
        runbook_url=doc["runbook_url"],
        aws_account_id=str(doc["aws"]["account_id"]),
        aws_region=doc["aws"]["region"],
        resources=build_resources(doc.get("resources") or {}, layers, base),
        urls=tuple(
            UrlCheck(
                url=u["url"],
                name=u["name"],
                expected_status=tuple(u.get("expected_status", (200,))),
                required_text=u.get("required_text"),
                timeout_seconds=u.get("timeout_seconds", 10),
                follow_redirects=u.get("follow_redirects", True),
                thresholds=resolve(layers, ResourceType.URL, u.get("thresholds"), base),
            )
            for u in doc.get("urls") or ()
        ),
        servers=tuple(
            Server(
                name=s["name"],
                address=s["address"],
                services=tuple(s.get("services", ())),
                port=s.get("port", 10050),
            )
            for s in doc.get("servers") or ()
        ),
        tags=frozen_map({str(k): str(v) for k, v in (doc.get("tags") or {}).items()}),
        source=source,
    )


def build_inventory(
    root: str, defaults: Doc, teams: Doc, sites: list[tuple[str, Doc]]
) -> Inventory:
    """``sites`` is ``[(source path, document)]``; the result is sorted by site id."""
    tiers = {
        name: build_tier(name, doc, defaults.get("alarm", {}))
        for name, doc in sorted(defaults["tiers"].items())
    }
    global_layer = defaults.get("thresholds") or {}
    base = catalog_base()
    layers_above = {
        name: [global_layer, doc.get("thresholds") or {}] for name, doc in defaults["tiers"].items()
    }
    return Inventory(
        root=root,
        tiers=frozen_map(tiers),
        teams=frozen_map({k: build_team(k, d) for k, d in sorted(teams["teams"].items())}),
        sites=tuple(
            sorted(
                (build_site(doc, src, tiers, layers_above, base) for src, doc in sites),
                key=lambda s: s.id,
            )
        ),
    )
