# Support KPI warehouse. `make run` builds the demo warehouse end to end; `make test` runs every check.
# Both create .venv on first use. Every setting below can be overridden: `make run LANDING_DIR=/x`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export LANDING_DIR ?= data/landing
export WAREHOUSE_PATH ?= data/warehouse.duckdb
export REPORTING_TIMEZONE ?= UTC
export LANDING_DEFAULT_TIMEZONE ?= UTC
export DAGSTER_HOME ?= $(CURDIR)/.dagster
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := false

DEMO_TICKETS ?= 20000
DEMO_SEED ?= 7
SIZE ?= 100000

.PHONY: help venv run demo job summary dev test lint fmt pytest bench lock clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==0.9.30"
	$(BIN)/uv pip install --python $(BIN)/python --quiet -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP) ## create .venv and install the pinned dependencies

$(DAGSTER_HOME)/dagster.yaml: orchestration/dagster.yaml
	@mkdir -p $(DAGSTER_HOME)
	cp orchestration/dagster.yaml $(DAGSTER_HOME)/dagster.yaml

run: $(STAMP) $(DAGSTER_HOME)/dagster.yaml ## demo data (if the landing folder is empty) + nightly job + summary
	$(BIN)/python -m orchestration.demo --if-empty --tickets $(DEMO_TICKETS) --seed $(DEMO_SEED) --out $(LANDING_DIR)
	$(BIN)/dbt parse --quiet
	$(BIN)/dagster job execute -m orchestration.definitions -j nightly_job
	$(BIN)/python -m orchestration.summary

demo: $(STAMP) ## (re)generate demo data into LANDING_DIR
	$(BIN)/python -m orchestration.demo --tickets $(DEMO_TICKETS) --seed $(DEMO_SEED) --out $(LANDING_DIR)

dev: $(STAMP) $(DAGSTER_HOME)/dagster.yaml ## open the Dagster UI (asset graph, launch the job)
	$(BIN)/dagster dev -m orchestration.definitions

lint: $(STAMP) ## ruff + sqlfluff (dbt templater)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/dbt parse --quiet
	@mkdir -p target
	WAREHOUSE_PATH=$(CURDIR)/target/lint.duckdb $(BIN)/sqlfluff lint models data-tests

fmt: $(STAMP) ## auto-format Python and SQL
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	@mkdir -p target
	WAREHOUSE_PATH=$(CURDIR)/target/lint.duckdb $(BIN)/sqlfluff fix models data-tests

pytest: $(STAMP)
	$(BIN)/pytest

test: lint pytest ## linters and the whole pytest suite (includes a full pipeline run)

bench: $(STAMP) $(DAGSTER_HOME)/dagster.yaml ## benchmark: make bench SIZE=100000
	$(BIN)/python -m orchestration.bench --tickets $(SIZE)

lock: $(STAMP) ## regenerate constraints.txt from the current venv
	@echo "# Exact versions that install together offline (python 3.11). Regenerate: make lock" > constraints.txt
	$(BIN)/uv pip freeze --python $(BIN)/python --exclude-editable >> constraints.txt

clean: ## remove the warehouse, dbt target and Dagster state (keeps .venv and landing data)
	rm -rf target logs $(DAGSTER_HOME) $(WAREHOUSE_PATH) $(WAREHOUSE_PATH).wal
