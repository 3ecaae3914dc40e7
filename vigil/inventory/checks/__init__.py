"""Checks JSON Schema cannot express, one module per file kind or concern.

Every check takes schema-valid documents (with their node positions) and returns
``Problem``s, so one run reports every mistake: ``defaults`` (defaults.yaml), ``teams``
(teams.yaml), ``site`` (one site file), ``thresholds`` (the cascade), ``identifiers`` (time
zones, host names, URLs), ``context`` (what sites need from the other two files, once per run).
"""

from vigil.inventory.checks.context import Context, build_context
from vigil.inventory.checks.defaults import check_defaults
from vigil.inventory.checks.site import check_site
from vigil.inventory.checks.teams import check_teams

__all__ = ["Context", "build_context", "check_defaults", "check_site", "check_teams"]
