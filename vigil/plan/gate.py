"""The coverage gate: a site with a gap fails ``vigil plan`` unless the stack waived that tool.

"0 gaps" must mean every site is watched by every tool, so a tool the stack does not deploy
(no ``vigil:zabbixUrl``, no Grafana auth) is a gap on every site, like a missing alarm. A
stack may leave a tool out on purpose, but only explicitly: ``vigil:outOfScope.<tool>`` names
the sites (or ``"*"``) and says why, and the report shows each waived gap with that reason.
The gate also gathers what the program would otherwise only log at info level: why a tool is
skipped, and the manual steps the stack leaves to someone else (Grafana routes to add when the
notification policy tree is external). Both are printed in the summary and written to the
plan JSON.

The gaps themselves are the ``every-site-covered`` policy's (``vigil.plan.coverage``); a gap
belongs to a tool when it names it (its policy message does: "a Zabbix web scenario",
"a PagerDuty grafana integration on its service").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from vigil.catalog.alarms import unsized, unwatched
from vigil.plan.coverage import SiteCoverage
from vigil.settings import SCOPABLE_TOOLS, StackSettings

NoteKind = Literal["skipped", "manual", "unsized", "unwatched"]


@dataclass(frozen=True, order=True)
class Note:
    """Something the plan cannot do for the stack: a skipped tool or a step left to a human."""

    kind: NoteKind
    tool: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {"kind": self.kind, "tool": self.tool, "message": self.message}


@dataclass(frozen=True)
class Gate:
    notes: tuple[Note, ...]
    failing: tuple[str, ...]
    """Ids of the sites with a gap no ``vigil:outOfScope`` waives (sorted)."""

    @property
    def passed(self) -> bool:
        return not self.failing

    def as_json(self) -> dict[str, Any]:
        return {"passed": self.passed, "sitesWithGaps": list(self.failing)}


UNWATCHED_DEAD_LETTERS = (
    "Without Grafana nothing pages on the SNS dead-letter queues ({site}-dlq-{severity}): an "
    "alarm notification SNS could not deliver to PagerDuty is kept there 14 days, unseen. Watch "
    "their AWS/SQS ApproximateNumberOfMessagesVisible through a path that does not use the "
    "sites' SNS topics (docs/AWS.md, 'Lost pages')."
)
"""The note of a stack without Grafana: its PagerDuty subscriptions still dead-letter (the
``pagerduty-delivery-watched`` policy requires the queues), but the critical rule that pages on
them (``vigil.grafana.delivery``) is Grafana's."""


def tool_of(gap: str) -> str | None:
    """The waivable tool a gap is about, or ``None`` (CloudWatch and PagerDuty never are)."""
    text = gap.lower()
    return next((tool for tool in SCOPABLE_TOOLS if tool in text), None)


def _deployed(settings: StackSettings, tool: str) -> tuple[bool, str]:
    tool_settings = settings.zabbix if tool == "zabbix" else settings.grafana
    return tool_settings.enabled, tool_settings.skip_message


def unsized_notes(inventory: Any) -> list[Note]:
    """Alarms whose levels are absolute because the resource's size is unknown (no
    ``instance_class`` / ``node_type`` / ``instance_count``): the plan says which, per site."""
    if inventory is None:
        return []
    return [Note("unsized", "cloudwatch", u.message) for s in inventory.sites for u in unsized(s)]


def unwatched_notes(inventory: Any) -> list[Note]:
    """Resources that get no alarm on purpose, with the step that would watch them."""
    if inventory is None:
        return []
    return [
        Note("unwatched", "cloudwatch", u.message) for s in inventory.sites for u in unwatched(s)
    ]


def apply_gate(
    sites: list[SiteCoverage], settings: StackSettings | None, inventory: Any = None
) -> Gate:
    """Add a gap for every tool the stack does not deploy, move the gaps the stack waives to
    ``SiteCoverage.waived`` (with the reason) and say which sites still fail.

    ``settings`` is ``None`` for a program that is not vigil's (the plan's test fixtures): it
    has no stack settings to declare scope with, so the gate does not judge it (its gaps are
    still reported) and only its policy violations decide the exit code.
    """
    notes: list[Note] = unsized_notes(inventory) + unwatched_notes(inventory)
    if settings is not None:
        for tool, title in SCOPABLE_TOOLS.items():
            deployed, skip_message = _deployed(settings, tool)
            if deployed:
                continue
            notes.append(Note("skipped", tool, skip_message))
            if tool == "grafana":
                notes.append(Note("manual", "grafana", UNWATCHED_DEAD_LETTERS))
            for site in sites:
                site.gaps.append(
                    f"no {title}: this stack does not deploy it (see notes); set it up, or "
                    f"declare vigil:outOfScope.{tool} for this site"
                )
        notes += [
            Note("manual", "grafana", step)
            for step in settings.grafana.manual_routes(site.id for site in sites)
        ]
        for site in sites:
            kept = []
            for gap in site.gaps:
                of = tool_of(gap)
                scope = settings.out_of_scope.get(of) if of else None
                if scope is not None and scope.covers(site.id):
                    site.waived.append((scope.tool, gap, scope.reason))
                else:
                    kept.append(gap)
            site.gaps = kept
    if settings is None:
        return Gate((), ())
    failing = tuple(sorted(site.id for site in sites if site.gaps))
    return Gate(tuple(notes), failing)
