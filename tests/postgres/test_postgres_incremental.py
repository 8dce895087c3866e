"""Incremental nights on PostgreSQL build the same tables as a full build on DuckDB.

The comparison test next to this one runs full builds only; this one runs the incremental path on
Postgres: the landing staging models' new-file filter and the strategy `replace_scope`
(macros/refresh_scope.sql: temporary key tables, `except all`, delete and insert of the keys whose
rows changed).

One DuckDB warehouse loads the history, then one day more, twice (new records, changed and
identical re-deliveries, late events for old tickets), as the nightly job's ingest does. After
each load its raw tables are copied into a throw-away Postgres and `dbt build` runs there: as of
the end of the history, then incrementally as of the end of each day (so the clocks of
still-open tickets move too); the second night follows an incremental one. The reference is a
full `dbt build` on DuckDB of the same raw tables (all three loads), as of the same instant.
Every table must hold the same rows, apart from `_refreshed_at` (when a run wrote a row).

Run with `make postgres-test` (POSTGRES_TEST=1; installs the `postgres` extra).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from engine_compare import (
    REPO_ROOT,
    REPORTING_TIMEZONE,
    Reference,
    base_env,
    duckdb_tables,
    load_into,
    run_dbt,
    table_differences,
)
from pg_instance import libpq_dsn, query_postgres, running_postgres
from pipeline_helpers import history_and_two_days

from orchestration.scale_out.raw_to_postgres import copy_raw_tables

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

DAY = dt.date(2026, 6, 30)
NIGHTS = {
    "history": f"{DAY - dt.timedelta(days=1)} 00:00:00",
    "day_before": f"{DAY} 00:00:00",
    "day": f"{DAY + dt.timedelta(days=1)} 00:00:00",
}
"""Each delivery, and the as-of instant of the night it lands (the end of its data)."""
AS_OF = NIGHTS["day"]
TICKETS = int(os.environ.get("ENGINE_TEST_TICKETS", "300"))
BUILD = ["build", "--exclude-resource-type", "unit_test"]
"""What the nightly job runs (unit tests are the comparison test's and CI's business)."""


def dbt_vars(as_of: str) -> str:
    return json.dumps({"as_of": as_of, "reporting_timezone": REPORTING_TIMEZONE})


@dataclass
class Builds:
    reference: Reference
    dsn: str
    night_results: dict[str, Any]


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Builds]:
    root = tmp_path_factory.mktemp("postgres-incremental")
    deliveries = history_and_two_days(root, TICKETS, 11, DAY, 120)
    landing = root / "landing"
    landing.mkdir()
    raw = root / "loaded.duckdb"  # not raw.duckdb: its catalog would clash with schema raw
    env = base_env(root)
    with running_postgres() as pg:
        dsn = libpq_dsn(pg)
        pg_env = env | pg | {"DBT_TARGET": "postgres"}
        target = root / "target-postgres"
        log = root / "dbt-postgres.log"

        for delivery, as_of in NIGHTS.items():
            shutil.copytree(deliveries[delivery], landing, dirs_exist_ok=True)
            load_into(raw, landing)
            copy_raw_tables(raw, dsn)
            run_dbt([*BUILD, "--vars", dbt_vars(as_of)], pg_env, REPO_ROOT, target, log)
        night_results = json.loads((target / "run_results.json").read_text())

        warehouse = root / "warehouse.duckdb"
        shutil.copyfile(raw, warehouse)
        duck_target = root / "target-duckdb"
        run_dbt(
            [*BUILD, "--vars", dbt_vars(AS_OF)],
            env | {"DBT_TARGET": "duckdb", "WAREHOUSE_PATH": str(warehouse)},
            REPO_ROOT,
            duck_target,
            root / "dbt-duckdb.log",
        )
        duck_results = json.loads((duck_target / "run_results.json").read_text())
        yield Builds(Reference(root, warehouse, duck_results), dsn, night_results)
    if os.environ.get("POSTGRES_TEST_KEEP") != "1":
        shutil.rmtree(root, ignore_errors=True)


def test_the_last_night_on_postgres_built_and_passed_its_tests(builds: Builds) -> None:
    """Every node of the last night succeeded (tests may warn: on a night they read only the rows
    the run wrote, so their warnings differ from a full build's by design)."""
    results = builds.night_results["results"]
    problems = [
        f"{r['unique_id']}: {r['status']}: {(r.get('message') or '')[:300]}"
        for r in results
        if r["status"] not in ("success", "pass", "warn", "no-op")
    ]
    assert not problems, "\n".join(problems)
    assert sum(r["unique_id"].startswith("model.") for r in results) >= 80


def test_the_nights_refreshed_by_scope_instead_of_rebuilding(builds: Builds) -> None:
    """The later builds took the incremental path: models refreshed by scope kept rows the first
    build and the first night wrote, and hold rows the last night wrote (a full rebuild would
    leave one stamp)."""
    for table in ("marts.fct_tickets", "marts.fct_contacts", "staging.stg_landing__tickets"):
        _, rows = query_postgres(
            builds.dsn, f"select count(distinct _refreshed_at), count(*) from {table}"
        )
        stamps, count = rows[0]
        assert count > 0, f"{table} is empty on Postgres"
        assert stamps == 3, f"{table}: {stamps} distinct _refreshed_at, expected each build's"


def test_every_table_after_the_night_matches_a_full_build_on_duckdb(builds: Builds) -> None:
    # The log of replaced rows is empty after a full build by construction (its own test below).
    tables = [t for t in duckdb_tables(builds.reference) if not t[1].endswith("_versions_replaced")]
    assert len(tables) > 50
    problems = table_differences(
        builds.reference,
        tables,
        lambda name: query_postgres(builds.dsn, f"select * from {name}"),
        "postgres",
    )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("fact", "key", "log"),
    [
        ("fct_survey_responses", "response_id", "int_survey_response_versions_replaced"),
        ("fct_contacts", "contact_id", "int_contact_versions_replaced"),
        ("fct_sla_events", "sla_event_id", "int_sla_event_versions_replaced"),
        ("fct_kb_article_views", "view_id", "int_kb_article_view_versions_replaced"),
        ("fct_tickets", "ticket_id", "int_ticket_versions_replaced"),
    ],
)
def test_the_night_logged_the_rows_it_replaced(
    builds: Builds, fact: str, key: str, log: str
) -> None:
    """The facts that keep a log of replaced rows copied the key of each row they replaced into
    it, stamped with the night's run, on Postgres too (macros/refresh_scope.sql,
    `keep_replaced`): each key the last night logged was rewritten by that run, and the rows the
    night before logged are kept."""
    _, rows = query_postgres(
        builds.dsn,
        f"select (select count(distinct _refreshed_at) from intermediate.{log}), count(*),"
        " count(*) filter (where fct._refreshed_at = logged._refreshed_at)"
        f" from intermediate.{log} as logged join marts.{fact} as fct using ({key})"
        f" where logged._refreshed_at = (select max(_refreshed_at) from marts.{fact})",
    )
    nights, logged, rewritten_that_night = rows[0]
    assert nights == 2
    assert logged > 0
    assert rewritten_that_night == logged
