"""The GX suites in expectations/, the runner on a tiny DuckDB, freshness, the report."""

from __future__ import annotations

import json
import os
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from orchestration.ingest.contract import ENTITIES
from orchestration.ingest.loader import ensure_raw_tables, load_landing
from orchestration.quality.freshness import FreshnessPolicy, measure
from orchestration.quality.raw_suites import raw_suite, suite_text
from orchestration.quality.report import render_report
from orchestration.quality.suites import (
    ERROR,
    EXPECTATIONS_DIR,
    KEYS_OF_LATEST_ROWS,
    LATEST_ROWS,
    WARN,
    WHOLE_TABLE,
    Suite,
    expectation_scope,
    level_of,
    load_suite,
    load_suites,
    outcome_from_result,
    scoped_query,
    validate_all_rows,
)
from orchestration.settings import REPO_ROOT

MART_SUITES = {
    "fct_tickets",
    "fct_ticket_replies",
    "fct_sla_events",
    "kpi_support_daily",
    "fct_contacts",
    "kpi_survey_monthly",
    "fct_chat_replies",
    "fct_survey_responses",
    "fct_kb_article_views",
    "kpi_support_overview_monthly",
    "kpi_agent_daily",
    "kpi_segment_response_times",
    "kpi_volume_trends",
    "kpi_csat_by_dimension",
    "kpi_complaints_monthly",
    "kpi_self_service",
    "kpi_retention_monthly",
    "kpi_agent_turnover_monthly",
    "kpi_time_with_customer",
    "kpi_hourly_volume",
    "kpi_customer_contacts",
    "kpi_workflow_usage",
    "kpi_kb_articles",
}


def suite_rule(suite_name: str, description_start: str, contains: str = "") -> str:
    """The SQL of the one `unexpected_rows_expectation` of a suite whose description starts so
    (and contains `contains`)."""
    suite = load_suite(EXPECTATIONS_DIR / f"{suite_name}.json")
    (rule,) = [
        e["kwargs"]["unexpected_rows_query"]
        for e in suite.expectations
        if str(e["kwargs"].get("description", "")).startswith(description_start)
        and contains in str(e["kwargs"].get("description", ""))
    ]
    return str(rule)


def test_raw_suites_match_the_contract() -> None:
    for name, entity in ENTITIES.items():
        path = EXPECTATIONS_DIR / f"raw_{name}.json"
        assert path.read_text() == suite_text(raw_suite(entity)), (
            f"{path} is stale: run python -m orchestration.quality.raw_suites"
        )


def test_every_suite_names_its_asset_and_layer() -> None:
    suites = load_suites()
    assert {s.name for s in suites if s.layer == "mart"} >= MART_SUITES
    assert {s.asset_key for s in suites if s.layer == "raw"} == {f"landing/{e}" for e in ENTITIES}
    for suite in suites:
        assert suite.expectations, suite.name
        for e in suite.expectations:
            assert e.get("severity") in ("critical", "warning", "info"), (suite.name, e)
            if e["type"] == "unexpected_rows_expectation":
                assert "{batch}" in e["kwargs"]["unexpected_rows_query"]


def test_every_fct_mart_has_a_suite_and_every_mart_suite_a_model() -> None:
    """A mart suite checks a dbt model of the marts schema; every fct_* and kpi_* mart has a
    suite (the dimensions are checked by their dbt tests)."""
    models = {p.stem: p for p in (REPO_ROOT / "models" / "marts").glob("*/*.sql")}
    mart_suites = {s.name: s for s in load_suites("mart")}
    for name, suite in mart_suites.items():
        assert name in models, f"{name}: no dbt model models/marts/*/{name}.sql"
        assert suite.asset_key == f"marts/{name}"
        assert suite.query == f"select * from marts.{name}"
    assert {m for m in models if m.startswith(("fct_", "kpi_"))} <= set(mart_suites)


