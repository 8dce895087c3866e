"""The whole dbt project on Apache Spark (dbt-spark, session method) gives the same results as
DuckDB.

One small demo data set (fixed seed and end date) plus the landing contract's example files
(docs/examples: UTC offsets, naive local times, JSON lists, synonyms, a bad row) is ingested into a
throw-away DuckDB warehouse and built there with `dbt build`; the raw tables are exported to
Parquet and registered in a local Spark (own working directory, Derby metastore and warehouse
folder, 127.0.0.1 only), where `dbt build` runs too: seeds, every model, every data test and every
unit test, each with the same outcome as on DuckDB. Then every mart, and every other table, is
compared row by row (row counts, every column; numbers with a small tolerance).

Run with `make spark-test` (SPARK_TEST=1; installs the `spark` extra). Takes several minutes: every
dbt statement is a Spark job.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
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
)

from orchestration.scale_out.raw_export import export_raw_tables

pytestmark = [pytest.mark.slow, pytest.mark.spark]

SPARK_CONF_DIR = REPO_ROOT / "orchestration" / "scale_out" / "spark_conf"


@dataclass
class Builds:
    reference: Reference
    spark_warehouse_dir: Path
    spark_results: dict[str, Any]
    new_temp_folders: list[str]
    """Hive session folders (`<session id>_resources`) the Spark runs left in the temp folder."""


def _hive_session_folders() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("*_resources")}


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Builds]:
    root = tmp_path_factory.mktemp("spark-vs-duckdb")
    timings: dict[str, float] = {}
    started = time.monotonic()
    reference = build_duckdb_reference(root)
    timings["demo + ingest + dbt build on DuckDB"] = time.monotonic() - started

    started = time.monotonic()
    raw_dir = root / "raw-parquet"
    export_raw_tables(reference.warehouse, raw_dir)
    spark_dir = root / "spark"  # Derby metastore, spark-warehouse/, derby.log
    spark_dir.mkdir()
    spark_env = base_env(root) | {
        "DBT_TARGET": "spark",
        "SPARK_WORK_DIR": str(spark_dir),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_CONF_DIR": str(SPARK_CONF_DIR),
        # A warehouse path that must stay unused: the Spark build reads nothing from DuckDB.
        "WAREHOUSE_PATH": str(root / "unused.duckdb"),
    }
    spark_env.pop("PYSPARK_SUBMIT_ARGS", None)
    temp_folders_before = _hive_session_folders()
    run_dbt(
        ["run-operation", "register_raw_tables", "--args", json.dumps({"location": str(raw_dir)})],
        spark_env,
        spark_dir,
        root / "target-spark",
        root / "dbt-spark.log",
    )
    timings["export raw + register on Spark"] = time.monotonic() - started

    started = time.monotonic()
    run_dbt(
        ["build", "--vars", DBT_VARS],
        spark_env,
        spark_dir,
        root / "target-spark",
        root / "dbt-spark.log",
    )
    timings["dbt build on Spark"] = time.monotonic() - started
    spark_results = json.loads((root / "target-spark" / "run_results.json").read_text())
    summary = ", ".join(f"{k} {v:.0f} s" for k, v in timings.items())
    print(f"\nspark comparison timings: {summary} (work folder {root})")
    new_temp_folders = sorted(_hive_session_folders() - temp_folders_before)
    yield Builds(reference, spark_dir / "spark-warehouse", spark_results, new_temp_folders)
    if os.environ.get("SPARK_TEST_KEEP") != "1":
        shutil.rmtree(root, ignore_errors=True)


def _spark_rows(folder: Path) -> tuple[list[str], list[tuple[Any, ...]]]:
    """A Spark table read from its Parquet files with DuckDB (no second JVM needed)."""
    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        rel = con.sql(f"select * from read_parquet('{folder}/*.parquet')")
        return rel.columns, rel.fetchall()
    finally:
        con.close()


def test_spark_build_has_the_same_outcomes(builds: Builds) -> None:
    """Seeds, models, data tests and unit tests all run on Spark with DuckDB's outcome: nothing
    errors or fails, and every warning (with its failure count) is the same on both engines."""
    counts = node_counts(builds.spark_results)
    print(f"\nspark build: {counts}")
    problems = outcome_differences(builds.reference.results, builds.spark_results, "spark")
    assert not problems, "\n".join(problems)
    assert counts.get("model", 0) >= 80 and counts.get("unit_test", 0) > 0


def test_spark_keeps_its_files_in_its_work_folder(builds: Builds) -> None:
    """Hive's per-session resource folder goes under SPARK_WORK_DIR (profiles.yml), not into the
    machine's temp folder, where Spark never removes it."""
    left = builds.new_temp_folders
    assert not left, f"left in {tempfile.gettempdir()}: {left}"
    assert list((builds.spark_warehouse_dir.parent / "hive-resources").glob("*_resources"))


@pytest.mark.parametrize("mart", MARTS)
def test_mart_matches_duckdb(builds: Builds, mart: str) -> None:
    folder = builds.spark_warehouse_dir / "marts.db" / mart
    assert folder.is_dir(), f"Spark wrote no table marts.{mart} (looked in {folder})"
    duck_columns, duck_rows = duckdb_rows(builds.reference, f"marts.{mart}")
    spark_columns, spark_rows = _spark_rows(folder)
    assert [c.lower() for c in spark_columns] == [c.lower() for c in duck_columns], (
        f"{mart}: columns differ\n duckdb: {duck_columns}\n spark:  {spark_columns}"
    )
    assert duck_rows, f"{mart} is empty on DuckDB: the comparison would prove nothing"
    problems = compare_tables(mart, duck_columns, duck_rows, spark_rows)
    assert not problems, "\n".join(problems)


def test_every_other_table_matches_duckdb(builds: Builds) -> None:
    """Seeds, staging, quarantine and intermediate tables are the same too (a difference there
    points at the macro that differs before it reaches a mart)."""
    tables = [(s, t) for s, t in duckdb_tables(builds.reference) if s != "marts"]
    assert len(tables) > 50
    problems: list[str] = []
    for schema, table in tables:
        folder = builds.spark_warehouse_dir / f"{schema}.db" / table
        if not folder.is_dir():
            problems.append(f"{schema}.{table}: not built on Spark")
            continue
        duck_columns, duck_rows = duckdb_rows(builds.reference, f"{schema}.{table}")
        _, spark_rows = _spark_rows(folder)
        problems += compare_tables(f"{schema}.{table}", duck_columns, duck_rows, spark_rows)
    assert not problems, "\n".join(problems)
