"""publish_serving in the real nightly job: it publishes after the marts, and a failed gate
publishes nothing (the previous serving file stays)."""

from __future__ import annotations

import csv
from pathlib import Path

import dagster as dg
import pytest
from pipeline_helpers import query, run_nightly_job

from orchestration.demo import generate

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[1]


def test_publish_serving_depends_on_every_mart(dbt_manifest: Path) -> None:
    from orchestration.definitions import defs
    from orchestration.serving.assets import MART_KEYS

    graph = defs.resolve_asset_graph()
    key = dg.AssetKey("publish_serving")
    marts = {k for k in graph.get_all_asset_keys() if k.path[0] == "marts"}
    assert marts and set(MART_KEYS) == marts
    promote = dg.AssetKey("promote_warehouse_build")
    assert graph.get(key).parent_keys == marts | {promote}  # publishes the swapped build
    assert graph.get(promote).parent_keys == marts
    assert graph.get(key).group_name == "serving"
    selected = defs.resolve_job_def("nightly_job").asset_layer.selected_asset_keys
    assert {key, promote} <= selected


def test_nightly_job_publishes_and_a_failed_gate_keeps_the_previous_file(
    pipeline_env: dict[str, Path], dbt_manifest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serving = pipeline_env["root"] / "serving" / "analytics.duckdb"
    monkeypatch.setenv("SERVING_PATH", str(serving))
    generate(
        out_dir=pipeline_env["landing"],
        tickets=800,
        seed=5,
        fmt="csv",
        end_date="2026-06-30",
        days=200,
        files_per_entity=1,
    )
    result = run_nightly_job()
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    warehouse = pipeline_env["warehouse"]
    tickets = query(warehouse, "select count(*) from marts.fct_tickets")
    assert query(serving, "select count(*) from marts.fct_tickets") == tickets
    schemas = query(serving, "select distinct table_schema from information_schema.tables")
    assert schemas == [("marts",)]
    columns = {c for (c,) in query(serving, "select column_name from information_schema.columns")}
    assert not columns & {"customer_name", "agent_name", "email", "subject"}
    # The Metabase questions shipped in dashboards/metabase run on the serving file.
    for question in sorted((REPO_ROOT / "dashboards" / "metabase").glob("*.sql")):
        rows = query(serving, question.read_text())
        assert rows and rows[0][-1] is not None, question.name
    inode = serving.stat().st_ino

    bad = pipeline_env["landing"] / "tickets" / "zz_bad_export.csv"
    with bad.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ticket_id", "created_at", "customer_id", "channel", "status"])
        for i in range(200):
            writer.writerow([f"bad-{i}", "2026-06-01T10:00:00Z", "c-1", "email", "archived"])
    failed = run_nightly_job()
    assert not failed.success
    published = [
        e
        for e in failed.get_asset_materialization_events()
        if e.asset_key == dg.AssetKey("publish_serving")
    ]
    assert published == []
    assert serving.stat().st_ino == inode
    assert query(serving, "select count(*) from marts.fct_tickets") == tickets
