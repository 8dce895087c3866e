"""The summary `make run` prints: rows per mart and headline KPIs, 'n/a' where a mart is missing."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.summary import render_summary, serving_file


def test_summary_counts_rows_and_computes_headlines(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.fct_tickets as select * from (values"
            " (true, 10.0, 100.0, 0, true), (false, 30.0, null, 1, false))"
            " as t(is_solved, first_response_minutes, full_resolution_minutes, reopens_count,"
            " has_known_customer)"
        )
        con.execute(
            "create table marts.kpi_survey_monthly as select * from (values"
            " ('csat', 4, 3, 0, 0), ('nps', 4, 0, 2, 1))"
            " as t(survey_type, responses, satisfied, promoters, detractors)"
        )
        con.execute("create table marts.fct_ticket_replies as select 1 as ticket_id where false")
    serving = tmp_path / "analytics.duckdb"
    serving.touch()
    text = render_summary(warehouse, serving)
    assert f"Serving file for BI tools (the published marts): {serving}" in text
    lines = {
        line.split("  ")[1].strip(): line.split()[-1] for line in text.splitlines() if "  " in line
    }
    assert lines["fct_tickets"] == "2" and lines["kpi_survey_monthly"] == "2"
    assert lines["fct_ticket_replies"] == "0"  # an empty mart is counted, not skipped
    assert lines["tickets solved or closed (%)"] == "50.0"
    assert lines["tickets: median first response (calendar minutes)"] == "20.0"
    assert lines["tickets reopened (%)"] == "50.0"
    assert lines["tickets with an unknown customer"] == "1"
    assert lines["CSAT, all months (%)"] == "75.0"
    assert lines["NPS, all months"] == "25.0"
    assert lines["contacts (tickets, chats, inbound calls)"] == "n/a"  # no fct_contacts here


def test_summary_without_a_warehouse_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="make run"):
        render_summary(tmp_path / "missing.duckdb")


def test_a_kpi_with_nothing_to_measure_says_so(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.kpi_survey_monthly as select * from (values"
            " ('csat', 4, 3, 0, 0)) as t(survey_type, responses, satisfied, promoters, detractors)"
        )
    text = render_summary(warehouse)
    assert "NPS, all months" in text and "None" not in text
    nps = next(line for line in text.splitlines() if "NPS, all months" in line)
    assert nps.endswith("no data")
    assert "Serving file" not in text


def test_the_serving_file_is_the_published_duckdb_file(tmp_path: Path) -> None:
    assert serving_file({"SERVING_PATH": str(tmp_path / "bi.duckdb")}) == tmp_path / "bi.duckdb"
    assert serving_file({"SERVING_MODE": "parquet"}) is None
    assert serving_file({"SERVING_MODE": "nonsense"}) is None