def test_csat_dimensions_reconcile_in_a_month_without_csat_responses() -> None:
    """kpi_csat_by_dimension's rule "each dimension's rows of a month add up to the month's CSAT
    responses": a month with only NPS responses (kpi_survey_monthly gives it a CSAT row of 0
    responses, kpi_csat_by_dimension no row; such a month once failed the night) passes; a
    dimension whose rows lack a response fails, with the month and the two sums."""
    rule = suite_rule("kpi_csat_by_dimension", "Each dimension's rows")
    sql = rule.replace("{batch}", "marts.kpi_csat_by_dimension")
    with duckdb.connect() as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.kpi_survey_monthly as select * from (values"
            " (date '2026-10-01', 'csat', 3), (date '2026-11-01', 'csat', 0),"
            " (date '2026-11-01', 'nps', 1)) as t(date_month, survey_type, responses)"
        )
        con.execute(
            "create table marts.kpi_csat_by_dimension as select * from (values"
            " (date '2026-10-01', 'channel', 'email', 2),"
            " (date '2026-10-01', 'channel', 'chat', 1),"
            " (date '2026-10-01', 'team', 'billing', 3))"
            " as t(date_month, dimension, dimension_value, responses)"
        )
        assert con.execute(sql).fetchall() == []
        con.execute("delete from marts.kpi_csat_by_dimension where dimension_value = 'chat'")
        assert con.execute(sql).fetchall() == [(date(2026, 10, 1), "channel", 2, 3)]


def _total_reconciliations() -> list[tuple[str, str]]:
    """(suite, SQL) of each mart rule comparing a sum over the whole batch with a fact's rows."""
    found = []
    for suite in load_suites("mart"):
        for e in suite.expectations:
            sql = str((e.get("kwargs") or {}).get("unexpected_rows_query") or "")
            if re.search(r"sum\(\w+\)(, 0\))? as n from \{batch\}", sql):
                found.append((suite.name, sql))
    return found


def test_the_total_reconciliations_are_found() -> None:
    """The test below runs on every rollup that reconciles its total with a fact."""
    assert {suite for suite, _ in _total_reconciliations()} == {
        "kpi_agent_daily",
        "kpi_complaints_monthly",
        "kpi_customer_contacts",
        "kpi_kb_articles",
        "kpi_segment_response_times",
        "kpi_self_service",
        "kpi_support_daily",
        "kpi_support_overview_monthly",
        "kpi_time_with_customer",
    }


@pytest.mark.parametrize(("suite", "sql"), _total_reconciliations())
def test_a_total_reconciliation_fails_an_empty_rollup(suite: str, sql: str) -> None:
    """A rollup left empty while its fact has rows fails its reconciliation (a sum over no rows
    is NULL, and NULL != n would let it pass), and passes when both are empty."""
    column = re.search(r"sum\((\w+)\)", sql)
    facts = set(re.findall(r"from marts\.(\w+)", sql))
    assert column and facts, sql
    with duckdb.connect() as con:
        con.execute("create schema marts")
        con.execute(f"create table marts.{suite} ({column[1]} integer)")
        for fact in facts:
            con.execute(f"create table marts.{fact} (customer_id varchar)")
        batch = sql.replace("{batch}", f"marts.{suite}")
        assert con.execute(batch).fetchall() == []
        for fact in facts:
            con.execute(f"insert into marts.{fact} values ('C1')")
        assert len(con.execute(batch).fetchall()) == 1


def test_severity_maps_to_check_levels() -> None:
    assert level_of("critical") == ERROR
    assert level_of(None) == ERROR
    assert level_of("warning") == WARN
    assert level_of("info") == WARN


def test_outcome_reads_counts_samples_and_errors() -> None:
    rows = {"type": "unexpected_rows_expectation", "severity": "warning", "meta": {"notes": "n"}}
    outcome = outcome_from_result(
        rows,
        {
            "success": False,
            "result": {"observed_value": 2, "details": {"unexpected_rows": [{"a": 1}, {"a": 2}]}},
        },
    )
    assert (outcome.level, outcome.failures, outcome.sample) == (WARN, 2, [{"a": 1}, {"a": 2}])
    broken = outcome_from_result(
        {"type": "expect_column_to_exist", "kwargs": {"column": "x"}},
        {
            "success": True,
            "exception_info": {"raised_exception": True, "exception_message": "boom"},
        },
    )
    assert not broken.success and broken.error == "boom" and broken.level == ERROR


