"""Offline helpers: Pulumi mocks that record the resource graph (tests, ``vigil plan``)."""
