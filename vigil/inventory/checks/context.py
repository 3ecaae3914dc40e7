"""What the site checks need from defaults.yaml and teams.yaml, computed once per run.

``Where`` names a place in a file (for messages that point at the other end of a conflict);
``Context`` caches work that does not depend on the site: a team's on-call gaps per tier and
the catalog signals per resource type.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vigil import catalog
from vigil.catalog.spec import ThresholdKey
from vigil.inventory.build import build_team, build_tier
from vigil.inventory.cascade import Cascade
from vigil.inventory.problems import Path, Problem
from vigil.inventory.yaml_source import Source
from vigil.models import ResourceType, Site, Team, Tier
from vigil.oncall_calendar import Horizon, Span, coverage_gaps


def catalog_signals(rtype: ResourceType) -> dict[str, ThresholdKey]:
    """The threshold keys of ``rtype`` (signals and Zabbix-only levels) by key."""
    return {signal.key: signal for signal in catalog.thresholds(rtype)}


@dataclass
class Where:
    """A place in a file, for messages that point at the other end of a conflict."""

    src: Source
    path: Path

    def problem(self, message: str, at_key: bool = False) -> Problem:
        return self.src.problem(self.path, message, at_key)

    def ref(self) -> str:
        line, _ = self.src.locate(self.path)
        return f"{self.src.file}:{line}"


@dataclass
class Context:
    """What site checks need from defaults.yaml and teams.yaml, computed once per run."""

    defaults: Source | None = None  # schema-valid defaults, else None
    cascade: Cascade | None = None  # the run's threshold folds, when defaults are clean
    tier_names: set[str] | None = None  # None: unknown (defaults.yaml unreadable)
    team_names: set[str] | None = None
    tiers: dict[str, Tier] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)  # teams without problems only
    horizon: Horizon = field(default_factory=Horizon.coming_year)
    built: dict[int, Site] = field(default_factory=dict)
    """Site models the checks built (by ``id`` of their ``Source``), reused by the final build."""
    _gaps: dict[tuple[str, str], list[Span]] = field(default_factory=dict)
    _signals: dict[ResourceType, dict[str, ThresholdKey]] = field(default_factory=dict)

    def signals(self, rtype: ResourceType) -> dict[str, ThresholdKey]:
        """The catalog of ``rtype`` by key, looked up once per run."""
        if rtype not in self._signals:
            self._signals[rtype] = catalog_signals(rtype)
        return self._signals[rtype]

    def team_gaps(self, team: Team, tier: Tier) -> list[Span]:
        """Instants of ``tier``'s support hours in the horizon nobody in ``team``'s L1 covers
        (cached: computed once per team × tier, however many sites share them)."""
        key = (team.key, tier.name)
        if key not in self._gaps:
            self._gaps[key] = coverage_gaps(team, tier, self.horizon)
        return self._gaps[key]


def build_context(
    defaults: Source | None,
    defaults_clean: bool,
    teams: Source | None,
    clean_teams: set[str],
    cascade: Cascade | None = None,
    horizon: Horizon | None = None,
) -> Context:
    """Collect what sites refer to from whatever parts of defaults/teams are usable."""
    ctx = Context(horizon=horizon or Horizon.coming_year())
    if (
        defaults is not None
        and isinstance(defaults.data, dict)
        and isinstance(defaults.data.get("tiers"), dict)
    ):
        ctx.tier_names = set(defaults.data["tiers"])
    if defaults is not None and defaults_clean:
        ctx.defaults = defaults
        ctx.cascade = cascade or Cascade(defaults)
        alarm = defaults.data.get("alarm") or {}
        ctx.tiers = {
            name: build_tier(name, doc, alarm, defaults.data.get("detection_minutes"))
            for name, doc in defaults.data["tiers"].items()
        }
    if (
        teams is not None
        and isinstance(teams.data, dict)
        and isinstance(teams.data.get("teams"), dict)
    ):
        ctx.team_names = set(teams.data["teams"])
        ctx.teams = {key: build_team(key, teams.data["teams"][key]) for key in clean_teams}
    return ctx
