"""Quality gates in the nightly job: a failing error-level check stops everything downstream, and
the warehouse keeps its previous marts (build-then-swap: dbt builds a working copy that replaces
the warehouse file only when every gate passed).

Layer by layer: mart (a GX mart suite fails on the build of newly landed data; an impossible value
edited into a mart fails its suite; a staged row edited outside dbt passes the night's raw and
staging checks but breaks a mart's tests; a ticket solved before it was created is kept and
flagged, not blocked), raw (a GX raw suite blocks the whole dbt step). The staging gate
(quarantine share) is in test_pipeline_e2e.py. The tests share one warehouse and run in file
order; the raw case runs last: its bad rows stay in raw.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from pipeline_helpers import run_nightly_job

from orchestration.demo import generate

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[1]
PUBLISH = dg.AssetKey(["publish_serving"])
PROMOTE = dg.AssetKey(["promote_warehouse_build"])


def digest(path: Path, sql: str) -> str:
    with duckdb.connect(str(path), read_only=True) as con:
        return hashlib.sha256(repr(con.execute(sql).fetchall()).encode()).hexdigest()


def materialized(result: dg.ExecuteInProcessResult) -> set[str]:
    return {
        e.asset_key.to_user_string()
        for e in result.get_asset_materialization_events()
        if e.asset_key is not None
    }


def started_steps(result: dg.ExecuteInProcessResult) -> set[str]:
    return {str(e.step_key) for e in result.all_events if e.event_type_value == "STEP_START"}


def step_failures(result: dg.ExecuteInProcessResult) -> str:
    return "\n".join(
        str(e.event_specific_data.error.message) for e in result.all_events if e.is_step_failure
    )


def marts_content(path: Path) -> dict[str, str]:
    """Every table of schema marts with a digest of all its rows (sorted by every column)."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' order by 1"
            ).fetchall()
        ]
        return {
            t: hashlib.sha256(
                repr(con.execute(f'select * from marts."{t}" order by all').fetchall()).encode()
            ).hexdigest()
            for t in tables
        }


def count(path: Path, sql: str) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return int(con.execute(sql).fetchone()[0])


def write_tickets(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["ticket_id", "created_at", "updated_at", "customer_id", "channel", "status"]
        )
        writer.writerows(rows)


def failed_checks(result: dg.ExecuteInProcessResult) -> dict[str, dg.AssetCheckEvaluation]:
    return {
        f"{e.asset_key.to_user_string()}:{e.check_name}": e
        for e in result.get_asset_check_evaluations()
        if not e.passed
    }


@pytest.fixture(scope="module")
def gated(
    pipeline_env: dict[str, Path], dbt_manifest: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Path]]:
    root = pipeline_env["root"]
    suites = root / "expectations"
    shutil.copytree(REPO_ROOT / "expectations", suites)
    paths = {
        **pipeline_env,
        "suites": suites,
        "reports": root / "reports",
        "serving": root / "analytics.duckdb",
    }
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("QUALITY_EXPECTATIONS_DIR", str(suites))
        mp.setenv("QUALITY_REPORTS_DIR", str(paths["reports"]))
        mp.setenv("SERVING_PATH", str(paths["serving"]))
        mp.setenv("SERVING_MODE", "duckdb")
        generate(out_dir=paths["landing"], tickets=400, seed=5, fmt="csv", end_date="2026-06-30")
        result = run_nightly_job()
        assert result.success, [e.message for e in result.all_events if e.is_failure]
        assert not [k for k, e in failed_checks(result).items() if "gx_suite" in k]
        yield paths


def test_reports_are_written_per_run_and_layer(gated: dict[str, Path]) -> None:
    reports = sorted(gated["reports"].glob("*/*.md"))
    assert {p.name for p in reports} == {"raw.md", "mart.md"}
    assert "raw_tickets" in (gated["reports"] / reports[0].parent.name / "raw.md").read_text()


