"""The threshold cascade, folded once, keeping where each level was set.

Lowest to highest precedence: the catalog built-in (``Signal.default``) → ``defaults.yaml``
``thresholds.<type>`` → ``tiers.<tier>.thresholds.<type>`` → the site file's
``thresholds.<type>`` → the resource's own ``thresholds``. A severity a layer leaves out keeps
the lower layer's level; an explicit ``null`` turns that alarm off.

``Cascade`` folds each layer once per run and caches the result (the defaults and tier layers
per tier, the site layer per site, the resource layer per resource). The same folds feed the
warning/critical order checks (``order_problems``, reported at the later of the two values,
naming where the other one was set) and the models' resolved ``Threshold``s, which carry each
level's ``Origin`` ("set in tiers.gold at inventory/defaults.yaml:23").
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from vigil import catalog
from vigil.catalog.spec import ThresholdKey
from vigil.inventory.problems import Path, Problem, format_path
from vigil.inventory.yaml_source import Source
from vigil.models import (
    CATALOG_DEFAULT,
    SEVERITIES,
    Origin,
    ResourceType,
    Threshold,
    Thresholds,
    frozen_map,
)

CATALOG_RANK = -1
DEFAULTS, TIER, SITE, RESOURCE = 0, 1, 2, 3
"""Layer ranks: a higher rank overrides a lower one."""


@dataclass(frozen=True)
class Setting:
    """One level as written in one layer: value, origin, and its node (for messages)."""

    value: float | None
    origin: Origin
    src: Source
    path: Path  # ... .<signal>.<severity>
    rank: int

    def problem(self, message: str) -> Problem:
        return self.src.problem(self.path, message)


Folded = Mapping[str, Mapping[str, Setting]]
"""Signal key → severity → the level the highest layer wrote (only written levels)."""

EMPTY: Folded = {}


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def fold(
    below: Folded, src: Source, path: Path, layer: Mapping[str, Any], name: str, rank: int
) -> Folded:
    """``below`` overlaid with one layer's ``{signal: {warning?, critical?}}`` at ``path``."""
    if not layer:
        return below
    out: dict[str, dict[str, Setting]] = {key: dict(levels) for key, levels in below.items()}
    for key, threshold in layer.items():
        entry = out.setdefault(key, {})
        for severity in SEVERITIES:
            if severity in threshold:
                at = (*path, key, severity)
                line, _ = src.locate(at)
                entry[severity] = Setting(
                    _number(threshold[severity]), Origin(name, src.file, line), src, at, rank
                )
    return out


def resolved(folded: Folded, defaults: Mapping[str, Threshold]) -> Thresholds:
    """The model's thresholds: catalog defaults under the folded levels, with origins."""
    out: dict[str, Threshold] = {}
    for key in [*defaults, *(k for k in folded if k not in defaults)]:
        base = defaults.get(key, Threshold())
        levels = folded.get(key, {})
        warning, critical = levels.get("warning"), levels.get("critical")
        out[key] = Threshold(
            warning=warning.value if warning else base.warning,
            critical=critical.value if critical else base.critical,
            origins=(
                warning.origin if warning else CATALOG_DEFAULT,
                critical.origin if critical else CATALOG_DEFAULT,
            ),
        )
    return frozen_map(out)


def _direction(comparison: str) -> int:
    """+1 if the alarm fires above the level (warning must be lower), -1 below, 0 unknown."""
    if "Lower" in comparison and "Upper" in comparison:  # anomaly band: no ordering
        return 0
    if comparison.startswith("GreaterThan"):
        return 1
    if comparison.startswith("LessThan"):
        return -1
    return 0