@pytest.fixture()
def tiny_warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "wh.duckdb"
    with duckdb.connect(str(path)) as con:
        ensure_raw_tables(con)
        con.execute(
            "insert into raw.tickets (ticket_id, created_at, customer_id, channel, status, "
            "_source_file, _source_row, _loaded_at, _file_id) "
            "select 't' || i, case when i < 5 then 'garbage' else '2026-06-01T10:00:00Z' end, "
            "'c', case when i = 7 then 'Pigeon' else 'Email' end, 'on-hold', "
            "'tickets/a.csv', i, timestamp '2026-06-02 00:00:00', 1 from range(50) t(i)"
        )
        con.execute(
            "insert into raw._landing_files (file_id, entity, source_file, content_hash, status, "
            "loaded_at, load_run_id) values (1, 'tickets', 'tickets/a.csv', 'x', 'loaded', "
            "timestamp '2026-06-02 00:00:00', 1)"
        )
        con.execute("insert into raw._load_runs values (1, timestamp '2026-06-02 00:00:00', '')")
    return path


@pytest.mark.slow
def test_runner_finds_failures_and_releases_the_file(tiny_warehouse: Path) -> None:
    from orchestration.quality.gx_runner import run_suites

    suites = [s for s in load_suites("raw") if s.name in ("raw_tickets", "raw_teams")]
    outcomes = {o.suite.name: o for o in run_suites(tiny_warehouse, suites)}
    tickets = outcomes["raw_tickets"]
    assert tickets.level == ERROR
    failed = {f.description: f for f in tickets.failed}
    parse = next(f for d, f in failed.items() if "created_at values parse" in d)
    assert parse.sample == [
        {
            "column_name": "created_at",
            "unparseable_rows": 5,
            "delivered_rows": 50,
            "example_value": "garbage",
        }
    ]
    channel = next(f for d, f in failed.items() if d.startswith("channel holds known"))
    assert channel.level == WARN and channel.sample[0]["unknown_value"] == "Pigeon"
    assert not any(d.startswith("status holds known") for d in failed)  # 'on-hold' is a synonym
    assert tickets.batch_rows == 50
    teams = outcomes["raw_teams"]  # the load run delivered no team
    assert teams.passed and teams.batch_rows == 0 and not teams.outcomes
    assert teams.skipped_reason == (
        "0 new rows: no rows of raw.teams loaded by the latest load run"
    )
    with duckdb.connect(str(tiny_warehouse)) as con:  # read-write again: GX let go of the file
        con.execute("create table probe as select 1 as x")
    report = render_report("t", outcomes.values())
    assert "FAILED (error)" in report and "garbage" in report