def test_mart_gate_keeps_the_previous_marts_and_blocks_the_publish(gated: dict[str, Path]) -> None:
    """New good tickets are landed and built, but an (injected) error-level mart rule fails: the
    build is not promoted, so the warehouse's marts stay as they were, and the publish waits."""
    warehouse, failed_build = gated["warehouse"], gated["root"] / "warehouse.duckdb.failed.duckdb"
    serving_before = digest(gated["serving"], "select * from marts.fct_tickets order by ticket_id")
    marts_before = marts_content(warehouse)
    tickets_before = count(warehouse, "select count(*) from marts.fct_tickets")
    new = [
        [f"new-{i}", "2026-06-25T09:00:00Z", "2026-06-25T09:00:00Z", "c-new", "email", "open"]
        for i in range(20)
    ]
    write_tickets(gated["landing"] / "tickets" / "zz_new_good.csv", new)
    suite_path = gated["suites"] / "fct_tickets.json"
    original = suite_path.read_text()
    suite = json.loads(original)
    suite["expectations"].append(
        {
            "type": "unexpected_rows_expectation",
            "severity": "critical",
            "kwargs": {
                "unexpected_rows_query": "select ticket_id from {batch} where ticket_id is not null"
            },
            "meta": {"notes": "injected mart rule that every ticket breaks"},
        }
    )
    suite_path.write_text(json.dumps(suite))
    try:
        result = run_nightly_job()
    finally:
        suite_path.write_text(original)
    assert not result.success
    failed = failed_checks(result)
    check = failed["marts/fct_tickets:gx_suite"]
    assert check.severity == dg.AssetCheckSeverity.ERROR
    assert "injected mart rule" in (check.description or "")
    assert check.metadata["error_level_failures"].value == 1
    assert check.metadata["validated_file"].value.endswith("warehouse.duckdb.building.duckdb")
    message = step_failures(result)
    assert "check 'gx_suite' on asset 'marts/fct_tickets' failed" in message
    assert (
        f"injected mart rule that every ticket breaks ({tickets_before + 20} failing row(s))"
        in (message)
    )
    assert f"the failed build is kept as {failed_build}" in message
    assert not {PUBLISH.to_user_string(), PROMOTE.to_user_string()} & materialized(result)
    assert not {"publish_serving", "promote_warehouse_build"} & started_steps(result)
    assert digest(gated["serving"], "select * from marts.fct_tickets order by ticket_id") == (
        serving_before
    )
    # The warehouse keeps every mart as it was; the failed build (with the new tickets) is aside.
    assert marts_content(warehouse) == marts_before
    assert count(failed_build, "select count(*) from marts.fct_tickets") == tickets_before + 20
    assert not (gated["root"] / "warehouse.duckdb.building.duckdb").exists()
    # The landed rows are in the warehouse's raw schema once, and are not loaded again.
    assert count(warehouse, "select count(*) from raw.tickets where ticket_id like 'new-%'") == 20


def mart_gate_job() -> dg.JobDefinition:
    """nightly_job cut to the mart suites and the serving publish (no ingest, no dbt: a mart
    edited in place stays as edited)."""
    from orchestration.definitions import defs

    job = defs.resolve_job_def("nightly_job")
    checks = {
        key
        for key in job.asset_layer.asset_graph.asset_check_keys
        if key.name == "gx_suite" and key.asset_key.path[0] == "marts"
    }
    return job.get_subset(asset_selection={PUBLISH}, asset_check_selection=checks)


