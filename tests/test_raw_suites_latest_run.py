"""The raw GX suites judge the rows of the latest load run, not every row ever loaded.

Files are loaded with the real loader (one load run per call) and the suites validated with GX on
the throw-away warehouse, as the nightly job's raw checks do.
"""

from __future__ import annotations

import csv
import dataclasses
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.ingest.loader import load_landing
from orchestration.quality.suites import ERROR, Suite, SuiteOutcome, load_suites

pytestmark = pytest.mark.slow

HEADER = ["ticket_id", "created_at", "customer_id", "channel", "status"]
PARSE_RULE = "created_at values parse"


def deliver(landing: Path, name: str, prefix: str, rows: int, created_at: str) -> None:
    path = landing / "tickets" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(rows):
            writer.writerow([f"{prefix}-{i}", created_at, f"c-{i}", "email", "open"])


def load(landing: Path, warehouse: Path) -> None:
    with duckdb.connect(str(warehouse)) as con:
        load_landing(con, landing)


def validate(warehouse: Path, *suites: Suite) -> dict[str, SuiteOutcome]:
    from orchestration.quality.gx_runner import run_suites

    return {o.suite.name: o for o in run_suites(warehouse, suites)}


def suite(name: str) -> Suite:
    return next(s for s in load_suites("raw") if s.name == name)


def parse_failure(outcome: SuiteOutcome) -> dict[str, object]:
    [failure] = [f for f in outcome.failed if PARSE_RULE in f.description]
    assert failure.level == ERROR
    return failure.sample[0]


def test_an_old_bad_file_does_not_fail_a_later_good_run(tmp_path: Path) -> None:
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse.duckdb"
    deliver(landing, "01_bad.csv", "bad", 50, "yesterday")
    load(landing, warehouse)
    first = validate(warehouse, suite("raw_tickets"), suite("raw_calls"))
    assert first["raw_tickets"].level == ERROR  # the bad file fails the run that loads it
    assert parse_failure(first["raw_tickets"])["unparseable_rows"] == 50
    assert first["raw_calls"].skipped_reason and first["raw_calls"].passed

    deliver(landing, "02_good.csv", "good", 50, "2026-06-01T10:00:00Z")
    load(landing, warehouse)
    second = validate(warehouse, suite("raw_tickets"))["raw_tickets"]
    assert second.passed and second.skipped_reason is None
    assert second.batch_rows == 50 and second.outcomes

    load(landing, warehouse)  # nothing new: a load run with 0 new rows
    with pytest.MonkeyPatch.context() as patch:  # nothing to validate: GX is not even imported
        patch.setitem(sys.modules, "great_expectations", None)
        third = validate(warehouse, suite("raw_tickets"))["raw_tickets"]
    assert third.passed and third.batch_rows == 0 and not third.outcomes
    assert third.skipped_reason == (
        "0 new rows: no rows of raw.tickets loaded by the latest load run"
    )


def test_a_bad_new_file_fails_after_much_good_history(tmp_path: Path) -> None:
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse.duckdb"
    deliver(landing, "01_history.csv", "old", 10_000, "2026-06-01T10:00:00Z")
    load(landing, warehouse)
    assert validate(warehouse, suite("raw_tickets"))["raw_tickets"].passed

    deliver(landing, "02_bad.csv", "bad", 60, "01/06/2026 10:00")
    load(landing, warehouse)
    latest = suite("raw_tickets")
    every_row = dataclasses.replace(
        latest, name="raw_tickets_all", query="select * from raw.tickets"
    )
    outcomes = validate(warehouse, latest, every_row)
    assert outcomes["raw_tickets"].level == ERROR and outcomes["raw_tickets"].batch_rows == 60
    assert parse_failure(outcomes["raw_tickets"]) == {
        "column_name": "created_at",
        "unparseable_rows": 60,
        "delivered_rows": 60,
        "example_value": "01/06/2026 10:00",
    }
    # Judged on every row, the same 60 bad rows are 0.6 % of 10,060 and pass: diluted.
    assert outcomes["raw_tickets_all"].passed and outcomes["raw_tickets_all"].batch_rows == 10_060
