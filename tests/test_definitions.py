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


def test_an_ignored_or_rejected_file_fails_the_files_accepted_warning() -> None:
    from orchestration.ingest.assets import FILES_ACCEPTED_CHECK, rejected_files_check
    from orchestration.ingest.loader import EntityLoadResult

    clean = rejected_files_check(EntityLoadResult(entity="teams", files_loaded=["teams/a.csv"]))
    assert clean.passed and clean.check_name == FILES_ACCEPTED_CHECK
    ignored = rejected_files_check(
        EntityLoadResult(entity="teams", files_ignored=[("teams/b.tsv", "unsupported suffix")])
    )
    assert not ignored.passed and ignored.severity == dg.AssetCheckSeverity.WARN
    assert ignored.metadata["files_ignored"].value == 1
    assert "teams/b.tsv: ignored, unsupported suffix" in str(ignored.metadata["ignored"].value)
    rejected = rejected_files_check(
        EntityLoadResult(entity="teams", files_rejected=[("teams/c.csv", "no header")])
    )
    assert not rejected.passed and rejected.metadata["files_rejected"].value == 1