def test_expectation_scope_follows_type_mostly_and_meta(tmp_path: Path) -> None:
    def scope(kind: str, kwargs: dict | None = None, meta: dict | None = None) -> str:
        return expectation_scope({"type": kind, "kwargs": kwargs or {}, "meta": meta or {}})

    assert scope("expect_column_values_to_not_be_null", {"column": "a"}) == LATEST_ROWS
    assert scope("expect_column_values_to_be_in_set", {"column": "a"}) == LATEST_ROWS
    # `mostly` judges a share of all rows
    assert scope("expect_column_values_to_not_be_null", {"mostly": 0.99}) == WHOLE_TABLE
    assert scope("expect_column_values_to_be_unique", {"column": "a"}) == KEYS_OF_LATEST_ROWS
    assert scope("unexpected_rows_expectation") == WHOLE_TABLE  # SQL: row-level when marked
    assert scope("unexpected_rows_expectation", meta={"scope": LATEST_ROWS}) == LATEST_ROWS
    assert scope("expect_table_row_count_to_be_between") == WHOLE_TABLE
    assert validate_all_rows({"QUALITY_ALL_ROWS": "true"}) and validate_all_rows(
        {"QUALITY_ALL_ROWS": "On"}
    )
    assert not validate_all_rows({})
    query = "select * from marts.t"
    assert scoped_query(query, WHOLE_TABLE) == query
    with pytest.raises(ValueError, match="needs the newest _refreshed_at"):
        scoped_query(query, LATEST_ROWS)
    with pytest.raises(ValueError, match="needs a column"):
        scoped_query(query, KEYS_OF_LATEST_ROWS, "cast('2026-06-02' as TIMESTAMP)")
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "name": "bad",
                "meta": {"asset_key": "marts/t", "query": query, "layer": "mart"},
                "expectations": [{"type": "unexpected_rows_expectation", "meta": {"scope": "new"}}],
            }
        )
    )
    with pytest.raises(ValueError, match="meta scope 'new'"):
        load_suite(bad)


@pytest.fixture
def stamped_mart(tmp_path: Path) -> Path:
    """marts.items, refreshed by scope: four rows of an earlier run (a negative amount, a NULL
    label and a repeated item_id 3 among them, all passed or reported by their own run) and three
    rows the latest run wrote (one of them repeating the old item_id 1)."""
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.items (item_id integer, amount integer, label varchar, "
            "_refreshed_at timestamp)"
        )
        con.execute(
            "insert into marts.items values "
            "(1, -5, 'a', '2026-06-01 02:00'), (2, 10, null, '2026-06-01 02:00'), "
            "(3, 1, 'x', '2026-06-01 02:00'), (3, 2, 'y', '2026-06-01 02:00'), "
            "(4, 1, 'b', '2026-06-02 02:00:00.123456'), (5, 2, 'c', '2026-06-02 02:00:00.123456'), "
            "(1, 3, 'd', '2026-06-02 02:00:00.123456')"  # dbt's stamps carry microseconds
        )
    return path


def test_newest_stamp_is_read_once_as_a_literal(stamped_mart: Path) -> None:
    """The scoped batches compare `_refreshed_at` with the newest stamp read once, as a literal
    that keeps its microseconds (GX would otherwise find the maximum again in every query)."""
    from orchestration.quality.gx_runner import count_rows, newest_stamps

    query = "select * from marts.items"
    stamps = newest_stamps(
        stamped_mart,
        {"items": query, "empty": f"{query} where false", "broken": "select * from marts.nope"},
    )
    assert stamps == {
        "items": "cast('2026-06-02 02:00:00.123456' as TIMESTAMP)",
        "empty": None,
        "broken": None,
    }
    newest = f"{query} where _refreshed_at = (select max(_refreshed_at) from marts.items)"
    counts = count_rows(
        stamped_mart,
        {
            "literal": scoped_query(query, LATEST_ROWS, stamps["items"]),
            "max": newest,
            "keys": scoped_query(query, KEYS_OF_LATEST_ROWS, stamps["items"], "item_id"),
        },
    )
    assert counts == {"literal": 3, "max": 3, "keys": 4}  # keys: both rows of item_id 1


def _items_suite() -> Suite:
    def sql(query: str, scope: str | None = None) -> dict:
        meta = {"notes": query} | ({"scope": scope} if scope else {})
        return {
            "type": "unexpected_rows_expectation",
            "kwargs": {"unexpected_rows_query": query},
            "meta": meta,
        }

    return Suite(
        name="items",
        asset_key="marts/items",
        query="select * from marts.items",
        layer="mart",
        expectations=[
            {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "label"}},
            {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "item_id"}},
            sql("select item_id, amount from {batch} where amount < 0", LATEST_ROWS),
            # reads every row: 7 of them
            sql("select n from (select count(*) as n from {batch}) as c where n != 7"),
        ],
    )


