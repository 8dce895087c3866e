"""The only Dagster entry point: `dagster dev -m orchestration.definitions`."""

from __future__ import annotations

import dagster as dg

from orchestration.dbt.assets import warehouse_dbt_models
from orchestration.dbt.promote import promote_warehouse_build
from orchestration.ingest.assets import ingest_landing_files
from orchestration.jobs import nightly_job
from orchestration.quality.checks import quality_checks
from orchestration.resources import build_resources
from orchestration.schedules import nightly_schedule
from orchestration.serving.assets import publish_serving

defs = dg.Definitions(
    assets=[ingest_landing_files, warehouse_dbt_models, promote_warehouse_build, publish_serving],
    asset_checks=[*quality_checks],
    jobs=[nightly_job],
    schedules=[nightly_schedule],
    resources=build_resources(),
    # Every run, also an ad-hoc materialization from the UI, runs its steps in one process: the
    # warehouse lock and the working copy of build-then-swap live as long as the run.
    executor=dg.in_process_executor,
)
