"""Limits one of vigil's policies enforces on the deployed graph and ``vigil validate``
enforces on the inventory: one number, two enforcers, so a valid inventory passes the pack.

The policies read these as their config defaults (a stack's pack config may raise them; the
validator holds the inventory to the defaults).
"""

from __future__ import annotations

MAX_FIRST_ESCALATION_MINUTES = 30
"""escalation-within-sla ``maxFirstEscalationMinutes``: first escalation of a 24×7 tier."""

MAX_FIRST_ESCALATION_MINUTES_BUSINESS_HOURS = 60
"""escalation-within-sla ``maxFirstEscalationMinutesBusinessHours``: other tiers."""

DEFAULT_DETECTION_MINUTES = 15
"""A tier's ``detection_minutes`` when neither the tier nor defaults.yaml sets one: the
worst case from a failure to ALARM that ``detection-within-tier`` allows for its critical
availability alarms. 15 fits the catalog's slowest availability signal at the default alarm
timing (Route 53 3 × 30 s checks + 3 of 5 one-minute periods: 7.5 min) with room for a
five-of-five tier, and fails a tier whose availability alarms use five-minute periods
(4 × 300 s + 2 min = 22 min)."""
