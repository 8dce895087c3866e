"""Build a warehouse from several deliveries, night by night or in one full refresh, and compare
two warehouses table by table (what the incremental-equals-full tests and
`python -m orchestration.incremental_check` share).

An incremental night must leave the warehouse a full refresh of the same data would build: every
table dbt builds holds the same rows apart from load metadata (when and in which order files were
loaded, and when a run wrote a row)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from orchestration.dbt.build import environ_override
from orchestration.duckdb_files import query_file

if TYPE_CHECKING:
    import dagster as dg

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


class NightFailed(RuntimeError):
    """A nightly job run of a built warehouse did not succeed."""


def run_nightly_job(
    as_of: str, full_refresh: bool = False, log_level: str | None = None
) -> dg.ExecuteInProcessResult:
    """The nightly job in process, on an ephemeral Dagster instance, as of `as_of` (a full
    refresh when asked). `log_level`: the console logger's level (default: Dagster's)."""
    import dagster as dg

    from orchestration.definitions import defs

    config = {"as_of": as_of, "full_refresh": full_refresh}
    run_config: dict[str, Any] = {"ops": {"warehouse_dbt_models": {"config": config}}}
    if log_level:
        run_config["loggers"] = {"console": {"config": {"log_level": log_level}}}
    job = defs.resolve_job_def("nightly_job")
    return job.execute_in_process(
        run_config=run_config, instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
    )


def succeeded(result: dg.ExecuteInProcessResult) -> dg.ExecuteInProcessResult:
    """`result`, when the run succeeded; NightFailed with the failures' messages otherwise."""
    if not result.success:
        raise NightFailed([e.message for e in result.all_events if e.is_failure])
    return result


def warehouse_environment(
    root: Path, timezones: tuple[str, str] = ("UTC", "UTC")
) -> dict[str, str]:
    """The settings (orchestration/settings.py) of a throw-away warehouse in `root`: landing
    folder, warehouse, Dagster home, serving file and quality reports all under it; `timezones`:
    the reporting time zone and the landing default one."""
    return {
        "LANDING_DIR": str(root / "landing"),
        "WAREHOUSE_PATH": str(root / "warehouse.duckdb"),
        "DAGSTER_HOME": str(root),
        "SERVING_PATH": str(root / "analytics.duckdb"),
        "QUALITY_REPORTS_DIR": str(root / "quality-reports"),
        "REPORTING_TIMEZONE": timezones[0],
        "LANDING_DEFAULT_TIMEZONE": timezones[1],
    }


def build_warehouse(
    root: Path,
    nights: Sequence[tuple[Path | None, str]],
    incremental: bool,
    timezones: tuple[str, str] = ("UTC", "UTC"),
    full_refresh_nights: frozenset[int] = frozenset(),
    log_level: str | None = None,
    on_night: Callable[[int], None] | None = None,
) -> dg.ExecuteInProcessResult:
    """A warehouse in `root` holding every night's delivery: `nights` are (delivery folder, or
    None for a night without a new file, as-of instant of that night's run), oldest first.
    Incremental: each night's delivery is loaded and built in turn as of its instant (the first
    night builds everything, as on a new warehouse; the others refresh incrementally, those whose
    index is in `full_refresh_nights` with `full_refresh: true`). Otherwise: all loaded at once
    and built with `full_refresh: true` as of the last night's instant. `timezones`: the reporting
    time zone and the landing default one. `on_night(index)` is called after each run. Returns
    the last run."""
    landing = root / "landing"
    landing.mkdir(parents=True)
    last = None
    with environ_override(**warehouse_environment(root, timezones)):
        for index, (delivery, as_of) in enumerate(nights):
            if delivery is not None:
                shutil.copytree(delivery, landing, dirs_exist_ok=True)
            if incremental:
                full = index in full_refresh_nights
                last = succeeded(run_nightly_job(as_of, full_refresh=full, log_level=log_level))
                if on_night:
                    on_night(index)
        if not incremental:
            last = succeeded(run_nightly_job(nights[-1][1], full_refresh=True, log_level=log_level))
            if on_night:
                on_night(len(nights) - 1)
    if last is None:
        raise ValueError("no night to build")
    return last


def query(warehouse: Path, sql: str) -> list[tuple]:
    """Rows of `sql` on a read-only connection that is closed again (`query_file`, for a
    warehouse that must exist)."""
    rows = query_file(warehouse, sql)
    if rows is None:
        raise FileNotFoundError(f"no warehouse at {warehouse}")
    return rows


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


def warehouse_differences(incremental: Path, full: Path, sample: int = 3) -> dict[str, Any]:
    """Every built table of the two warehouses compared row for row (load metadata left out):
    per differing table, a sample of `sample` rows only one of them holds. The two must have the
    same tables, columns and row counts (AssertionError otherwise)."""
    tables = built_tables(full)
    if built_tables(incremental) != tables:
        raise AssertionError("the two warehouses do not have the same tables and columns")
    if not any(t.startswith("marts.fct_") for t in tables):
        raise AssertionError(f"no fact table in {full}")
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
                    f" except all select {compared} from other.{table}) limit {sample}",
                )
            )
        rows = query(full, f"select count(*) from {table}")[0][0]
        if any(only):
            differences[table] = {"only incremental": only[0], "only full": only[1]}
        elif rows != query(incremental, f"select count(*) from {table}")[0][0]:
            raise AssertionError(f"{table}: the row counts differ")
    return differences
