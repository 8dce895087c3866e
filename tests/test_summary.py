"""The summary `make run` prints: rows per mart and headline KPIs, 'n/a' where a mart is missing."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.summary import render_summary


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
    text = render_summary(warehouse)
    lines = {
        line.split("  ")[1].strip(): line.split()[-1] for line in text.splitlines() if "  " in line
    }
    assert lines["fct_tickets"] == "2" and lines["kpi_survey_monthly"] == "2"
    assert lines["solved or closed (%)"] == "50.0"
    assert lines["median first response (calendar minutes)"] == "20.0"
    assert lines["tickets reopened (%)"] == "50.0"
    assert lines["tickets with an unknown customer"] == "1"
    assert lines["CSAT, all months (%)"] == "75.0"
    assert lines["NPS, all months"] == "25.0"
    assert lines["contacts (tickets, chats, inbound calls)"] == "n/a"  # no fct_contacts here


def test_summary_without_a_warehouse_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="make run"):
        render_summary(tmp_path / "missing.duckdb")
