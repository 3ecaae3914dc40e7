"""Pulumi program entry point (what `pulumi up` and `vigil plan` run)."""

from vigil.program import main

main()
