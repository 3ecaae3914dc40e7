"""Zabbix for vigil: pure rendering of Zabbix export YAML, PagerDuty routing, and the Pulumi
dynamic provider that applies them through the Zabbix API (zabbix-utils)."""
