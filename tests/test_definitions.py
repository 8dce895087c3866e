"""The Dagster definitions load and expose the expected graph, job, schedule and gates."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from orchestration.ingest.contract import ENTITIES


def test_definitions_graph(dbt_manifest: Path) -> None:
    from orchestration.definitions import defs

    keys = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    for entity in ENTITIES:
        assert f"landing/{entity}" in keys
        assert f"staging/stg_landing__{entity}" in keys
    for mart in ("fct_tickets", "kpi_support_daily", "dim_agents", "dim_customers", "dim_teams"):
        assert f"marts/{mart}" in keys
    job = defs.resolve_job_def("nightly_job")
    assert job.executor_def is dg.in_process_executor
    schedule = defs.resolve_schedule_def("nightly_schedule")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "UTC"


def test_error_tests_are_blocking_and_warnings_are_not(dbt_manifest: Path) -> None:
    from orchestration.dbt.assets import warehouse_dbt_models

    specs = list(warehouse_dbt_models.check_specs)
    blocking = {s.name for s in specs if s.blocking}
    non_blocking = {s.name for s in specs if not s.blocking}
    assert any(name.startswith("primary_key_fct_tickets") for name in blocking)
    assert any("has_known_customer" in name for name in non_blocking)