@pytest.mark.slow
def test_mart_expectations_read_what_they_need_of_the_latest_run(stamped_mart: Path) -> None:
    """Like dbt's tests on incremental models: row-level expectations read the rows with the
    newest `_refreshed_at`, `unique` every row sharing a value with them (the new row repeating
    the old item_id 1 fails; the old repeated 3 is not reported again), anything else every row;
    QUALITY_ALL_ROWS (all_rows), tables under scope_min_rows and a full build (every row the
    latest run's) read everything, each batch once."""
    from orchestration.quality.gx_runner import run_suites

    [scoped] = run_suites(stamped_mart, [_items_suite()], all_rows=False, scope_min_rows=1)
    results = [(o.success, o.sample) for o in scoped.outcomes]
    assert [ok for ok, _ in results] == [True, False, True, True]
    assert results[1][1] == [1, 1]  # the repeated item_id 1 (old and new row), not 3
    assert (scoped.batch_rows, scoped.latest_rows) == (7, 3)
    assert "on the 3 rows the latest run wrote" in scoped.summary()

    for audit in (
        run_suites(stamped_mart, [_items_suite()], all_rows=True, scope_min_rows=1)[0],
        run_suites(stamped_mart, [_items_suite()], all_rows=False)[0],  # 7 rows < 100,000
    ):
        assert [o.success for o in audit.outcomes] == [False, False, False, True]
        assert sorted(audit.outcomes[1].sample) == [1, 1, 3, 3]
        assert audit.latest_rows is None

    with duckdb.connect(str(stamped_mart)) as con:  # a full build: one stamp on every row
        con.execute("update marts.items set _refreshed_at = '2026-06-03 02:00'")
    [full] = run_suites(stamped_mart, [_items_suite()], all_rows=False, scope_min_rows=1)
    assert [o.success for o in full.outcomes] == [False, False, False, True]
    assert (full.batch_rows, full.latest_rows) == (7, None)


def test_freshness_warns_on_old_loads_and_events(tiny_warehouse: Path) -> None:
    policy = FreshnessPolicy(max_load_age_hours=36, max_event_age_hours=72)
    with duckdb.connect(str(tiny_warehouse), read_only=True) as con:
        fresh = measure(con, ENTITIES["tickets"], datetime(2026, 6, 2, 12), policy)
        stale = measure(con, ENTITIES["tickets"], datetime(2026, 6, 10), policy)
        empty = measure(con, ENTITIES["teams"], datetime(2026, 6, 10), policy)
    assert fresh.fresh and fresh.event_column == "created_at"
    assert len(stale.problems) == 2 and "last load 2026-06-02 00:00" in stale.problems[0]
    assert empty.problems == ("no rows loaded yet",)


def test_freshness_reads_each_files_latest_event_measured_at_load(tmp_path: Path) -> None:
    """The loader measures each file's latest event time once, right after loading it; the check
    reads it from the manifest (not the raw rows) and parses only rows of files never measured."""
    landing = tmp_path / "landing"
    (landing / "tickets").mkdir(parents=True)
    (landing / "tickets" / "a.csv").write_text(
        "ticket_id,created_at,customer_id,channel,status\n"
        "t1,2026-06-01T10:00:00Z,c1,email,open\n"
        "t2,2026-06-03 08:30:00+02:00,c1,email,open\n"
        "t3,not a time,c1,email,open\n"
        't4," 2026-06-04 ",c1,email,open\n'  # the latest; parses only once trimmed
    )
    # a header-only file is loaded with no rows: measured too, as having no event time
    (landing / "tickets" / "b.csv").write_text("ticket_id,created_at,customer_id,channel,status\n")
    (landing / "teams").mkdir()
    (landing / "teams" / "t.csv").write_text("team_id,name\nT1,Billing\n")
    policy = FreshnessPolicy(max_load_age_hours=10**6, max_event_age_hours=72)
    now = datetime(2026, 6, 4, 12)
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as con:
        load_landing(con, landing)
        files = con.execute(
            "select entity, latest_event_at, is_event_time_measured from raw._landing_files "
            "order by source_file"
        ).fetchall()
        assert files == [
            ("teams", None, None),  # reference data: no event time to measure
            ("tickets", datetime(2026, 6, 4), True),
            ("tickets", None, True),
        ]
        assert measure(con, ENTITIES["tickets"], now, policy).latest_event == datetime(2026, 6, 4)
        # Read from the manifest, not the rows: a changed measurement is what the check sees ...
        con.execute("update raw._landing_files set latest_event_at = timestamp '2026-05-01'")
        stale = measure(con, ENTITIES["tickets"], now, policy)
        assert stale.latest_event == datetime(2026, 5, 1) and not stale.fresh
        # ... and the rows of a file loaded before files were measured are parsed,
        con.execute(
            "update raw._landing_files set is_event_time_measured = null where entity = 'tickets'"
        )
        assert measure(con, ENTITIES["tickets"], now, policy).latest_event == datetime(2026, 6, 4)
        # ... until the loader's next run measures such files once (nothing new to load).
        load_landing(con, landing)
        assert con.execute(
            "select latest_event_at, is_event_time_measured from raw._landing_files "
            "where entity = 'tickets' order by source_file"
        ).fetchall() == [(datetime(2026, 6, 4), True), (None, True)]


