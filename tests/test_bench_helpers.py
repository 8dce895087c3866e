"""Pure helpers of the benchmark script (orchestration/bench.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from orchestration.bench import (
    StepResult,
    clean_work_dir,
    layer_of,
    machine_speed,
    measure,
    step_times,
    time_breakdown,
)


def test_layer_of_names_the_layer_of_each_kind_of_dbt_node() -> None:
    project = "support_warehouse"
    assert layer_of(f"seed.{project}.holidays") == "seeds"
    assert layer_of(f"unit_test.{project}.fct_tickets.first_response_agent_created") == "unit tests"
    assert layer_of(f"test.{project}.not_null_fct_tickets_ticket_id.5a1b") == "data tests"
    assert layer_of(f"model.{project}.base_landing__tickets") == "staging models"
    assert layer_of(f"model.{project}.quarantine_landing__tickets") == "staging models"
    assert layer_of(f"model.{project}.stg_landing__tickets") == "staging models"
    assert layer_of(f"model.{project}.int_ticket_reply_turns_paired") == "intermediate models"
    assert layer_of(f"model.{project}.kpi_support_daily") == "mart models"
    assert layer_of(f"model.{project}.my_scratch_model") == "other"
    assert layer_of(f"snapshot.{project}.customers_snapshot") == "other"


def test_time_breakdown_sums_layers_and_lists_the_slowest_nodes() -> None:
    run_results = {
        "results": [
            {"unique_id": "model.p.stg_landing__tickets", "execution_time": 3.0},
            {"unique_id": "model.p.base_landing__tickets", "execution_time": 2.5},
            {"unique_id": "model.p.fct_tickets", "execution_time": 4.0},
            {"unique_id": "test.p.not_null_fct_tickets_ticket_id.1", "execution_time": 0.25},
            {"unique_id": "test.p.unique_fct_tickets_ticket_id.2", "execution_time": 0.5},
        ],
        "elapsed_time": 10.46,
    }
    assert time_breakdown(run_results, slowest=2) == (
        "nodes 10.5 s (dbt's elapsed time); staging models 5.5 s, mart models 4.0 s,"
        " data tests 0.8 s; slowest: fct_tickets 4.0 s, stg_landing__tickets 3.0 s"
    )
    del run_results["elapsed_time"]
    assert time_breakdown(run_results, slowest=1).startswith("staging models 5.5 s")


def test_step_times_lists_dagster_steps_in_the_order_they_ran() -> None:
    class Stat:
        def __init__(self, key: str, start: float | None, end: float | None) -> None:
            self.step_key, self.start_time, self.end_time = key, start, end

    stats = [Stat("dbt", 10.0, 52.25), Stat("ingest", 0.0, 9.5), Stat("skipped", None, None)]
    assert step_times(stats) == "ingest 9.5 s, dbt 42.2 s"


def test_measure_records_a_failing_step_instead_of_raising() -> None:
    def broken() -> str:
        raise OSError("database does not exist")

    result = measure("dashboard queries", broken)
    assert result.failed
    assert result.note == "FAILED: OSError: database does not exist"
    assert not measure("ok", lambda: "3 rows").failed
    assert StepResult("job", 1.0, 1.0, "FAILED; ingest 1.0 s").failed


def test_measure_gives_the_peak_of_subprocesses_alone_on_request() -> None:
    script = "x = bytearray(300 * 2**20); import time; time.sleep(0.5)"
    result = measure(
        "child",
        lambda: subprocess.run([sys.executable, "-c", script], check=True) and "ran",
        subprocess_name="the child",
    )
    child_mb = float(result.note.rsplit("alone ", 1)[1].removesuffix(" MB").replace(",", ""))
    assert 300 <= child_mb < result.peak_mb
    assert result.note.startswith("ran; peak of the child alone")
    assert "alone" not in measure("no child", lambda: "ran").note


def test_machine_speed_reports_both_figures_and_cleans_up(tmp_path: Path) -> None:
    note = machine_speed(tmp_path, megabytes=4)
    assert "Python loop of 20M additions" in note and "MB written and flushed at" in note
    assert list(tmp_path.iterdir()) == []


def test_the_work_dir_keeps_only_the_job_logs_after_a_failed_step(tmp_path: Path) -> None:
    for root in (tmp_path / "failed", tmp_path / "passed"):
        (root / "landing" / "tickets").mkdir(parents=True)
        (root / "landing" / "tickets" / "t.csv").write_text("ticket_id\n")
        (root / "warehouse.duckdb").write_bytes(b"x")
        (root / "nightly-job-full.log").write_text("RUN_FAILURE")
    clean_work_dir(tmp_path / "failed", keep_logs=True)
    clean_work_dir(tmp_path / "passed", keep_logs=False)
    assert [p.name for p in (tmp_path / "failed").iterdir()] == ["nightly-job-full.log"]
    assert not (tmp_path / "passed").exists()