def test_bad_mart_data_fails_its_suite_and_blocks_the_publish(gated: dict[str, Path]) -> None:
    """No injected rule: an impossible value (CSAT 150 %) in a mart fails the mart's own suite."""
    overview = "select * from marts.kpi_support_overview_monthly order by date_month"
    serving_before = digest(gated["serving"], overview)
    with duckdb.connect(str(gated["warehouse"])) as con:
        month, csat = con.execute(
            "select date_month, csat_pct from marts.kpi_support_overview_monthly "
            "where csat_pct is not null order by date_month desc limit 1"
        ).fetchone()
        con.execute(
            "update marts.kpi_support_overview_monthly set csat_pct = 150 where date_month = ?",
            [month],
        )
    try:
        result = mart_gate_job().execute_in_process(
            instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
        )
    finally:
        with duckdb.connect(str(gated["warehouse"])) as con:
            con.execute(
                "update marts.kpi_support_overview_monthly set csat_pct = ? where date_month = ?",
                [csat, month],
            )
    assert not result.success
    failed = failed_checks(result)
    assert set(failed) == {"marts/kpi_support_overview_monthly:gx_suite"}
    check = failed["marts/kpi_support_overview_monthly:gx_suite"]
    assert check.severity == dg.AssetCheckSeverity.ERROR
    assert check.metadata["error_level_failures"].value == 1
    failure = check.metadata["failures"].value[0]
    assert "within 0-100" in failure["expectation"] and failure["failing"] == 1
    assert failure["sample"][0]["csat_pct"] == 150
    assert "mart_quality_checks" in started_steps(result)
    assert "publish_serving" not in started_steps(result)
    assert PUBLISH.to_user_string() not in materialized(result)
    assert digest(gated["serving"], overview) == serving_before


def test_mart_level_bad_data_keeps_the_previous_marts(gated: dict[str, Path]) -> None:
    """A staged ticket edited outside dbt (a manual fix gone wrong: an unknown channel, stamped
    as if staging had written it) passes the raw and staging checks of the night, which judge the
    newly landed rows, but breaks fct_tickets' tests. The warehouse keeps its marts and the rows
    landed that night; a re-run without new files neither loses nor reloads them and fails the
    same way. (Landed data no longer reaches a mart failure through staging: the case used before,
    a ticket solved before it was created, is kept and flagged now; see the next test.)"""
    warehouse, landing = gated["warehouse"], gated["landing"]
    failed_build = gated["root"] / "warehouse.duckdb.failed.duckdb"
    write_tickets(
        landing / "tickets" / "zz_landed_on_a_failing_night.csv",
        [["night-1", "2026-06-20T10:00:00Z", "2026-06-20T10:00:00Z", "c-1", "email", "open"]],
    )
    with duckdb.connect(str(warehouse)) as con:
        ticket_id, channel = con.execute(
            "select ticket_id, channel from staging.stg_landing__tickets order by ticket_id limit 1"
        ).fetchone()
        con.execute(
            "update staging.stg_landing__tickets set channel = 'carrier_pigeon',"
            " _refreshed_at = (select max(_refreshed_at) from staging.stg_landing__tickets)"
            " + interval 1 second where ticket_id = ?",
            [ticket_id],
        )
    marts_before = marts_content(warehouse)
    try:
        for attempt in ("landed", "re-run without new files"):
            result = run_nightly_job()
            assert not result.success, attempt
            failed = failed_checks(result)
            errors = {k for k, e in failed.items() if e.severity == dg.AssetCheckSeverity.ERROR}
            assert not [k for k in errors if k.startswith(("landing/", "staging/"))], attempt
            message = step_failures(result)
            assert "on asset 'fct_tickets' failed, 1 failing row(s)" in message, message
            assert f"the failed build is kept as {failed_build}" in message
            found = re.search(r"compiled SQL of the failing nodes is in (\S+)\.$", message, re.M)
            assert found, message
            compiled = Path(found.group(1))
            assert list(compiled.rglob("*fct_tickets*.sql")), compiled  # dbt's log names them
            assert not {PUBLISH.to_user_string(), PROMOTE.to_user_string()} & materialized(result)
            assert marts_content(warehouse) == marts_before, attempt
            landed = "select count(*) from raw.tickets where ticket_id = 'night-1'"
            assert count(warehouse, landed) == 1
            built = "select count(*) from marts.fct_tickets where ticket_id = 'night-1'"
            assert count(failed_build, built) == 1
    finally:
        with duckdb.connect(str(warehouse)) as con:
            con.execute(
                "update staging.stg_landing__tickets set channel = ? where ticket_id = ?",
                [channel, ticket_id],
            )
    tickets_check = failed_checks(result).get("landing/tickets:gx_suite")
    assert tickets_check is None  # the re-run found 0 new rows: skipped, passed
    skipped = {
        e.asset_key.to_user_string(): e
        for e in result.get_asset_check_evaluations()
        if e.check_name == "gx_suite" and e.asset_key.path[0] == "landing"
    }
    assert skipped["landing/tickets"].metadata["rows_validated"].value == 0
    assert "0 new rows" in (skipped["landing/tickets"].description or "")


