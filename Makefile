# Support KPI warehouse. `make run` builds the demo warehouse end to end; `make test` runs every check.
# Both create .venv on first use. Every setting below can be overridden: `make run LANDING_DIR=/x`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Packages are installed with their bytecode compiled: where PYTHONDONTWRITEBYTECODE is set (as on
# the CI image) nothing else writes .pyc files, and every dbt, Dagster or pytest process would
# compile its imports again (about 1.5 s per dbt command).
UV_INSTALL = $(BIN)/uv pip install --compile-bytecode

export LANDING_DIR ?= data/landing
export WAREHOUSE_PATH ?= data/warehouse.duckdb
export REPORTING_TIMEZONE ?= UTC
export LANDING_DEFAULT_TIMEZONE ?= UTC
export DAGSTER_HOME ?= $(CURDIR)/.dagster
PUBLIC_ENV := LANDING_DIR=data/public/landing WAREHOUSE_PATH=data/public/warehouse.duckdb \
	SERVING_PATH=data/public/analytics.duckdb QUALITY_REPORTS_DIR=data/public/quality-reports
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := false

DEMO_TICKETS ?= 20000
DEMO_SEED ?= 7
SIZE ?= 100000
LATE_WINDOW_DAYS ?=
SEED ?= 11
NIGHTS ?= 3
FUZZ_ARGS ?=

.PHONY: help venv run demo public-data job summary dev test lint fmt pytest bench fuzz lock clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==0.9.30"
	$(UV_INSTALL) --python $(BIN)/python --quiet -c constraints.txt -e ".[dev]"
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

public-data: $(STAMP) $(DAGSTER_HOME)/dagster.yaml ## real public support data (../shared/datasets, or PUBLIC_DATASETS_DIR) into data/public: convert, job, summary
	rm -rf data/public
	$(BIN)/python -m orchestration.public_data --out data/public/landing --run-config data/public/run_config.yaml
	$(BIN)/dbt parse --quiet
	$(PUBLIC_ENV) $(BIN)/dagster job execute -m orchestration.definitions -j nightly_job -c data/public/run_config.yaml
	$(PUBLIC_ENV) $(BIN)/python -m orchestration.summary

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

bench: $(STAMP) $(DAGSTER_HOME)/dagster.yaml ## benchmark: make bench SIZE=100000 [LATE_WINDOW_DAYS=28]
	$(BIN)/dbt parse --quiet
	$(BIN)/python -m orchestration.bench --tickets $(SIZE) $(if $(LATE_WINDOW_DAYS),--late-window-days $(LATE_WINDOW_DAYS))

# Superset end-to-end test (issue 6): its own venv (.venv-bi: Superset + DuckDB 1.x driver), Debian
# chromium for the screenshot. Not part of `make test`; `.ci/run` calls it separately.
BI_VENV := .venv-bi
BI_STAMP := $(BI_VENV)/.installed
BI_TIMEOUT ?= 1500

.PHONY: bi-venv bi-browser bi-test
$(BI_STAMP): tests/bi/requirements-bi.txt tests/bi/constraints-bi.txt $(STAMP)
	@test -x $(BI_VENV)/bin/python || $(BIN)/uv venv --quiet --python $(PYTHON) $(BI_VENV)
	$(UV_INSTALL) --python $(BI_VENV)/bin/python --quiet -r tests/bi/requirements-bi.txt \
	  -c tests/bi/constraints-bi.txt
	@touch $(BI_STAMP)

bi-venv: $(BI_STAMP) ## create .venv-bi (Superset 6.1.0, duckdb-engine, DuckDB 1.x, selenium)

bi-browser: ## install Debian chromium + chromium-driver when missing
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver; }

bi-test: $(STAMP) $(BI_STAMP) bi-browser ## Superset against the serving file, refreshes while it reads
	$(BIN)/dbt parse --quiet
	BI_TEST=1 timeout $(BI_TIMEOUT) $(BIN)/pytest tests/bi -p no:cacheprovider -q -rfEs; \
	  status=$$?; cat target/bi/summary.txt 2>/dev/null; exit $$status

fuzz: $(STAMP) ## incremental nights = one full refresh? make fuzz SEED=11 NIGHTS=3 [FUZZ_ARGS="--timezone Asia/Kolkata"]
	$(BIN)/dbt parse --quiet
	$(BIN)/python -m orchestration.incremental_check --seed $(SEED) --nights $(NIGHTS) $(FUZZ_ARGS)

lock: $(STAMP) ## regenerate constraints.txt from the current venv
	@echo "# Exact versions that install together offline (python 3.11). Regenerate: make lock" > constraints.txt
	$(BIN)/uv pip freeze --python $(BIN)/python --exclude-editable >> constraints.txt

clean: ## remove the warehouse, dbt target and Dagster state (keeps .venv and landing data)
	rm -rf target logs $(DAGSTER_HOME) $(WAREHOUSE_PATH) $(WAREHOUSE_PATH).wal \
	  $(WAREHOUSE_PATH).building.duckdb $(WAREHOUSE_PATH).building.json $(WAREHOUSE_PATH).failed.duckdb

# The same dbt project on Apache Spark (issue: scale-out). The `spark` extra (dbt-spark, pyspark,
# about 500 MB) goes into .venv; Java 17 comes from Debian when missing. Not part of `make test`.
SPARK_STAMP := $(VENV)/.spark-installed
SPARK_TIMEOUT ?= 3000

.PHONY: spark-venv spark-java spark-test
$(SPARK_STAMP): $(STAMP) pyproject.toml constraints.txt
	$(UV_INSTALL) --python $(BIN)/python --quiet -c constraints.txt -e ".[dev,spark]"
	@touch $(SPARK_STAMP)

spark-venv: $(SPARK_STAMP) ## install the spark extra (dbt-spark[session], pyspark) into .venv

spark-java: ## install a Java 17 runtime (Debian openjdk-17-jre-headless) when java is missing
	@command -v java >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq openjdk-17-jre-headless; }

spark-test: $(SPARK_STAMP) spark-java ## build the project on local Spark and compare every mart with DuckDB
	$(BIN)/dbt parse --quiet
	SPARK_TEST=1 SPARK_LOCAL_IP=127.0.0.1 timeout $(SPARK_TIMEOUT) $(BIN)/pytest tests/spark \
	  -p no:cacheprovider -q -rfEs -s

# The same dbt project on PostgreSQL: the `postgres` extra (dbt-postgres) goes into .venv, the
# server binaries come from Debian when missing; the test runs its own initdb cluster on 127.0.0.1.
POSTGRES_STAMP := $(VENV)/.postgres-installed
POSTGRES_TIMEOUT ?= 1200

.PHONY: postgres-venv postgres-server postgres-test
$(POSTGRES_STAMP): $(STAMP) pyproject.toml constraints.txt
	$(UV_INSTALL) --python $(BIN)/python --quiet -c constraints.txt -e ".[dev,postgres]"
	@touch $(POSTGRES_STAMP)

postgres-venv: $(POSTGRES_STAMP) ## install the postgres extra (dbt-postgres) into .venv

postgres-server: ## install the PostgreSQL server binaries (Debian postgresql) when missing
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql; }

postgres-test: $(POSTGRES_STAMP) postgres-server ## build the project on a throw-away Postgres and compare every table with DuckDB
	$(BIN)/dbt parse --quiet
	POSTGRES_TEST=1 timeout $(POSTGRES_TIMEOUT) $(BIN)/pytest tests/postgres \
	  -p no:cacheprovider -q -rfEs -s
