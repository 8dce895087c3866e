"""The nightly job end to end on generated data, and the gate that stops bad data."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from pipeline_helpers import query, run_nightly_job

from orchestration.demo import generate

pytestmark = pytest.mark.slow

END_DATE = "2026-06-30"
REPO_ROOT = Path(__file__).resolve().parents[1]
DBT = str(Path(sys.executable).with_name("dbt"))


def table_digest(warehouse: Path, table: str, order_by: str) -> str:
    """A hash of the table's rows, without `_refreshed_at` (when a run rewrote a row, not what
    the row says: a rerun may rewrite the rows of running clocks with the same values)."""
    schema, name = table.split(".")
    columns = [
        f'"{column}"'
        for (column,) in query(
            warehouse,
            "select column_name from information_schema.columns"
            f" where table_schema = '{schema}' and table_name = '{name}'"
            " and column_name != '_refreshed_at' order by ordinal_position",
        )
    ]
    rows = query(warehouse, f"select {', '.join(columns)} from {table} order by {order_by}")
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def landing_rows(landing: Path, entity: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for file in sorted((landing / entity).glob("*.csv")):
        with file.open(newline="", encoding="utf-8-sig") as handle:
            rows += list(csv.DictReader(handle))
    return rows


def materialized_keys(result: dg.ExecuteInProcessResult) -> set[str]:
    return {
        event.asset_key.to_user_string()
        for event in result.get_asset_materialization_events()
        if event.asset_key is not None
    }


@pytest.fixture(scope="module")
def built_warehouse(pipeline_env: dict[str, Path], dbt_manifest: Path) -> dict[str, Path]:
    generate(
        out_dir=pipeline_env["landing"],
        tickets=1500,
        seed=11,
        fmt="csv",
        end_date=END_DATE,
        days=400,
        files_per_entity=2,
    )
    result = run_nightly_job()
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    return pipeline_env


def test_marts_reconcile_with_landing_data(built_warehouse: dict[str, Path]) -> None:
    warehouse, landing = built_warehouse["warehouse"], built_warehouse["landing"]
    tickets = landing_rows(landing, "tickets")
    ticket_ids = {row["ticket_id"] for row in tickets}
    assert query(warehouse, "select count(*) from marts.fct_tickets")[0][0] == len(ticket_ids)
    assert query(warehouse, "select sum(new_tickets) from marts.kpi_support_daily")[0][0] == len(
        ticket_ids
    )
    solved_now = {
        r["ticket_id"] for r in tickets if r["status"].strip().lower() in ("solved", "closed")
    }
    assert query(warehouse, "select sum(solved_tickets) from marts.kpi_support_daily")[0][0] == len(
        solved_now
    )
    events = landing_rows(landing, "ticket_events")
    assert query(warehouse, "select count(*) from raw.ticket_events")[0][0] == len(events)
    customers = {row["customer_id"] for row in landing_rows(landing, "customers")}
    unknown = {row["customer_id"] for row in tickets} - customers
    known_false = query(
        warehouse,
        "select count(distinct customer_id) from marts.fct_tickets where not has_known_customer",
    )[0][0]
    assert known_false == len(unknown)


def test_first_response_matches_an_independent_computation(
    built_warehouse: dict[str, Path],
) -> None:
    """First public agent reply per ticket, recomputed in Python from the landing files."""
    landing, warehouse = built_warehouse["landing"], built_warehouse["warehouse"]
    created_by = {r["ticket_id"]: r["created_by_role"] for r in landing_rows(landing, "tickets")}
    by_ticket: dict[str, list[dict[str, str]]] = {}
    for event in landing_rows(landing, "ticket_events"):
        if event["event_type"] == "comment" and event["is_public"].lower() in ("true", "1", "yes"):
            by_ticket.setdefault(event["ticket_id"], []).append(event)
    expected: dict[str, str] = {}
    for ticket_id, comments in by_ticket.items():
        comments.sort(key=lambda e: (e["created_at"], e["event_id"]))
        replies = [c for c in comments if c["actor_role"] == "agent"]
        if created_by.get(ticket_id) == "agent" and comments[0]["actor_role"] == "agent":
            replies = replies[1:]
        if replies and ticket_id in created_by:
            expected[ticket_id] = replies[0]["created_at"].replace("T", " ").rstrip("Z")
    actual = dict(
        query(
            warehouse,
            "select ticket_id, strftime(first_response_at, '%Y-%m-%d %H:%M:%S')"
            " from marts.fct_tickets where first_response_at is not null",
        )
    )
    assert len(expected) > 100
    assert actual == {k: v[:19] for k, v in expected.items()}


def test_rerun_without_new_files_changes_nothing(built_warehouse: dict[str, Path]) -> None:
    warehouse = built_warehouse["warehouse"]
    before = table_digest(warehouse, "raw.tickets", "_file_id, _source_row")
    marts_before = table_digest(warehouse, "marts.fct_tickets", "ticket_id")
    result = run_nightly_job()
    assert result.success
    assert table_digest(warehouse, "raw.tickets", "_file_id, _source_row") == before
    assert table_digest(warehouse, "marts.fct_tickets", "ticket_id") == marts_before


def test_gate_stops_bad_data_before_the_marts(built_warehouse: dict[str, Path]) -> None:
    warehouse, landing = built_warehouse["warehouse"], built_warehouse["landing"]
    marts_before = table_digest(warehouse, "marts.fct_tickets", "ticket_id")
    staged_before = table_digest(warehouse, "staging.stg_landing__tickets", "ticket_id")
    bad = landing / "tickets" / "zz_bad_export.csv"
    with bad.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ticket_id", "created_at", "customer_id", "channel", "status"])
        for i in range(200):
            writer.writerow([f"bad-{i}", "2026-06-01T10:00:00Z", "c-1", "email", "archived"])
    result = run_nightly_job()
    assert not result.success
    failure = "\n".join(
        str(event.event_specific_data.error.message)
        for event in result.all_events
        if event.is_step_failure
    )
    assert "quarantine_within_limit" in failure and "stg_landing__tickets" in failure
    assert "failing row" in failure
    built = materialized_keys(result)
    assert "landing/tickets" in built
    assert not any(
        key.endswith("fct_tickets") or key.endswith("kpi_support_daily") for key in built
    )
    assert not {"promote_warehouse_build", "publish_serving"} & built
    assert table_digest(warehouse, "marts.fct_tickets", "ticket_id") == marts_before
    # Build-then-swap: staging was rebuilt in the working copy only; the warehouse keeps it too.
    assert table_digest(warehouse, "staging.stg_landing__tickets", "ticket_id") == staged_before
    failed_build = warehouse.with_name(warehouse.name + ".failed.duckdb")
    assert f"the failed build is kept as {failed_build}" in failure
    assert (
        query(failed_build, "select count(*) from quarantine.quarantine_landing__tickets")[0][0]
        >= 200
    )
    assert query(warehouse, "select count(*) from raw.tickets where ticket_id like 'bad-%'") == [
        (200,)
    ]


def test_every_dbt_unit_test_passes(
    built_warehouse: dict[str, Path], dbt_manifest: Path, tmp_path: Path
) -> None:
    """The nightly job leaves dbt unit tests out (they pin SQL logic, not tonight's data); here
    every one of them runs, against a copy of the built warehouse (their inputs must exist)."""
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse["warehouse"], warehouse)
    target = tmp_path / "dbt-target"
    result = subprocess.run(
        [
            *(DBT, "test", "--select", "test_type:unit", "--target-path", str(target)),
            *("--profiles-dir", str(REPO_ROOT), "--project-dir", str(REPO_ROOT)),
        ],
        cwd=REPO_ROOT,
        env={**os.environ, "WAREHOUSE_PATH": str(warehouse), "REPORTING_TIMEZONE": "UTC"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    unit_tests = json.loads(dbt_manifest.read_text())["unit_tests"]
    statuses = {
        r["unique_id"]: r["status"]
        for r in json.loads((target / "run_results.json").read_text())["results"]
    }
    assert set(statuses) == set(unit_tests)
    assert len(unit_tests) >= 40
    assert set(statuses.values()) == {"pass"}


def dbt_test_results(warehouse: Path, target: Path, *args: str) -> dict[str, str]:
    """`dbt test` against `warehouse`; the status of each test, by test name."""
    subprocess.run(
        [
            *(DBT, "test", "--exclude-resource-type", "unit_test", "--target-path", str(target)),
            *("--profiles-dir", str(REPO_ROOT), "--project-dir", str(REPO_ROOT), *args),
        ],
        cwd=REPO_ROOT,
        env={**os.environ, "WAREHOUSE_PATH": str(warehouse)},
        capture_output=True,
        text=True,
        check=False,
    )
    results = json.loads((target / "run_results.json").read_text())["results"]
    return {r["unique_id"].split(".")[2]: r["status"] for r in results}


def test_data_tests_read_the_rows_the_latest_run_wrote(
    built_warehouse: dict[str, Path], tmp_path: Path
) -> None:
    """Tests on incremental models read the newest rows (macros/test_scope.sql): a new row that
    repeats an old key fails `primary_key`, as does a new row without a key, one that repeats an
    old combination fails `unique_combination_of_columns`; a NULL or a repeated combination in
    older rows (checked when those rows were written) is not reported again, but an audit with
    test_all_rows finds it."""
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse["warehouse"], warehouse)
    con = duckdb.connect(str(warehouse))
    try:
        newest = con.execute("select max(_refreshed_at) from marts.fct_tickets").fetchone()[0]
        con.execute(
            "update marts.fct_tickets set status = null"
            " where ticket_id = (select min(ticket_id) from marts.fct_tickets)"
        )
        con.execute("update marts.fct_tickets set _refreshed_at = _refreshed_at - interval 1 day")
        # tonight's run rewrote one ticket, and its new row repeats an old ticket's key
        con.execute(
            "insert into marts.fct_tickets select * replace (? as _refreshed_at)"
            " from marts.fct_tickets where ticket_id = (select max(ticket_id) from"
            " marts.fct_tickets)",
            [newest],
        )
        # an older run wrote a response without a key (tonight's run rewrote another response);
        # tonight's run wrote a contact without a key
        con.execute(
            "update marts.fct_survey_responses set _refreshed_at = _refreshed_at - interval 1 day"
            " where response_id < (select max(response_id) from marts.fct_survey_responses)"
        )
        con.execute("update marts.fct_contacts set _refreshed_at = _refreshed_at - interval 1 day")
        con.execute(
            "update marts.fct_survey_responses set response_id = null"
            " where response_id = (select min(response_id) from marts.fct_survey_responses)"
        )
        con.execute(
            "insert into marts.fct_contacts"
            " select * replace (null as contact_id, ? as _refreshed_at) from marts.fct_contacts"
            " where contact_id = (select max(contact_id) from marts.fct_contacts)",
            [newest],
        )
        for table in ("kpi_agent_daily", "kpi_csat_by_dimension"):
            con.execute(f"update marts.{table} set _refreshed_at = _refreshed_at - interval 1 day")
        # tonight's run rewrote an agent's day; its new row repeats an old (agent, day) row whose
        # agent is not the first column value of any other newest row
        con.execute(
            "insert into marts.kpi_agent_daily select * replace (? as _refreshed_at)"
            " from marts.kpi_agent_daily where agent_id = (select max(agent_id) from"
            " marts.kpi_agent_daily) order by date_day limit 1",
            [newest],
        )
        # an older run's rows repeat a combination; tonight's run wrote another month
        con.execute(
            "insert into marts.kpi_csat_by_dimension select * from marts.kpi_csat_by_dimension"
            " where date_month = (select min(date_month) from marts.kpi_csat_by_dimension)"
        )
        con.execute(
            "update marts.kpi_csat_by_dimension set _refreshed_at = ?"
            " where date_month = (select max(date_month) from marts.kpi_csat_by_dimension)",
            [newest],
        )
    finally:
        con.close()
    select = (
        "--select",
        "fct_tickets,test_name:primary_key fct_tickets,test_name:not_null"
        " fct_survey_responses,test_name:primary_key fct_contacts,test_name:primary_key"
        " kpi_agent_daily,test_name:unique_combination_of_columns"
        " kpi_csat_by_dimension,test_name:unique_combination_of_columns",
    )
    agent_days = "unique_combination_of_columns_kpi_agent_daily_agent_id__date_day"
    csat_rows = (
        "unique_combination_of_columns_kpi_csat_by_dimension_date_month__dimension__dimension_value"
    )
    latest = dbt_test_results(warehouse, tmp_path / "latest", *select)
    assert latest["primary_key_fct_tickets_ticket_id"] == "fail"
    assert latest["not_null_fct_tickets_status"] == "pass"
    assert latest["primary_key_fct_survey_responses_response_id"] == "pass"
    assert latest["primary_key_fct_contacts_contact_id"] == "fail"
    assert latest[agent_days] == "fail"
    assert latest[csat_rows] == "pass"
    audit = dbt_test_results(
        warehouse, tmp_path / "audit", *select, "--vars", '{"test_all_rows": true}'
    )
    assert audit["primary_key_fct_tickets_ticket_id"] == "fail"
    assert audit["not_null_fct_tickets_status"] == "fail"
    assert audit["primary_key_fct_survey_responses_response_id"] == "fail"
    assert audit["primary_key_fct_contacts_contact_id"] == "fail"
    assert audit[agent_days] == "fail"
    assert audit[csat_rows] == "fail"


def test_mart_suites_read_the_rows_the_latest_run_wrote(
    built_warehouse: dict[str, Path], tmp_path: Path
) -> None:
    """Every GX mart suite, its SQL marked `latest_rows` included, runs on the latest run's rows
    of each table refreshed by scope and passes; a bad row an earlier run wrote is not reported
    again, but QUALITY_ALL_ROWS (all_rows) finds it, and a new bad row is found."""
    from orchestration.quality.gx_runner import run_suites, stamped_relations
    from orchestration.quality.suites import load_suites

    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse["warehouse"], warehouse)
    stamped = sorted(stamped_relations(warehouse))
    assert "marts.fct_tickets" in stamped and "marts.fct_sla_events" in stamped
    con = duckdb.connect(str(warehouse))
    try:
        for table in stamped:  # the latest run rewrote about a tenth of each table
            con.execute(
                f"update {table} set _refreshed_at = _refreshed_at - interval 1 day"
                " where rowid % 10 != 0"
            )
        old_ticket, new_ticket = con.execute(
            "select min(ticket_id) filter (where _refreshed_at < m),"
            " min(ticket_id) filter (where _refreshed_at = m)"
            " from marts.fct_tickets, (select max(_refreshed_at) as m from marts.fct_tickets)"
        ).fetchone()
        con.execute(
            "update marts.fct_tickets set first_solved_at = created_at - interval 1 hour"
            " where ticket_id = ?",
            [old_ticket],
        )
    finally:
        con.close()
    suites = load_suites("mart")
    solved_rule = "No ticket is solved before it was created."

    def failed(outcomes: list) -> dict[str, list[str]]:
        return {o.suite.name: [f.description for f in o.failed] for o in outcomes if o.failed}

    latest = run_suites(warehouse, suites, all_rows=False, scope_min_rows=1)
    assert failed(latest) == {}
    scoped = {o.suite.name: o for o in latest if o.latest_rows is not None}
    assert {f"marts.{name}" for name in scoped} == set(stamped) & {
        f"marts.{s.name}" for s in suites
    }
    assert all(0 < o.latest_rows < o.batch_rows for o in scoped.values())
    audit = run_suites(warehouse, suites, all_rows=True, scope_min_rows=1)
    assert failed(audit) == {"fct_tickets": [solved_rule]}

    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "update marts.fct_tickets set first_solved_at = created_at - interval 1 hour"
            " where ticket_id = ?",
            [new_ticket],
        )
    [tickets] = run_suites(
        warehouse, [s for s in suites if s.name == "fct_tickets"], all_rows=False, scope_min_rows=1
    )
    assert [f.description for f in tickets.failed] == [solved_rule]
    assert tickets.failed[0].failures == 1
