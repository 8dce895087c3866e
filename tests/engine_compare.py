"""Building the demo on DuckDB as the reference for another engine (tests/spark, tests/postgres),
and comparing two result sets of the same table from different engines, tolerating type differences.

Values are normalised before comparing: every number becomes a float (DuckDB decimals and hugeints,
Spark doubles and longs), timestamps become naive UTC datetimes, dates stay dates. Rows are matched
by sorting both sides on their normalised values (floats rounded, NULLs first), then compared cell
by cell with a relative and absolute tolerance for floats.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from orchestration.demo import generate
from orchestration.ingest.loader import load_landing

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT = str(Path(sys.executable).with_name("dbt"))
TICKETS = int(os.environ.get("ENGINE_TEST_TICKETS", "300"))
SEED = 7
END_DATE = "2026-06-30"
DAYS = 120
REPORTING_TIMEZONE = "America/New_York"
"""Days, weeks and months are New York's: the demo's 120 days span its spring-forward (2026-03-08),
so every engine must cut the periods of a 23-hour day alike."""
LANDING_DEFAULT_TIMEZONE = "America/New_York"
"""The contract's example files carry naive local times: read as New York's on every engine."""
DBT_VARS = json.dumps({"as_of": "2026-07-01 00:00:00", "reporting_timezone": REPORTING_TIMEZONE})
DBT_TIMEOUT_SECONDS = int(os.environ.get("ENGINE_TEST_DBT_TIMEOUT", "2400"))
MARTS = sorted(p.stem for p in (REPO_ROOT / "models" / "marts").rglob("*.sql"))
EXAMPLES = REPO_ROOT / "docs" / "examples"
# Example teams point at schedules the seeds do not have (a blocking test): left out.
EXAMPLES_LEFT_OUT = {"teams"}
SKIPPED_SCHEMAS = ("raw", "main")

RUN_METADATA = frozenset({"_refreshed_at"})
"""Columns that say when a build wrote the row (macros/refresh_scope.sql): they differ by engine."""
REL_TOL = 1e-6
ABS_TOL = 1e-6
MAX_REPORTED = 15


def normalise(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float | Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value
    return value


def _sort_key(row: Sequence[Any]) -> tuple[Any, ...]:
    key: list[Any] = []
    for value in row:
        if value is None:
            key.append((0, ""))
        elif isinstance(value, float):
            key.append((1, "nan" if math.isnan(value) else f"{round(value, 3):020.3f}"))
        else:
            key.append((1, str(value)))
    return tuple(key)


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, float) and isinstance(right, float):
        if math.isnan(left) or math.isnan(right):
            return math.isnan(left) and math.isnan(right)
        return math.isclose(left, right, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    return left == right


def compare_tables(
    name: str,
    columns: Sequence[str],
    expected: Sequence[Sequence[Any]],
    actual: Sequence[Sequence[Any]],
    expected_label: str = "duckdb",
    actual_label: str = "spark",
) -> list[str]:
    """Differences between two row sets with the same columns, as readable lines (empty = same).
    Columns of RUN_METADATA (when a build wrote the row) are left out."""
    kept = [i for i, column in enumerate(columns) if column.lower() not in RUN_METADATA]
    columns = [columns[i] for i in kept]
    expected = [[row[i] for i in kept] for row in expected]
    actual = [[row[i] for i in kept] for row in actual]
    problems: list[str] = []
    if len(expected) != len(actual):
        problems.append(
            f"{name}: {len(expected)} rows on {expected_label}, {len(actual)} on {actual_label}"
        )
    left = sorted(([normalise(v) for v in row] for row in expected), key=_sort_key)
    right = sorted(([normalise(v) for v in row] for row in actual), key=_sort_key)
    for index, (lrow, rrow) in enumerate(zip(left, right, strict=False)):
        for column, lval, rval in zip(columns, lrow, rrow, strict=True):
            if not _same(lval, rval):
                problems.append(
                    f"{name} row {index} ({_describe(columns, lrow)}): {column} = {lval!r} on "
                    f"{expected_label}, {rval!r} on {actual_label}"
                )
                break
        if len(problems) >= MAX_REPORTED:
            problems.append(f"{name}: ... (first {MAX_REPORTED} differences shown)")
            break
    return problems


def _describe(columns: Sequence[str], row: Sequence[Any], width: int = 4) -> str:
    return ", ".join(f"{c}={v!r}" for c, v in list(zip(columns, row, strict=True))[:width])


def base_env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "DO_NOT_TRACK": "1",
            "REPORTING_TIMEZONE": REPORTING_TIMEZONE,
            "LANDING_DEFAULT_TIMEZONE": LANDING_DEFAULT_TIMEZONE,
            "LANDING_DIR": str(root / "landing"),
        }
    )
    return env


def run_dbt(args: list[str], env: dict[str, str], cwd: Path, target_path: Path, log: Path) -> None:
    """Run dbt against this repository; on failure, fail the test with the end of its log."""
    command = [
        DBT,
        *args,
        "--project-dir",
        str(REPO_ROOT),
        "--profiles-dir",
        str(REPO_ROOT),
        "--target-path",
        str(target_path),
        "--log-path",
        str(target_path / "logs"),
    ]
    with log.open("a") as out:
        result = subprocess.run(
            command,
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=DBT_TIMEOUT_SECONDS,
            check=False,
        )
    if result.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-60:])
        pytest.fail(f"dbt {args[0]} failed ({result.returncode}); end of {log}:\n{tail}")


def load_into(warehouse: Path, landing: Path) -> None:
    """One load run of the landing folder's new files into `warehouse`, as the nightly ingest."""
    con = duckdb.connect(str(warehouse))
    try:
        load_landing(con, landing)
    finally:
        con.close()


