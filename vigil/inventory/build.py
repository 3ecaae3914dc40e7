"""Turn validated, checked inventory documents into immutable models.

AWS resource entries are built by their catalog module (``ResourceKind.build``); every
resource's thresholds come from the run's ``Cascade`` (``vigil.inventory.cascade``), the same
folds the checks used, so each level keeps the file and line that set it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vigil import catalog, limits
from vigil.catalog.spec import ResolveThresholds
from vigil.defaults import (
    BUSINESS_HOURS,
    LAYER,
    MEMBER,
    SCHEDULE,
    SERVER,
    SITE,
    TIER,
    URL,
)
from vigil.inventory.cascade import Cascade
from vigil.inventory.problems import Path, format_path
from vigil.inventory.yaml_source import Source
from vigil.models import (
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


def build_tier(name: str, doc: Doc, alarm: Doc, detection: int | None = None) -> Tier:
    """One tier of defaults.yaml; ``alarm`` and ``detection`` (``detection_minutes``) are the
    file's top-level values, which the tier's own keys override."""
    hours = doc.get("support_hours", TIER.support_hours)
    if hours == "24x7":
        support = SupportHours(always=True)
    else:
        support = SupportHours(
            always=False,
            timezone=hours["timezone"],
            days=tuple(hours.get("days", BUSINESS_HOURS.days)),
            start=hours.get("start", BUSINESS_HOURS.start),
            end=hours.get("end", BUSINESS_HOURS.end),
        )
    return Tier(
        name=name,
        response_sla_minutes=doc["response_sla_minutes"],
        support_hours=support,
        urgency_outside_hours=doc.get("urgency_outside_hours", TIER.urgency_outside_hours),
        acknowledgement_timeout_minutes=doc.get(
            "acknowledgement_timeout_minutes", TIER.acknowledgement_timeout_minutes
        ),
        auto_resolve_timeout_minutes=doc.get("auto_resolve_timeout_minutes") or None,
        escalation_loops=doc.get("escalation_loops", TIER.escalation_loops),
        alarm=AlarmDefaults(**{**alarm, **doc.get("alarm", {})}),
        detection_minutes=doc.get(
            "detection_minutes", detection or limits.DEFAULT_DETECTION_MINUTES
        ),
        thresholds=frozen_map(parse_overrides(doc.get("thresholds"))),
    )


def build_team(key: str, doc: Doc) -> Team:
    schedules = tuple(
        Schedule(
            key=skey,
            name=sdoc.get("name", skey),
            timezone=sdoc.get("timezone", SCHEDULE.timezone),
            layers=tuple(
                Layer(
                    name=ldoc["name"],
                    timezone=ldoc.get("timezone", sdoc.get("timezone", SCHEDULE.timezone)),
                    rotation=ldoc.get("rotation", LAYER.rotation),
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
                email=m["email"],
                name=m.get("name", m["email"]),
                timezone=m.get("timezone", MEMBER.timezone),
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


def _entry_thresholds(
    cascade: Cascade, src: Source, entry_path: Path, entry: Doc
) -> ResolveThresholds:
    """The cascade for one resource entry and the entries nested in it (target groups).

    A catalog builder passes the ``thresholds`` mapping it is resolving; its place in the file
    (for the levels' origins) is found among the entry's own and its nested lists' entries.
    """

    def thresholds(rtype: ResourceType, own: Mapping[str, Any] | None) -> Thresholds:
        if not own:
            return cascade.thresholds(src, rtype)
        if entry.get("thresholds") is own:
            return cascade.thresholds(src, rtype, (*entry_path, "thresholds"))
        for key, items in entry.items():
            for index, item in enumerate(items if isinstance(items, list) else ()):
                if isinstance(item, Mapping) and item.get("thresholds") is own:
                    return cascade.thresholds(src, rtype, (*entry_path, key, index, "thresholds"))
        raise ValueError(f"{src.file}: thresholds of {format_path(entry_path)} not found")

    return thresholds


def build_resources(src: Source, cascade: Cascade) -> AwsResources:
    """Each catalog type's entries, built by its own module over the run's cascade."""
    doc = src.data.get("resources") or {}
    lists: dict[str, tuple[Any, ...]] = {}
    for kind in catalog.LISTED:
        key = kind.inventory_key
        if key is None or kind.build is None:
            continue
        lists[key] = tuple(
            kind.build(item, _entry_thresholds(cascade, src, ("resources", key, index), item))
            for index, item in enumerate(doc.get(key, ()))
        )
    return AwsResources(lists)


def build_site(src: Source, tiers: Mapping[str, Tier], cascade: Cascade) -> Site:
    """One schema-valid, checked site file; thresholds come from the run's ``cascade``."""
    doc = src.data
    tier = tiers[doc["tier"]]
    return Site(
        id=doc["id"],
        client=doc["client"],
        name=doc.get("name", doc["id"]),
        tier=tier,
        environment=doc.get("environment", SITE.environment),
        owner_team=doc["owner_team"],
        runbook_url=doc["runbook_url"],
        aws_account_id=str(doc["aws"]["account_id"]),
        aws_region=doc["aws"]["region"],
        resources=build_resources(src, cascade),
        urls=tuple(
            UrlCheck(
                url=u["url"],
                name=u["name"],
                expected_status=tuple(u.get("expected_status", URL.expected_status)),
                required_text=u.get("required_text"),
                timeout_seconds=u.get("timeout_seconds", URL.timeout_seconds),
                follow_redirects=u.get("follow_redirects", URL.follow_redirects),
                thresholds=cascade.thresholds(src, ResourceType.URL, ("urls", index, "thresholds")),
            )
            for index, u in enumerate(doc.get("urls") or ())
        ),
        servers=tuple(
            Server(
                name=s["name"],
                address=s["address"],
                services=tuple(s.get("services", ())),
                port=s.get("port", SERVER.port),
                agent=s.get("agent", SERVER.agent),
                macros=frozen_map({str(k): str(v) for k, v in (s.get("macros") or {}).items()}),
            )
            for s in doc.get("servers") or ()
        ),
        tags=frozen_map({str(k): str(v) for k, v in (doc.get("tags") or {}).items()}),
        source=src.file,
    )


def build_inventory(
    root: str,
    defaults: Doc,
    teams: Doc,
    sites: list[Source],
    cascade: Cascade,
    built: Mapping[int, Site] | None = None,
) -> Inventory:
    """Checked documents → the inventory, sorted by site id; ``cascade`` is the run's folds;
    ``built``: site models the checks already built from these sources (by ``id(source)``)."""
    built = built or {}
    tiers = {
        name: build_tier(name, doc, defaults.get("alarm", {}), defaults.get("detection_minutes"))
        for name, doc in sorted(defaults["tiers"].items())
    }
    return Inventory(
        root=root,
        tiers=frozen_map(tiers),
        teams=frozen_map({k: build_team(k, d) for k, d in sorted(teams["teams"].items())}),
        sites=tuple(
            sorted(
                (built.get(id(src)) or build_site(src, tiers, cascade) for src in sites),
                key=lambda s: s.id,
            )
        ),
    )