def test_freshness_level_comes_from_the_environment() -> None:
    assert FreshnessPolicy.from_env({}).level == "warn"
    assert FreshnessPolicy.from_env({"QUALITY_FRESHNESS_SEVERITY": "error"}).level == "error"
    with pytest.raises(ValueError):
        FreshnessPolicy.from_env({"QUALITY_FRESHNESS_SEVERITY": "loud"})


def test_suites_are_gx_json(tmp_path: Path) -> None:
    """Each file is plain JSON with GX's suite keys (GX itself parses them in the runner test)."""
    for path in sorted(EXPECTATIONS_DIR.glob("*.json")):
        data = json.loads(path.read_text())
        assert set(data) >= {"name", "expectations", "meta"}, path
        assert data["name"] == path.stem


def test_the_ingest_does_not_import_great_expectations(tmp_path: Path) -> None:
    """In a fresh interpreter (this one may have imported GX already): the ingest step loads its
    files without importing Great Expectations. An import started in a background thread during
    the ingest (tried to overlap GX's 3-5 s import with the load) raced Dagster's own imports of
    SQLAlchemy in the step's thread: "partially initialized module 'sqlalchemy.orm.exc'" failed a
    nightly run. GX is imported where a suite first needs it, in the step's own thread."""
    import subprocess
    import sys

    landing = tmp_path / "landing"
    (landing / "teams").mkdir(parents=True)
    (landing / "teams" / "teams.csv").write_text("team_id,name\ng1,Support\n")
    script = (
        "import sys\n"
        "attempted = []\n"
        "class Recorder:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'great_expectations':\n"
        "            attempted.append(name)\n"
        "sys.meta_path.insert(0, Recorder())\n"
        "import dagster as dg\n"
        "import orchestration.ingest.assets as ingest_assets\n"
        "from orchestration.resources import WarehouseResource\n"
        "result = dg.materialize(\n"
        "    [ingest_assets.ingest_landing_files], resources={'warehouse': WarehouseResource()}\n"
        ")\n"
        "assert result.success\n"
        "assert not attempted, f'the ingest imported {attempted[:3]}'\n"
    )
    env = {
        **os.environ,
        "LANDING_DIR": str(landing),
        "WAREHOUSE_PATH": str(tmp_path / "warehouse.duckdb"),
    }
    subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, env=env, check=True, timeout=300)


