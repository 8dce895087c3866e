"""Helpers shared by the end-to-end tests: run the nightly job with a pinned as-of instant,
query a warehouse read-only, generate a history plus two days' deliveries, build a warehouse
from several deliveries night by night or in one full refresh, and compare two warehouses table
by table (those last ones live in orchestration/warehouse_compare.py, which
`python -m orchestration.incremental_check` shares)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import duckdb

from orchestration import warehouse_compare
from orchestration.warehouse_compare import (
    build_warehouse,
    built_tables,
    compared_columns,
    query,
    query_script,
    warehouse_differences,
)

__all__ = [
    "AS_OF",
    "build_warehouse",
    "built_tables",
    "compared_columns",
    "history_and_two_days",
    "query",
    "query_script",
    "run_nightly_job",
    "scalar",
    "warehouse_differences",
]

AS_OF = "2026-07-01 00:00:00"
"""Open tickets' clocks stop here in every e2e run (demo data ends 2026-06-30)."""


def run_nightly_job(as_of: str = AS_OF, full_refresh: bool = False) -> dg.ExecuteInProcessResult:
    """The nightly job in process, on an ephemeral Dagster instance, as of `as_of` (a full
    refresh when asked)."""
    return warehouse_compare.run_nightly_job(as_of, full_refresh)


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


def scalar(sql: str) -> int:
    with duckdb.connect() as con:
        row = con.execute(sql).fetchone()
        return int(row[0]) if row else 0
