# Every target sets itself up on a fresh machine: the first run creates .venv and installs
# the pinned requirements; system packages for the test servers are installed by scripts/.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
STACK ?= dev
OUT ?= out

.PHONY: help plan plan-fleet fleet-check validate cost test lint unit bench clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt -e .
	touch $@

## help: list the targets (the first line of each `## target:` comment)
help:
	@sed -n 's/^## \([a-z-]*\): /\1\t/p' $(MAKEFILE_LIST) | expand -t 12

## plan: the main job: offline plan of the example inventory (coverage, policies, JSON, HTML)
plan: $(STAMP)
	mkdir -p $(OUT)
	$(VENV)/bin/vigil plan --stack $(STACK) --json $(OUT)/plan.json --html $(OUT)/plan.html

## plan-fleet: offline plan of every fleet stack in parallel workers (JOBS=N; JSON, HTML)
plan-fleet: $(STAMP)
	mkdir -p $(OUT)
	$(VENV)/bin/vigil plan --fleet $(if $(JOBS),-j $(JOBS)) \
		--json $(OUT)/fleet-plan.json --html $(OUT)/fleet-plan.html

## fleet-check: prove the fleet: every site in one stack, no overlaps, shared objects owned once
fleet-check: $(STAMP)
	$(VENV)/bin/vigil fleet check

## validate: check the inventory only
validate: $(STAMP)
	$(VENV)/bin/vigil validate inventory

## cost: estimated monthly AWS cost of the stack's alarms and health checks (vigil cost)
cost: $(STAMP)
	$(VENV)/bin/vigil cost --stack $(STACK)

## test: everything CI runs (lint, types, unit, Pulumi-mock, policy, real-Zabbix and browser tests)
test: $(STAMP)
	scripts/run-tests

## lint: ruff and mypy (no tests)
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

## bench: the benchmarks in bench/ (figures are written down next to each script)
bench: $(STAMP)
	$(VENV)/bin/python bench/validate_bench.py
	$(VENV)/bin/python bench/plan_bench.py
	$(VENV)/bin/python bench/fleet_plan_bench.py
	$(VENV)/bin/python bench/zabbix_api_calls.py
	$(VENV)/bin/python bench/interrupt_bench.py

## clean: remove the virtualenv and generated output
clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache .mypy_cache
