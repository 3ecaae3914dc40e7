"""What the program loaded during a run, for whoever ran it (the offline plan's reports).

The program sets these; `vigil.plan.engine` runs each program in a copied ``contextvars``
context and reads them back after the run, so a report shows exactly the inventory the run
provisioned (its shard, its validation), never a second load that could differ.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

INVENTORY: ContextVar[Any] = ContextVar("vigil_loaded_inventory", default=None)
"""The run's `vigil.models.Inventory` after sharding by ``vigil:clients``."""
SETTINGS: ContextVar[Any] = ContextVar("vigil_loaded_settings", default=None)
"""The run's `vigil.settings.StackSettings` (read once by the program)."""