def order_problems(
    folded: Folded, rtype: ResourceType, signals: Mapping[str, ThresholdKey]
) -> Iterator[Problem]:
    """Warning on the safe side of critical, for every signal some layer of ``folded`` set.

    The catalog's own defaults are the catalog's business. A conflict is reported where the
    later of the two values was written (warning on a tie), naming where the other one is.
    """
    for key, levels in folded.items():
        signal = signals.get(key)
        direction = _direction(signal.comparison) if signal else 0
        if not direction or signal is None:
            continue
        w, c = levels.get("warning"), levels.get("critical")
        warning = w.value if w else signal.default.warning
        critical = c.value if c else signal.default.critical
        if warning is None or critical is None or (critical - warning) * direction > 0:
            continue
        w_rank = w.rank if w else CATALOG_RANK
        c_rank = c.rank if c else CATALOG_RANK
        at, other, other_name = (w, c, "critical") if w_rank >= c_rank else (c, w, "warning")
        assert at is not None
        if other is None:
            origin = f" ({other_name} is the catalog default)"
        elif other.src is not at.src or other.path[:-1] != at.path[:-1]:
            origin = f" ({other_name} {other.origin})"
        else:
            origin = ""
        side = "above" if direction > 0 else "below"
        yield at.problem(
            f"warning {warning:g} must be {'below' if direction > 0 else 'above'} critical "
            f"{critical:g}{origin}: {rtype}.{key} alarms when the value is {side} the level"
        )


class Cascade:
    """The folds of one run, each computed once: per tier, per site, per resource.

    ``defaults`` is the schema-valid defaults.yaml; sites are keyed by their ``Source``.
    """

    def __init__(self, defaults: Source) -> None:
        self.defaults = defaults
        self._above: dict[tuple[str, ResourceType], Folded] = {}
        self._site: dict[tuple[int, ResourceType], Folded] = {}
        self._resource: dict[tuple[int, ResourceType, Path], Folded] = {}
        self._resolved: dict[tuple[int, ResourceType, Path], Thresholds] = {}
        self._catalog: dict[ResourceType, dict[str, Threshold]] = {}

    def above(self, tier: str, rtype: ResourceType) -> Folded:
        """``defaults.yaml`` thresholds, then the tier's, for ``rtype``."""
        key = (tier, rtype)
        if key not in self._above:
            doc = self.defaults.data
            global_path = ("thresholds", rtype.value)
            tier_path = ("tiers", tier, "thresholds", rtype.value)
            folded = fold(
                EMPTY, self.defaults, global_path, _at(doc, global_path), "defaults", DEFAULTS
            )
            self._above[key] = fold(
                folded, self.defaults, tier_path, _at(doc, tier_path), f"tiers.{tier}", TIER
            )
        return self._above[key]

    def site(self, src: Source, rtype: ResourceType) -> Folded:
        """Everything above the site's resources: defaults, tier, the site's thresholds."""
        key = (id(src), rtype)
        if key not in self._site:
            path = ("thresholds", rtype.value)
            self._site[key] = fold(
                self.above(src.data["tier"], rtype), src, path, _at(src.data, path), "site", SITE
            )
        return self._site[key]

    def resource(self, src: Source, rtype: ResourceType, path: Path) -> Folded:
        """The site's fold with the resource's own ``thresholds`` (at ``path``) on top."""
        key = (id(src), rtype, tuple(path))
        if key not in self._resource:
            own = _at(src.data, path)
            self._resource[key] = fold(
                self.site(src, rtype), src, path, own, format_path(path[:-1]), RESOURCE
            )
        return self._resource[key]

    def thresholds(self, src: Source, rtype: ResourceType, path: Path | None = None) -> Thresholds:
        """Resolved thresholds of a resource whose own ``thresholds`` are at ``path`` (if any).

        Resources without their own resolve alike, so they share one mapping per site and type.
        """
        own = bool(path) and bool(_at(src.data, path or ()))
        key = (id(src), rtype, tuple(path or ()) if own else ())
        if key not in self._resolved:
            folded = self.resource(src, rtype, path or ()) if own else self.site(src, rtype)
            self._resolved[key] = resolved(folded, self._defaults(rtype))
        return self._resolved[key]

    def _defaults(self, rtype: ResourceType) -> dict[str, Threshold]:
        if rtype not in self._catalog:
            self._catalog[rtype] = catalog.default_thresholds(rtype)
        return self._catalog[rtype]


def _at(doc: Any, path: Path) -> Mapping[str, Any]:
    """The mapping at ``path`` in a schema-valid document, or ``{}`` when absent or null."""
    node = doc
    for part in path:
        if isinstance(node, Mapping):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return {}
        if node is None:
            return {}
    return node if isinstance(node, Mapping) else {}