def test_a_ticket_solved_before_it_was_created_is_kept_and_flagged(gated: dict[str, Path]) -> None:
    """A ticket whose solve event is a day older than the ticket (another system's clock): the
    raw suites warn, staging keeps it, and the marts keep it too, its clock starting at the
    creation (0 minutes to resolution, not -1440), flagged `has_activity_before_creation` and
    counted by a warning check. The night is promoted and published; before, the negative
    resolution time failed fct_tickets' blocking range tests and stopped it."""
    landing, warehouse = gated["landing"], gated["warehouse"]
    write_tickets(
        landing / "tickets" / "zz_solved_early.csv",
        [["early-1", "2026-06-20T10:00:00Z", "2026-06-20T10:00:00Z", "c-1", "email", "solved"]],
    )
    with (landing / "ticket_events" / "zz_solved_early.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["event_id", "ticket_id", "created_at", "event_type", "actor_role", "to_value"]
        )
        writer.writerow(
            ["early-e1", "early-1", "2026-06-19T10:00:00Z", "status_change", "agent", "solved"]
        )
    result = run_nightly_job()
    assert result.success, step_failures(result)
    assert {PUBLISH.to_user_string(), PROMOTE.to_user_string()} <= materialized(result)
    warning = failed_checks(result)["marts/fct_tickets:fct_tickets_activity_not_before_creation"]
    assert warning.severity == dg.AssetCheckSeverity.WARN
    with duckdb.connect(str(warehouse), read_only=True) as con:
        row = con.execute(
            "select has_activity_before_creation, full_resolution_minutes, last_solved_at"
            " from marts.fct_tickets where ticket_id = 'early-1'"
        ).fetchall()
    assert row == [(True, 0.0, dt.datetime(2026, 6, 20, 10, 0))]


def test_raw_gate_stops_dbt_before_staging(gated: dict[str, Path]) -> None:
    warehouse = gated["warehouse"]
    marts_before = digest(warehouse, "select * from marts.fct_tickets order by ticket_id")
    bad = gated["landing"] / "tickets" / "zz_no_customers.csv"
    with bad.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ticket_id", "created_at", "customer_id", "channel", "status"])
        for i in range(300):
            writer.writerow([f"nocust-{i}", "2026-06-20T10:00:00Z", "", "email", "open"])
    result = run_nightly_job()
    assert not result.success
    check = failed_checks(result)["landing/tickets:gx_suite"]
    assert check.severity == dg.AssetCheckSeverity.ERROR
    assert "customer_id" in (check.description or "")
    assert check.metadata["expectations_failed"].value >= 1
    built = materialized(result)
    assert "landing/tickets" in built
    assert not any(k.startswith(("staging/", "marts/")) for k in built)
    assert "warehouse_dbt_models" not in started_steps(result)
    assert digest(warehouse, "select * from marts.fct_tickets order by ticket_id") == marts_before
    message = step_failures(result)
    assert "check 'gx_suite' on asset 'landing/tickets' failed" in message
    assert "(300 failing row(s))" in message  # Id customer_id is delivered on at least 99 %

    # Next night, no new file: the raw suites see 0 new rows and pass; the staging quarantine
    # gate, which judges the tickets' latest delivered batch again, still holds the rows back.
    again = run_nightly_job()
    assert not again.success
    tickets = next(
        e
        for e in again.get_asset_check_evaluations()
        if e.asset_key == dg.AssetKey(["landing", "tickets"]) and e.check_name == "gx_suite"
    )
    assert tickets.passed and tickets.metadata["rows_validated"].value == 0
    failure = step_failures(again)
    assert "quarantine_within_limit" in failure and "stg_landing__tickets" in failure
    assert digest(warehouse, "select * from marts.fct_tickets order by ticket_id") == marts_before
