"""Helpers shared by the end-to-end tests: run the nightly job with a pinned as-of instant, and
query a warehouse read-only."""

from __future__ import annotations

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