@dataclass
class Reference:
    """The demo built on DuckDB: the warehouse file and dbt's run results."""

    root: Path
    warehouse: Path
    results: dict[str, Any]


def build_duckdb_reference(root: Path) -> Reference:
    """Demo data (fixed seed and end date) plus the contract's example files, ingested into a
    fresh DuckDB warehouse under `root` and built with `dbt build` (pinned as_of, New York time)."""
    generate(out_dir=root / "landing", tickets=TICKETS, seed=SEED, end_date=END_DATE, days=DAYS)
    for example in sorted(EXAMPLES.glob("*.csv")):
        if example.stem not in EXAMPLES_LEFT_OUT:
            shutil.copy(example, root / "landing" / example.stem / "zz_contract_example.csv")
    warehouse = root / "warehouse.duckdb"
    load_into(warehouse, root / "landing")
    env = base_env(root) | {"DBT_TARGET": "duckdb", "WAREHOUSE_PATH": str(warehouse)}
    target = root / "target-duckdb"
    run_dbt(["build", "--vars", DBT_VARS], env, REPO_ROOT, target, root / "dbt-duckdb.log")
    results = json.loads((target / "run_results.json").read_text())
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (on_another_date,) = con.execute(
            "select count(*) from marts.fct_contacts where started_date != cast(started_at as date)"
        ).fetchone() or (0,)
    assert on_another_date > 0, f"no contact on a {REPORTING_TIMEZONE} date other than UTC's"
    return Reference(root, warehouse, results)


def duckdb_tables(reference: Reference) -> list[tuple[str, str]]:
    """(schema, table) of every table dbt built, seeds included. Views (intermediate steps read
    once, e.g. the classified ticket events) hold no data of their own: the tables built from
    them are compared instead."""
    con = duckdb.connect(str(reference.warehouse), read_only=True)
    try:
        return con.execute(
            "select table_schema, table_name from information_schema.tables"
            f" where table_schema not in {SKIPPED_SCHEMAS} and table_type = 'BASE TABLE'"
            " order by 1, 2"
        ).fetchall()
    finally:
        con.close()


def duckdb_rows(reference: Reference, table: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    con = duckdb.connect(str(reference.warehouse), read_only=True)
    try:
        rel = con.sql(f"select * from {table}")
        return rel.columns, rel.fetchall()
    finally:
        con.close()


def outcome_differences(duck: dict[str, Any], other: dict[str, Any], label: str) -> list[str]:
    """Nodes whose dbt status (and failure count) differ between two run_results, plus every
    node that errored or failed on the other engine."""

    def outcomes(results: dict[str, Any]) -> dict[str, tuple[str, Any]]:
        return {r["unique_id"]: (r["status"], r.get("failures")) for r in results["results"]}

    problems = [
        f"{r['unique_id']}: {r['status']} on {label}: {(r.get('message') or '')[:300]}"
        for r in other["results"]
        if r["status"] not in ("success", "pass", "warn", "no-op")
    ]
    left, right = outcomes(duck), outcomes(other)
    problems += [
        f"{node}: duckdb {left.get(node)}, {label} {right.get(node)}"
        for node in sorted(set(left) | set(right))
        if left.get(node) != right.get(node)
    ]
    return problems


def node_counts(results: dict[str, Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in results["results"]:
        kind = r["unique_id"].split(".")[0]
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def table_differences(
    reference: Reference,
    tables: Sequence[tuple[str, str]],
    read_other: Callable[[str], tuple[list[str], list[tuple[Any, ...]]]],
    label: str,
) -> list[str]:
    """Differences between each `schema.table` on DuckDB and on the other engine (`read_other`
    gives its columns and rows): columns first, then rows (compare_tables)."""
    problems: list[str] = []
    for schema, table in tables:
        name = f"{schema}.{table}"
        duck_columns, duck_rows = duckdb_rows(reference, name)
        other_columns, other_rows = read_other(name)
        if other_columns != duck_columns:
            problems.append(f"{name}: columns differ\n {duck_columns}\n {other_columns}")
            continue
        problems += compare_tables(name, duck_columns, duck_rows, other_rows, actual_label=label)
    return problems
