"""The whole dbt project on PostgreSQL (dbt-postgres) gives the same results as DuckDB.

The same reference as the Spark test (tests/engine_compare.py: demo data plus the contract's example
files, built on DuckDB); the raw tables are copied into a throw-away PostgreSQL server (own initdb
cluster in a temp folder, 127.0.0.1 only), `dbt build` runs there (seeds, models, data tests, unit
tests, each with DuckDB's outcome), and every table is compared row by row.

Run with `make postgres-test` (POSTGRES_TEST=1; installs the `postgres` extra). About a minute.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from engine_compare import (
    DBT_VARS,
    MARTS,
    REPO_ROOT,
    Reference,
    base_env,
    build_duckdb_reference,
    compare_tables,
    duckdb_rows,
    duckdb_tables,
    node_counts,
    outcome_differences,
    run_dbt,
    table_differences,
)
from pg_instance import libpq_dsn, query_postgres, running_postgres

from orchestration.scale_out.raw_to_postgres import copy_raw_tables

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


@dataclass
class Builds:
    reference: Reference
    dsn: str
    postgres_results: dict[str, Any]


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Builds]:
    import json

    root = tmp_path_factory.mktemp("postgres-vs-duckdb")
    started = time.monotonic()
    reference = build_duckdb_reference(root)
    duck_seconds = time.monotonic() - started
    with running_postgres() as pg:
        dsn = libpq_dsn(pg)
        started = time.monotonic()
        copy_raw_tables(reference.warehouse, dsn)
        env = base_env(root) | pg | {"DBT_TARGET": "postgres"}
        run_dbt(
            ["build", "--vars", DBT_VARS],
            env,
            REPO_ROOT,
            root / "target-postgres",
            root / "dbt-postgres.log",
        )
        pg_seconds = time.monotonic() - started
        results = json.loads((root / "target-postgres" / "run_results.json").read_text())
        print(
            f"\npostgres comparison timings: DuckDB reference {duck_seconds:.0f} s,"
            f" copy raw + dbt build on Postgres {pg_seconds:.0f} s (work folder {root})"
        )
        yield Builds(reference, dsn, results)
    if os.environ.get("POSTGRES_TEST_KEEP") != "1":
        shutil.rmtree(root, ignore_errors=True)


def test_postgres_build_has_the_same_outcomes(builds: Builds) -> None:
    counts = node_counts(builds.postgres_results)
    print(f"\npostgres build: {counts}")
    problems = outcome_differences(builds.reference.results, builds.postgres_results, "postgres")
    assert not problems, "\n".join(problems)
    assert counts.get("model", 0) >= 80 and counts.get("unit_test", 0) > 0


@pytest.mark.parametrize("mart", MARTS)
def test_mart_matches_duckdb(builds: Builds, mart: str) -> None:
    duck_columns, duck_rows = duckdb_rows(builds.reference, f"marts.{mart}")
    pg_columns, pg_rows = query_postgres(builds.dsn, f"select * from marts.{mart}")
    assert pg_columns == duck_columns, f"{mart}: columns differ\n {duck_columns}\n {pg_columns}"
    assert duck_rows, f"{mart} is empty on DuckDB: the comparison would prove nothing"
    problems = compare_tables(mart, duck_columns, duck_rows, pg_rows, actual_label="postgres")
    assert not problems, "\n".join(problems)


def test_every_other_table_matches_duckdb(builds: Builds) -> None:
    tables = [(s, t) for s, t in duckdb_tables(builds.reference) if s != "marts"]
    assert len(tables) > 50
    problems = table_differences(
        builds.reference,
        tables,
        lambda name: query_postgres(builds.dsn, f"select * from {name}"),
        "postgres",
    )
    assert not problems, "\n".join(problems)
