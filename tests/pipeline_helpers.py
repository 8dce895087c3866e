"""Helpers shared by the end-to-end tests: run the nightly job with a pinned as-of instant,
query a warehouse read-only, and generate a history plus one day's delivery."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import duckdb

AS_OF = "2026-07-01 00:00:00"
"""Open tickets' clocks stop here in every e2e run (demo data ends 2026-06-30)."""
RUN_CONFIG = {"ops": {"warehouse_dbt_models": {"config": {"as_of": AS_OF}}}}


def run_nightly_job() -> dg.ExecuteInProcessResult:
    """The nightly job in process, on an ephemeral Dagster instance, as of AS_OF."""
    from orchestration.definitions import defs

    job = defs.resolve_job_def("nightly_job")
    return job.execute_in_process(
        run_config=RUN_CONFIG, instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
    )


def query(warehouse: Path, sql: str) -> list[tuple]:
    """Rows of `sql` on a read-only connection that is closed again."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def history_and_day(
    root: Path, tickets: int, seed: int, day: dt.date, days: int
) -> dict[str, Path]:
    """Demo data (CSV, one file per entity) ending on `day`, split into `root/history` and the
    day's delivery `root/day` (new records, changed and identical re-deliveries, records moved to
    another parent, late events for 2 % of older tickets)."""
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
    split_landing(root / "generated", root / "history", root / "day", day, 0.02, progress=False)
    return {"history": root / "history", "day": root / "day"}
