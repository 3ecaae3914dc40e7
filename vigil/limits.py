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
