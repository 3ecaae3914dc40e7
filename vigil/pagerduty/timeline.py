"""When each escalation level is first paged for an unacknowledged high-urgency incident.

PagerDuty's API reference (reference/REST/openapiv3.json, schemas ``EscalationRule`` and
``EscalationPolicy``, ``Service``): the first rule's targets are notified when the incident
opens; ``escalation_delay_in_minutes`` is "the number of minutes before an unacknowledged
incident escalates away from this rule"; ``num_loops`` is "the number of times the escalation
policy will repeat after reaching the end of its escalation" (so ``num_loops + 1`` passes);
``auto_resolve_timeout`` resolves an incident left open that long (null/0: never). Low-urgency
incidents notify but do not escalate (provider docs, service ``urgency``), so outside a
business-hours tier's support hours only the first level hears of it.

Computed from the same specs the generator sends (``escalation_spec``), per team × tier.
"""

from __future__ import annotations

from dataclasses import dataclass

from vigil.models import Team, Tier
from vigil.pagerduty import escalation_spec


@dataclass(frozen=True)
class Page:
    minute: int  # after the incident opens
    level: str  # L1 … L4
    loop: int  # 1 = first pass
    targets: tuple[str, ...]  # schedule resource names and user e-mails


@dataclass(frozen=True)
class Timeline:
    team: str
    tier: str
    sla_minutes: int
    num_loops: int
    pages: tuple[Page, ...]  # every page up to the end of the last loop, or the auto-resolve
    ends_at: int  # minute the last loop's last level stops escalating (stays paged)
    auto_resolve_minutes: int | None  # None: never
    support_24x7: bool

    @property
    def cut(self) -> bool:
        """Whether auto-resolve ends the incident before the escalation has run its course."""
        return self.auto_resolve_minutes is not None and self.auto_resolve_minutes < self.ends_at

    def first(self, level: str) -> int | None:
        return next((p.minute for p in self.pages if p.level == level), None)

    def summary(self) -> str:
        """``L1 0′ · L2 5′ · L3 20′ · L4 50′ · loop 2 from 80′ · … · auto-resolve off``."""
        first_loop = [p for p in self.pages if p.loop == 1]
        parts = [f"{p.level} {p.minute}′" for p in first_loop]
        loop_length = self.ends_at // (self.num_loops + 1) if self.pages else 0
        parts += [f"loop {n} from {(n - 1) * loop_length}′"
                  for n in range(2, self.num_loops + 2)
                  if any(p.loop == n for p in self.pages)]
        if self.auto_resolve_minutes is None:
            parts.append("auto-resolve off")
        elif self.cut:
            parts.append(f"auto-resolve at {self.auto_resolve_minutes}′ cuts it short")
        else:
            parts.append(f"auto-resolve at {self.auto_resolve_minutes}′")
        if not self.support_24x7:
            parts.append("outside support hours: L1 only (low urgency)")
        return " · ".join(parts)

    def as_json(self) -> dict[str, object]:
        return {
            "team": self.team,
            "tier": self.tier,
            "responseSlaMinutes": self.sla_minutes,
            "numLoops": self.num_loops,
            "pages": [
                {"minute": p.minute, "level": p.level, "loop": p.loop, "targets": list(p.targets)}
                for p in self.pages
            ],
            "endsAtMinute": self.ends_at,
            "autoResolveMinutes": self.auto_resolve_minutes,
            "cutByAutoResolve": self.cut,
            "support24x7": self.support_24x7,
        }


def timeline(team: Team, tier: Tier) -> Timeline:
    """Every page of ``team``'s ``{team}-{tier}`` policy for an incident nobody acknowledges."""
    spec = escalation_spec(team, tier)
    delays = [rule.delay_minutes for rule in spec.rules]
    loop_length = sum(delays)
    resolve = tier.auto_resolve_timeout_minutes or None
    pages: list[Page] = []
    for loop in range(spec.num_loops + 1):
        minute = loop * loop_length
        for rule in spec.rules:
            if resolve is not None and minute >= resolve:
                break
            pages.append(Page(minute, rule.level, loop + 1, (*rule.schedules, *rule.users)))
            minute += rule.delay_minutes
    return Timeline(
        team=team.key,
        tier=tier.name,
        sla_minutes=tier.response_sla_minutes,
        num_loops=spec.num_loops,
        pages=tuple(pages),
        ends_at=(spec.num_loops + 1) * loop_length,
        auto_resolve_minutes=resolve,
        support_24x7=tier.is_24x7,
    )
