"""AWS API rules (``vigil.aws``) at the inventory line whose value breaks them.

``vigil.aws.inventory`` builds a site's generated inputs with the components' own builders,
checks them with the plan policy's own rules and names the field each breach comes from; this
turns those into ``Problem``s of the file that holds the value: the site file, or the
``alarm`` block of ``defaults.yaml`` (the tier's, or the global one, wherever it is set).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vigil.aws import inventory as aws_inventory
from vigil.aws.shapes import Breach
from vigil.inventory.build import build_site
from vigil.inventory.checks.context import Context
from vigil.inventory.problems import Path, Problem
from vigil.inventory.yaml_source import Source


def _text(subject: str, breach: Breach, note: str = "") -> str:
    extra = f"; {note}" if note else ""
    return (f"{subject}: {breach.where} {breach.message}{extra} "
            f"[{breach.rule}; {breach.citation}]")


def alarm_setting_path(doc: Mapping[str, Any], tier: str, key: str) -> Path:
    """Where ``key`` of the alarm timing of ``tier`` is set in defaults.yaml: the tier's own
    ``alarm`` block, else the global one, else the tier (the built-in default applies)."""
    tier_alarm = ((doc.get("tiers") or {}).get(tier) or {}).get("alarm") or {}
    if key in tier_alarm:
        return ("tiers", tier, "alarm", key)
    if key in (doc.get("alarm") or {}):
        return ("alarm", key)
    return ("tiers", tier)


def defaults_problems(src: Source) -> list[Problem]:
    """Alarm timing of every tier that some catalog signal's alarm would break."""
    doc = src.data
    out: list[Problem] = []
    for tier, tier_doc in doc["tiers"].items():
        alarm = {**(doc.get("alarm") or {}), **((tier_doc or {}).get("alarm") or {})}
        for key, breach in aws_inventory.alarm_timing_breaches(alarm):
            subject = "CloudWatch alarms" + (
                "" if alarm_setting_path(doc, tier, key)[0] == "alarm" else f" of tier {tier}"
            )
            out.append(src.problem(alarm_setting_path(doc, tier, key), _text(subject, breach)))
    return out


def site_problems(src: Source, ctx: Context) -> list[Problem]:
    """Every AWS rule the site's generated resources would break, at the value to blame.

    Runs on a site file without other problems (its model can be built); a breach no inventory
    value causes is vigil's own and reported at the site ``id`` as such.
    """
    if ctx.cascade is None or ctx.defaults is None or src.data["tier"] not in ctx.tiers:
        return []
    site = build_site(src, ctx.tiers, ctx.cascade)
    ctx.built[id(src)] = site
    out: list[Problem] = []
    for found in aws_inventory.site_breaches(site, src.data):
        field = found.field
        if field is None:
            out.append(src.problem(("id",), _text(
                found.subject, found.breach,
                "vigil generated this value itself: a vigil bug, please report it")))
        elif field.file == "defaults":
            path = alarm_setting_path(ctx.defaults.data, site.tier.name, str(field.path[0]))
            out.append(ctx.defaults.problem(path, _text(
                f"CloudWatch alarms of tier {site.tier.name}", found.breach)))
        else:
            text = _text(found.subject, found.breach, field.note)
            out.append(src.problem(field.path, text, at_key=_is_block(src.data, field.path)))
    return out


def _is_block(doc: Any, path: Path) -> bool:
    """A mapping or list (reported at its key, where the block starts) rather than a value."""
    for part in path:
        try:
            doc = doc[part]
        except (KeyError, IndexError, TypeError):
            return False
    return isinstance(doc, dict | list)
