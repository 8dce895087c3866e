"""Build-then-swap helpers on throw-away DuckDB files: copy, promote, refuse, keep the failure."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.dbt.build import build_kept_message, environ_override, promotes_later
from orchestration.quality.suites import (
    ERROR,
    WARN,
    ExpectationOutcome,
    Suite,
    SuiteOutcome,
    gate_failure_lines,
    gate_failure_message,
)
from orchestration.resources import WarehouseResource
from orchestration.warehouse_build import (
    BuildFiles,
    WarehouseChangedError,
    abandon_build,
    active_file,
    build_in_progress,
    has_incremental_models,
    keep_failed_build,
    promote_build,
    start_build,
    stored_columns,
    wal_path,
)


def make_warehouse(path: Path, marts: int) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists raw")
        con.execute("create schema if not exists marts")
        con.execute("create or replace table raw.tickets as select range as id from range(5)")
        con.execute(f"create or replace table marts.fct as select {marts} as version")


def read(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_build_is_a_copy_until_promoted(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    make_warehouse(warehouse, marts=1)
    started = start_build(warehouse)
    files = BuildFiles(warehouse)
    assert started.copy == files.building == tmp_path / "warehouse.duckdb.building.duckdb"
    assert started.bytes_copied == warehouse.stat().st_size > 0
    assert build_in_progress(warehouse) and active_file(warehouse) == files.building
    assert not wal_path(warehouse).exists()
    assert read(files.building, "select count(*) from raw.tickets") == [(5,)]

    make_warehouse(files.building, marts=2)  # dbt rebuilds the copy
    assert read(warehouse, "select version from marts.fct") == [(1,)]  # live file untouched
    promoted = promote_build(warehouse)
    assert promoted.warehouse == warehouse
    assert read(warehouse, "select version from marts.fct") == [(2,)]
    assert not files.building.exists() and not files.fingerprint.exists()
    assert active_file(warehouse) == warehouse and not build_in_progress(warehouse)


def test_promote_refuses_when_the_warehouse_was_written_during_the_build(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    make_warehouse(warehouse, marts=1)
    start_build(warehouse)
    with duckdb.connect(str(warehouse)) as con:  # e.g. a loader ignoring the lock
        con.execute("insert into raw.tickets values (99)")
    with pytest.raises(WarehouseChangedError, match="was written during the build"):
        promote_build(warehouse)
    assert read(warehouse, "select count(*) from raw.tickets") == [(6,)]  # nothing lost
    assert build_in_progress(warehouse)


def test_a_failed_build_is_kept_aside_and_replaces_an_older_one(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    make_warehouse(warehouse, marts=1)
    files = BuildFiles(warehouse)
    assert keep_failed_build(warehouse) is None
    for version in (2, 3):
        start_build(warehouse)
        make_warehouse(files.building, marts=version)
        assert keep_failed_build(warehouse) == files.failed
    assert read(files.failed, "select version from marts.fct") == [(3,)]
    assert read(warehouse, "select version from marts.fct") == [(1,)]
    assert not files.building.exists() and not files.fingerprint.exists()


def test_first_build_without_a_warehouse(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    started = start_build(warehouse)
    assert started.bytes_copied == 0 and not started.copy.exists()
    make_warehouse(started.copy, marts=1)
    promote_build(warehouse)
    assert read(warehouse, "select version from marts.fct") == [(1,)]


def test_the_run_moves_a_build_it_did_not_promote_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("WAREHOUSE_PATH", str(warehouse))
    make_warehouse(warehouse, marts=1)
    files = BuildFiles(warehouse)
    start_build(warehouse)  # left by an interrupted run
    resource = WarehouseResource(lock_timeout_seconds=1)
    with resource.yield_for_execution(dg.build_init_resource_context()) as held:
        assert files.failed.exists() and not files.building.exists()
        files.failed.unlink()
        start_build(held.path)
        assert held.models_path == files.building
    assert files.failed.exists() and not files.building.exists()
    assert read(warehouse, "select version from marts.fct") == [(1,)]


def test_environ_override_restores_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WAREHOUSE_PATH", "live.duckdb")
    monkeypatch.delenv("SOME_UNSET_NAME", raising=False)
    with environ_override(WAREHOUSE_PATH="copy.duckdb", SOME_UNSET_NAME="x"):
        assert os.environ["WAREHOUSE_PATH"] == "copy.duckdb"
        assert os.environ["SOME_UNSET_NAME"] == "x"
    assert os.environ["WAREHOUSE_PATH"] == "live.duckdb"
    assert "SOME_UNSET_NAME" not in os.environ


def test_promotes_later_follows_the_run_selection() -> None:
    assert promotes_later("promote", None, {"promote", "dbt"})  # the whole job
    assert promotes_later("promote", frozenset(), {"promote", "dbt"})  # as Dagster gives it
    assert not promotes_later("promote", None, {"dbt"})
    assert promotes_later("promote", {"promote", "dbt"}, {"promote", "dbt"})
    assert not promotes_later("promote", {"dbt"}, {"promote", "dbt"})  # a subset from the UI


def test_build_kept_message_names_both_files(tmp_path: Path) -> None:
    warehouse, kept = tmp_path / "w.duckdb", tmp_path / "w.duckdb.failed.duckdb"
    message = build_kept_message(warehouse, kept)
    assert f"{warehouse} keeps its previous" in message
    assert f"the failed build is kept as {kept} for inspection" in message
    assert "no build was kept" in build_kept_message(warehouse, None)


def test_gate_failure_message_names_check_asset_and_rows() -> None:
    suite = Suite("fct_x", "marts/fct_x", "select * from marts.fct_x", "mart", [])
    failing = ExpectationOutcome("k", "Durations are never negative.", ERROR, False, 3, [{"a": -1}])
    warning = ExpectationOutcome("k", "Volume anomaly.", WARN, False, 1)
    outcomes = [
        SuiteOutcome(suite, [failing, warning]),
        SuiteOutcome(suite, [warning]),  # warnings alone never stop the run
    ]
    lines = gate_failure_lines(outcomes, "gx_suite")
    assert lines == [
        "check 'gx_suite' on asset 'marts/fct_x' failed, 1 error-level expectation(s): "
        'Durations are never negative. (3 failing row(s)), e.g. {"a": -1}'
    ]
    message = gate_failure_message("mart", lines, "kept.")
    assert message is not None and message.startswith("Data-quality gate stopped the run at the")
    assert message.endswith(f"- {lines[0]}\nkept.")
    assert gate_failure_message("mart", gate_failure_lines(outcomes[1:], "gx_suite")) is None


def test_has_incremental_models_looks_for_the_refresh_stamp(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    assert not has_incremental_models(stored_columns(path))  # no file yet
    con = duckdb.connect(str(path))
    con.execute("create schema raw; create table raw.tickets (id varchar, _loaded_at timestamp)")
    con.close()
    # raw tables only: the first build is a full one
    assert not has_incremental_models(stored_columns(path))
    con = duckdb.connect(str(path))
    con.execute("create table main.fct_tickets (ticket_id varchar, _refreshed_at timestamp)")
    con.close()
    assert has_incremental_models(stored_columns(path))


def test_stored_columns_by_schema_and_table(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    assert stored_columns(path) == {}  # no file yet
    with duckdb.connect(str(path)) as con:
        con.execute(
            "create schema Marts; create table Marts.Fct_A (A_Id varchar, _refreshed_at timestamp)"
        )
    assert stored_columns(path) == {("marts", "fct_a"): {"a_id", "_refreshed_at"}}


def test_abandon_build_removes_the_working_copy_only(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    make_warehouse(warehouse, 1)
    before = warehouse.read_bytes()
    started = start_build(warehouse)
    assert started.copy.exists() and BuildFiles(warehouse).fingerprint.exists()
    abandon_build(warehouse)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["warehouse.duckdb"]
    assert warehouse.read_bytes() == before