def test_raw_timestamp_rule_reads_designators_as_staging_does() -> None:
    """The raw suites' "values parse as timestamps" rule counts an offset after a space (Ruby's
    `+0200`), a lower-case z and UTC as parsed, as staging does; `yesterday` is not."""
    rule = suite_rule("raw_tickets", "At least", contains="created_at values parse")
    values = ["2026-11-20 10:00:00 +0200", "2026-11-20T10:00:00z", "2026-11-20 10:00:00 UTC"]
    with duckdb.connect() as con:
        con.execute("create table batch (created_at varchar)")
        con.executemany("insert into batch values (?)", [[v] for v in values])
        sql = rule.replace("{batch}", "batch")
        assert con.execute(sql).fetchall() == []
        con.execute("insert into batch values ('yesterday')")
        assert [r[1:3] for r in con.execute(sql).fetchall()] == [(1, 4)]


def test_kb_articles_rule_finds_an_article_with_two_titles() -> None:
    """kpi_kb_articles carries one title per article over all its months (its latest view's):
    two titles, or a title in some months only, fail the rule; one title everywhere, or none
    everywhere, passes."""
    rule = suite_rule("kpi_kb_articles", "One title per article")
    sql = rule.replace("{batch}", "articles")
    with duckdb.connect() as con:
        con.execute(
            "create table articles as select * from (values"
            " ('a1', date '2026-10-01', 'Reset'), ('a1', date '2026-11-01', 'Reset'),"
            " ('a2', date '2026-10-01', null), ('a2', date '2026-11-01', null))"
            " as t(article_id, date_month, article_title)"
        )
        assert con.execute(sql).fetchall() == []
        con.execute("insert into articles values ('a1', date '2026-12-01', 'Reset password')")
        con.execute("insert into articles values ('a2', date '2026-12-01', 'Refunds')")
        assert sorted(r[0] for r in con.execute(sql).fetchall()) == ["a1", "a2"]


def test_raw_suites_normalize_designators_with_stagings_patterns() -> None:
    """The raw suites' timestamp parse and staging's `utc_offset_normalized` rewrite Z/UTC/GMT
    and a spaced offset with the same two patterns (macros `utc_designator_pattern`,
    `spaced_offset_pattern`)."""
    from orchestration.quality.raw_suites import SPACED_OFFSET_PATTERN, UTC_DESIGNATOR_PATTERN

    macros = (REPO_ROOT / "macros" / "cross_db.sql").read_text()

    def body(name: str) -> str:
        start = macros.index("-%}", macros.index(f"{{% macro {name}() -%}}")) + len("-%}")
        return macros[start : macros.index("{%- endmacro %}", start)].strip()

    assert body("utc_designator_pattern") == UTC_DESIGNATOR_PATTERN
    assert body("spaced_offset_pattern") == SPACED_OFFSET_PATTERN


