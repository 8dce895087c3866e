"""Helpers shared by the end-to-end tests: run the nightly job with a pinned as-of instant,
query a warehouse read-only, generate a history plus two days' deliveries, build a warehouse
from several deliveries night by night or in one full refresh, and compare two warehouses table
by table."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pytest

AS_OF = "2026-07-01 00:00:00"
"""Open tickets' clocks stop here in every e2e run (demo data ends 2026-06-30)."""


def run_nightly_job(as_of: str = AS_OF, full_refresh: bool = False) -> dg.ExecuteInProcessResult:
    """The nightly job in process, on an ephemeral Dagster instance, as of `as_of` (a full
    refresh when asked)."""
    from orchestration.definitions import defs

    config = {"as_of": as_of, "full_refresh": full_refresh}
    job = defs.resolve_job_def("nightly_job")
    return job.execute_in_process(
        run_config={"ops": {"warehouse_dbt_models": {"config": config}}},
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def query(warehouse: Path, sql: str) -> list[tuple]:
    """Rows of `sql` on a read-only connection that is closed again."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def history_and_two_days(
    root: Path, tickets: int, seed: int, day: dt.date, days: int
) -> dict[str, Path]:
    """Demo data (CSV, one file per entity) ending on `day`, split into three deliveries: the
    history before the day before (`root/history`), the day before (`root/day_before`) and the
    day (`root/day`). Each day brings new records, changed and identical re-deliveries, records
    moved to another parent, and late events for older tickets: 2 % of them for the day, 2.5 %
    for the day before (the same share would pick the same hashed keys, all of them already held
    back for the day)."""
    from orchestration.demo import generate
    from orchestration.demo.deliveries import split_landing

    generate(
        out_dir=root / "generated",
        tickets=tickets,
        seed=seed,
        fmt="csv",
        end_date=day,
        days=days,
        files_per_entity=1,
        progress=False,
    )
    before_day = root / "before_day"
    split_landing(root / "generated", before_day, root / "day", day, 0.02, progress=False)
    day_before = day - dt.timedelta(days=1)
    split_landing(
        before_day, root / "history", root / "day_before", day_before, 0.025, progress=False
    )
    return {"history": root / "history", "day_before": root / "day_before", "day": root / "day"}


BUILT_SCHEMAS = ("staging", "quarantine", "intermediate", "marts", "reference")
LOAD_METADATA = {
    "_loaded_at",
    "_file_id",
    "_last_file_id",
    "_last_event_file_id",
    "_refreshed_at",
    "loaded_at",
    "load_run_id",
    "file_id",
}
"""Columns saying when and in which order files were loaded: they differ by construction."""
FLOATING_POINT = {"DOUBLE", "FLOAT", "REAL"}
LOAD_MANIFEST = "staging.stg_landing__landed_files"
"""The record of loads itself differs by construction (two load runs against one; the day's
identical agent, team and macro files are skipped as copies of a file loaded in an earlier run
in one warehouse, of a file of the same run in the other)."""
REPLACED_ROWS_LOG = re.compile(r"intermediate\.int_\w+_versions_replaced")
"""Logs of the rows incremental runs replaced (macros/refresh_scope.sql, `keep_replaced`): empty
after a full build by construction."""


def succeeded(result: dg.ExecuteInProcessResult) -> dg.ExecuteInProcessResult:
    """`result`, asserted successful (the failures' messages otherwise)."""
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    return result


def build_warehouse(
    root: Path,
    nights: Sequence[tuple[Path, str]],
    incremental: bool,
    timezones: tuple[str, str] = ("UTC", "UTC"),
) -> dg.ExecuteInProcessResult:
    """A warehouse in `root` holding every night's delivery: `nights` are (delivery folder, as-of
    instant of that night's run), oldest first. Incremental: each night's delivery is loaded and
    built in turn as of its instant (the first night builds everything, as on a new warehouse;
    the others refresh incrementally). Otherwise: all loaded at once and built with
    `full_refresh: true` as of the last night's instant. `timezones`: the reporting time zone
    and the landing default one. Returns the last run."""
    landing = root / "landing"
    landing.mkdir(parents=True)
    with pytest.MonkeyPatch.context() as mp:
        for key, value in {
            "LANDING_DIR": landing,
            "WAREHOUSE_PATH": root / "warehouse.duckdb",
            "DAGSTER_HOME": root,
            "SERVING_PATH": root / "analytics.duckdb",
            "QUALITY_REPORTS_DIR": root / "quality-reports",
            "REPORTING_TIMEZONE": timezones[0],
            "LANDING_DEFAULT_TIMEZONE": timezones[1],
        }.items():
            mp.setenv(key, str(value))
        last = None
        for delivery, as_of in nights:
            shutil.copytree(delivery, landing, dirs_exist_ok=True)
            if incremental:
                last = succeeded(run_nightly_job(as_of=as_of))
        if not incremental:
            last = succeeded(run_nightly_job(as_of=nights[-1][1], full_refresh=True))
        assert last is not None, "no night to build"
        return last


def built_tables(warehouse: Path) -> dict[str, list[tuple[str, str]]]:
    """Each built table's (column, data type), in column order."""
    rows = query(
        warehouse,
        "select table_schema || '.' || table_name, column_name, data_type"
        " from information_schema.columns"
        f" where table_schema in {BUILT_SCHEMAS}"
        " order by table_schema, table_name, ordinal_position",
    )
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, []).append((column, data_type))
    return tables


def compared_columns(columns: list[tuple[str, str]]) -> str:
    """The select list compared between warehouses: load metadata left out, and floating-point
    values rounded to 6 decimals, since a parallel sum or average of doubles may differ in its last
    bits from one run to the next (the order threads add partial sums in is not fixed)."""
    return ", ".join(
        f'round("{c}", 6) as "{c}"' if data_type in FLOATING_POINT else f'"{c}"'
        for c, data_type in columns
        if c not in LOAD_METADATA
    )


def warehouse_differences(incremental: Path, full: Path) -> dict[str, Any]:
    """Every built table of the two warehouses compared row for row (load metadata left out):
    per differing table, a sample of the rows only one of them holds. The two must have the same
    tables and columns."""
    tables = built_tables(full)
    assert built_tables(incremental) == tables
    assert any(t.startswith("marts.fct_") for t in tables)
    differences = {}
    for table, columns in tables.items():
        if table == LOAD_MANIFEST or REPLACED_ROWS_LOG.fullmatch(table):
            continue
        compared = compared_columns(columns)
        only = []
        for a, b in ((incremental, full), (full, incremental)):
            only.append(
                query_script(
                    a,
                    f"attach '{b}' as other (read_only);"
                    f" select * from (select {compared} from {table}"
                    f" except all select {compared} from other.{table}) limit 3",
                )
            )
        rows = query(full, f"select count(*) from {table}")[0][0]
        if any(only):
            differences[table] = {"only incremental": only[0], "only full": only[1]}
        assert rows == query(incremental, f"select count(*) from {table}")[0][0], table
    return differences


def scalar(sql: str) -> int:
    with duckdb.connect() as con:
        row = con.execute(sql).fetchone()
        return int(row[0]) if row else 0


def query_script(warehouse: Path, script: str) -> list[tuple]:
    """Run the statements of `script` in order; the rows of the last one (a sample of the
    differing rows)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        *setup, last = [s for s in script.split(";") if s.strip()]
        for statement in setup:
            con.execute(statement)
        return con.execute(last).fetchall()
    finally:
        con.close()
