"""The nightly job: ingest every landing entity, then `dbt build` (models, seeds, tests)."""

from __future__ import annotations

import dagster as dg

# In-process: the steps share one warehouse lock and DuckDB never sees two writers.
nightly_job = dg.define_asset_job(
    name="nightly_job",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Load new landing files, build and test every dbt model, refresh the marts.",
    tags={"warehouse": "write"},
)
