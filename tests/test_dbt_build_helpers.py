"""Unit tests for the pure helpers around the dbt step."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from orchestration.dbt.build import (
    KEPT_MARKER,
    FailedNode,
    build_threads,
    dbt_build_args,
    describe_failures,
    describe_outdated,
    failed_nodes,
    flagged_nodes,
    keep_or_remove_target,
    keep_parse_state,
    outdated_tables,
    parse_state_dir,
    reuse_parse_state,
)
from orchestration.dbt.translator import group_for_node

MANIFEST = {
    "nodes": {
        "test.support_warehouse.quarantine_within_limit_stg_tickets.abc": {
            "name": "quarantine_within_limit_stg_tickets",
            "resource_type": "test",
            "attached_node": "model.support_warehouse.stg_landing__tickets",
            "depends_on": {"nodes": ["model.support_warehouse.stg_landing__tickets"]},
        },
        "model.support_warehouse.fct_tickets": {"name": "fct_tickets", "resource_type": "model"},
    },
    "unit_tests": {
        "unit_test.support_warehouse.fct_tickets.ut_x": {
            "name": "ut_x",
            "resource_type": "unit_test",
            "package_name": "support_warehouse",
            "model": "fct_tickets",
        }
    },
}


def test_build_args_default_and_options() -> None:
    default = ["build", "--log-level-file", "none", "--exclude-resource-type", "unit_test"]
    assert dbt_build_args() == default
    args = dbt_build_args(full_refresh=True, dbt_vars={"as_of": "2024-01-01 00:00:00"})
    assert args[:6] == [*default, "--full-refresh"]
    assert args[6] == "--vars" and '"as_of": "2024-01-01 00:00:00"' in args[7]
    assert dbt_build_args(threads=1)[-2:] == ["--threads", "1"]


def test_full_builds_get_their_own_thread_count() -> None:
    # a full refresh, or a first build (no incremental model yet): every model from scratch
    assert build_threads(True, True, 1) == 1
    assert build_threads(False, False, 3) == 3
    # an incremental night keeps the profile's DBT_THREADS
    assert build_threads(False, True, 1) is None


def test_failed_nodes_names_check_asset_and_rows() -> None:
    run_results = {
        "results": [
            {
                "unique_id": "test.support_warehouse.quarantine_within_limit_stg_tickets.abc",
                "status": "fail",
                "failures": 3,
                "message": "Got 3 results, configured to fail if != 0",
            },
            {"unique_id": "model.support_warehouse.fct_tickets", "status": "success"},
            {
                "unique_id": "unit_test.support_warehouse.fct_tickets.ut_x",
                "status": "fail",
                "failures": None,
                "message": "actual differs from expected",
            },
        ]
    }
    found = failed_nodes(run_results, MANIFEST)
    assert [f.name for f in found] == ["quarantine_within_limit_stg_tickets", "ut_x"]
    assert found[0].attached_to == "stg_landing__tickets" and found[0].failures == 3
    assert found[1].attached_to == "fct_tickets"
    message = describe_failures(found)
    assert "check 'quarantine_within_limit_stg_tickets' on asset 'stg_landing__tickets'" in message
    assert "3 failing row(s)" in message
    assert "downstream assets were not rebuilt" in message


def test_describe_errors_and_empty() -> None:
    error = FailedNode("fct_tickets", "model", "error", "fct_tickets", None, "Binder Error: x")
    assert "model 'fct_tickets' errored: Binder Error: x" in describe_failures([error])
    assert "no failing node" in describe_failures([])


def test_group_for_node_follows_layer_folder() -> None:
    assert group_for_node({"resource_type": "seed", "fqn": ["p", "holidays"]}) == "reference"
    model = {"resource_type": "model", "fqn": ["p", "marts", "support", "fct_tickets"]}
    assert group_for_node(model) == "marts"
    assert group_for_node({"resource_type": "source", "fqn": ["p", "landing", "t"]}) is None


def test_the_nightly_parse_state_is_kept_and_reused(tmp_path: Path) -> None:
    state, first, second = tmp_path / "state", tmp_path / "build-1", tmp_path / "build-2"
    assert not reuse_parse_state(state, first)  # the first run has none: dbt parses everything
    assert not keep_parse_state(first, state)  # a run that wrote none leaves nothing
    first.mkdir()
    (first / "partial_parse.msgpack").write_bytes(b"state of run 1")
    assert keep_parse_state(first, state)
    assert reuse_parse_state(state, second)
    assert (second / "partial_parse.msgpack").read_bytes() == b"state of run 1"


def test_each_warehouse_keeps_its_own_parse_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "nightly-parse-state"
    demo, bench = tmp_path / "data" / "warehouse.duckdb", tmp_path / "bench" / "warehouse.duckdb"
    assert parse_state_dir(root, demo).parent == root
    assert parse_state_dir(root, demo) != parse_state_dir(root, bench)
    monkeypatch.chdir(tmp_path)  # a relative path names the same warehouse as its absolute one
    assert parse_state_dir(root, Path("data/warehouse.duckdb")) == parse_state_dir(root, demo)
    built = tmp_path / "build-1"
    built.mkdir()
    (built / "partial_parse.msgpack").write_bytes(b"state of the demo warehouse")
    assert keep_parse_state(built, parse_state_dir(root, demo))
    assert not reuse_parse_state(parse_state_dir(root, bench), tmp_path / "build-2")
    assert reuse_parse_state(parse_state_dir(root, demo), tmp_path / "build-3")


def test_outdated_tables_are_incremental_models_missing_documented_columns() -> None:
    def model(name: str, materialized: str, *columns: str) -> dict[str, Any]:
        return {
            "resource_type": "model",
            "name": name,
            "schema": "marts",
            "config": {"materialized": materialized},
            "columns": {c: {} for c in columns},
        }

    manifest = {
        "nodes": {
            "model.p.fct_a": model("fct_a", "incremental", "a_id", "_refreshed_at"),
            "model.p.fct_b": model("fct_b", "incremental", "b_id", "_Refreshed_At"),
            "model.p.kpi_c": model("kpi_c", "table", "c_id", "new_column"),
            "model.p.fct_new": model("fct_new", "incremental", "n_id"),
            "test.p.t": {"resource_type": "test", "name": "t", "schema": "marts"},
        }
    }
    stored = {
        ("marts", "fct_a"): {"a_id"},
        ("marts", "fct_b"): {"b_id", "_refreshed_at"},
        ("marts", "kpi_c"): {"c_id"},
    }
    outdated = outdated_tables(manifest, stored)
    # fct_b matches whatever the case; kpi_c is rebuilt anyway; fct_new is not built yet.
    assert outdated == {"fct_a": ["_refreshed_at"]}
    message = describe_outdated(outdated)
    assert "- fct_a: no column _refreshed_at" in message and "full_refresh: true" in message
    assert outdated_tables(manifest, {}) == {}


def test_a_builds_target_folder_stays_only_when_a_node_failed_or_warned(tmp_path: Path) -> None:
    results = {
        "results": [
            {"status": "pass"},
            {"status": "warn"},
            {"status": "success"},
            {"status": "fail"},
            {"status": "skipped"},
        ]
    }
    assert flagged_nodes(results) == 2
    assert flagged_nodes({"results": [{"status": "pass"}, {"status": "success"}]}) == 0
    assert flagged_nodes({}) == 0

    clean = tmp_path / "build-clean"
    (clean / "compiled").mkdir(parents=True)
    assert keep_or_remove_target(clean, flagged=0) is False
    assert not clean.exists()

    running = tmp_path / "build-running"  # another run's folder, not kept (no marker)
    running.mkdir()
    for n in range(4):
        folder = tmp_path / f"build-{n}"
        (folder / "compiled").mkdir(parents=True)
        assert keep_or_remove_target(folder, flagged=1, keep=2) is True
        assert (folder / KEPT_MARKER).exists()
        os.utime(folder / KEPT_MARKER, (1_000 + n, 1_000 + n))
    # only the newest two kept folders remain; the unmarked one is left alone
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build-2", "build-3", "build-running"]
