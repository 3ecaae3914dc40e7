"""`vigil diff`: what a change to the inventory or the program does to the stack, for review.

Two saved plans (``vigil plan --json``) are compared resource by resource (by URN): added,
removed (what the next ``pulumi up`` would delete) and changed, with the changed fields.
Inputs that carry a whole document as a string (a Grafana dashboard's ``configJson``, a Zabbix
``export``) are parsed and compared structurally, so a threshold change shows as one line, not
as two 30 KB strings.
"""