# The daily series each volume rule reads: suite -> (table's columns, one row's values per day).
# A day's volume is spread over two rows where the rule sums a column.
VOLUME_TABLES = {
    "fct_tickets": ("created_at timestamp", lambda day, n: [(f"{day} 12:00:00",)] * n),
    "fct_contacts": ("started_date date", lambda day, n: [(str(day),)] * n),
    "kpi_support_daily": (
        "date_day date, new_tickets integer",
        lambda day, n: [(str(day), n // 2), (str(day), n - n // 2)],
    ),
    "kpi_agent_daily": (
        "date_day date, contacts_handled integer",
        lambda day, n: [(str(day), n - n // 3), (str(day), n // 3)],
    ),
}
# Refreshed on Monday 2026-11-30 at 02:00 UTC: Sunday 2026-11-29 is the latest complete day.
VOLUME_REFRESHED_AT = "2026-11-30 02:00:00"


def _volume_flags(suite_name: str, volumes: dict[date, int]) -> list[tuple[date, int, float]]:
    """The days the suite's volume rule flags on a table holding `volumes`."""
    columns, rows_of = VOLUME_TABLES[suite_name]
    rule = suite_rule(suite_name, "Volume anomaly")
    with duckdb.connect() as con:
        con.execute(f"create table daily_volume ({columns}, _refreshed_at timestamp)")
        for day, n in volumes.items():
            for row in rows_of(day, n):
                values = ", ".join(f"'{v}'" if isinstance(v, str) else str(v) for v in row)
                con.execute(f"insert into daily_volume values ({values}, '{VOLUME_REFRESHED_AT}')")
        # as GX substitutes it into a query with a join: the batch's query in parentheses
        sql = rule.format(batch="(select * from daily_volume)")
        return [(d, int(v), float(m)) for d, v, m in con.execute(sql).fetchall()]


def _weekly_volumes(weeks: int, weekday: int = 30, weekend: int = 6) -> dict[date, int]:
    """`weeks` weeks of a help desk's week (busy weekdays, quiet weekends) up to Sunday
    2026-11-29, plus two hours of Monday 2026-11-30 (the night's partial day)."""
    last = date(2026, 11, 29)
    days = [last - timedelta(days=i) for i in range(weeks * 7)]
    volumes = {d: weekend if d.weekday() >= 5 else weekday for d in days}
    volumes[date(2026, 11, 30)] = 2  # the refresh's own day: incomplete, never judged
    return volumes


@pytest.mark.parametrize("suite_name", sorted(VOLUME_TABLES))
def test_volume_rule_compares_each_day_with_the_same_weekday(suite_name: str) -> None:
    """A normal week passes: quiet weekends are compared with earlier weekends (a median of the
    28 days before would flag every weekend), and the refresh's own, incomplete day is not
    judged. A weekday collapsing or spiking in the latest 7 complete days is flagged."""
    volumes = _weekly_volumes(weeks=8)
    assert _volume_flags(suite_name, volumes) == []

    volumes[date(2026, 11, 25)] = 5  # Wednesday: a sixth of its weekday
    volumes[date(2026, 11, 26)] = 95  # Thursday: over three times
    volumes[date(2026, 11, 22)] = 1  # a Sunday: its weekends' median (6) is too small to judge
    volumes[date(2026, 11, 20)] = 0  # Friday of the week before: not among the latest 7 days
    assert _volume_flags(suite_name, volumes) == [
        (date(2026, 11, 25), 5, 30.0),
        (date(2026, 11, 26), 95, 30.0),
    ]


def test_volume_rule_needs_four_weeks_and_sees_a_missing_day() -> None:
    """With under four earlier weeks of a weekday nothing is judged; a complete day with no row
    at all (no export) counts as zero and is flagged."""
    young = _weekly_volumes(weeks=4)  # the latest week has only three weeks before it
    young[date(2026, 11, 25)] = 5
    assert _volume_flags("fct_tickets", young) == []

    volumes = _weekly_volumes(weeks=6)
    del volumes[date(2026, 11, 27)]  # Friday: nothing delivered
    assert _volume_flags("fct_tickets", volumes) == [(date(2026, 11, 27), 0, 30.0)]


@pytest.mark.slow
def test_volume_rule_runs_in_gx(tmp_path: Path) -> None:
    """The rule as GX runs it (its `{batch}` substituted twice), on the fct_tickets suite."""
    from orchestration.quality.gx_runner import run_suites

    path = tmp_path / "w.duckdb"
    volumes = _weekly_volumes(weeks=6)
    volumes[date(2026, 11, 24)] = 4
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.fct_tickets (created_at timestamp, _refreshed_at timestamp)"
        )
        for day, n in volumes.items():
            con.execute(
                "insert into marts.fct_tickets select ?::timestamp, ?::timestamp from range(?)",
                [f"{day} 12:00:00", VOLUME_REFRESHED_AT, n],
            )
    full = load_suite(EXPECTATIONS_DIR / "fct_tickets.json")
    volume = [
        e for e in full.expectations if "Volume anomaly" in e["kwargs"].get("description", "")
    ]
    suite = Suite(full.name, full.asset_key, full.query, full.layer, volume)
    (outcome,) = run_suites(path, [suite], all_rows=True)
    (failed,) = outcome.failed
    assert failed.level == WARN and failed.failures == 1
    assert failed.sample == [{"day": "2026-11-24", "volume": 4, "same_weekday_median": 30.0}]
