"""Validate suites with Great Expectations' SQL path, inside DuckDB, on a read-only connection.

GX 1.24's SQL path on DuckDB (duckdb-engine) closes the connection before reading results
(GX issues #10738, #11579); registering DuckDB as a "persisted connection" dialect fixes it (a
private attribute: GX is pinned). Every metric is a SQL query in DuckDB; only counts and a few
sample values come back to Python. The engines are disposed before returning, so the warehouse
file is free for the next writer (dbt) in the same process.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb

from orchestration.duckdb_files import query_file
from orchestration.quality.suites import (
    KEYS_OF_LATEST_ROWS,
    LATEST_ROWS,
    REFRESH_STAMP,
    SAMPLE_SIZE,
    WHOLE_TABLE,
    ExpectationOutcome,
    Suite,
    SuiteOutcome,
    expectation_scope,
    outcome_from_result,
    scoped_query,
    validate_all_rows,
)
from orchestration.settings import duckdb_config

logger = logging.getLogger(__name__)
INDEX_KEY = "suite_index"
SCOPE_MIN_ROWS = 100_000
"""A table refreshed by scope is read whole below this many rows: each extra batch costs GX
about 0.03 s, more than reading a small table whole."""

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


class _DuckDBDialectName(str):
    """'duckdb', with the `.value` GX reads from its dialect enum."""

    value = "duckdb"


def _patch_gx_for_duckdb() -> None:
    from great_expectations.execution_engine import sqlalchemy_execution_engine as engine

    if "duckdb" not in engine._PERSISTED_CONNECTION_DIALECTS:
        engine._PERSISTED_CONNECTION_DIALECTS = (
            *engine._PERSISTED_CONNECTION_DIALECTS,
            _DuckDBDialectName("duckdb"),
        )


def existing_relations(warehouse_path: Path) -> set[str]:
    """`schema.table` of every table and view in the warehouse (read-only)."""
    rows = query_file(
        warehouse_path, "select table_schema || '.' || table_name from information_schema.tables"
    )
    return {str(r[0]) for r in rows or []}


def stamped_relations(warehouse_path: Path) -> set[str]:
    """`schema.table` of every table refreshed by scope: it stores a REFRESH_STAMP column (a
    view computes its rows when read, so none of them was written by a run)."""
    rows = query_file(
        warehouse_path,
        "select c.table_schema || '.' || c.table_name from information_schema.columns as c "
        "join information_schema.tables as t using (table_catalog, table_schema, table_name) "
        f"where c.column_name = '{REFRESH_STAMP}' and t.table_type = 'BASE TABLE'",
    )
    return {str(r[0]) for r in rows or []}


def _suite_object(gx: Any, name: str, indexed: list[tuple[int, dict[str, Any]]]) -> Any:
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    expectations = []
    for index, e in indexed:
        meta = {**(e.get("meta") or {}), INDEX_KEY: index}
        config = ExpectationConfiguration(type=e["type"], kwargs=e.get("kwargs") or {}, meta=meta)
        expectation = config.to_domain_obj()
        if e.get("severity"):
            expectation.severity = e["severity"]
        expectations.append(expectation)
    return gx.ExpectationSuite(name=name, expectations=expectations)


def _first_rows(
    warehouse_path: Path, queries: Mapping[str, str], select: str, what: str
) -> dict[str, tuple[Any, ...] | None]:
    """`select <select> from (<query>) as batch` for each query, in DuckDB, read-only: its first
    row, or None when the query fails (logged as "cannot read <what>")."""
    if not queries:
        return {}
    rows: dict[str, tuple[Any, ...] | None] = {}
    con = duckdb.connect(str(warehouse_path), read_only=True, config=duckdb_config())
    try:
        for name, query in queries.items():
            try:
                rows[name] = con.execute(f"select {select} from ({query}) as batch").fetchone()
            except duckdb.Error as exc:
                logger.warning("%s: cannot read %s (%s)", name, what, exc)
                rows[name] = None
    finally:
        con.close()
    return rows


def count_rows(warehouse_path: Path, queries: Mapping[str, str]) -> dict[str, int | None]:
    """Rows each query returns; None when the query fails (GX then reports the error on every
    expectation)."""
    rows = _first_rows(warehouse_path, queries, "count(*)", "the rows of its batch")
    return {name: None if row is None else int(row[0]) for name, row in rows.items()}


def newest_stamps(warehouse_path: Path, queries: Mapping[str, str]) -> dict[str, str | None]:
    """The newest REFRESH_STAMP among each query's rows, as an SQL literal (`cast('...' as
    <type>)`), so that the scoped batches compare with a constant instead of finding the
    maximum again in every GX metric query; None when the query has no row or fails."""
    newest = f"max({REFRESH_STAMP})"
    rows = _first_rows(
        warehouse_path, queries, f"cast({newest} as varchar), typeof({newest})", REFRESH_STAMP
    )
    stamps: dict[str, str | None] = {}
    for name, row in rows.items():
        if row is None or row[0] is None:
            stamps[name] = None
        else:
            value = str(row[0]).replace("'", "''")
            stamps[name] = f"cast('{value}' as {row[1]})"
    return stamps


def empty_batch_reason(suite: Suite) -> str:
    what = suite.batch or f"rows of {_reads(suite) or 'its query'}"
    return f"0 new rows: no {what}"


def run_suites(
    warehouse_path: Path,
    suites: Iterable[Suite],
    relations: set[str] | None = None,
    all_rows: bool | None = None,
    scope_min_rows: int = SCOPE_MIN_ROWS,
) -> list[SuiteOutcome]:
    """Validate each suite's `query` batch; a suite whose table does not exist is skipped, and so
    is a `skip_if_empty` suite whose batch has no row (e.g. no new raw rows in this load run).

    On a table refreshed by scope with at least `scope_min_rows` rows, each expectation reads
    what `expectation_scope` says of the rows the latest run wrote, unless `all_rows` (default:
    QUALITY_ALL_ROWS) or the latest run wrote every row (a full build)."""
    suites = list(suites)
    relations = existing_relations(warehouse_path) if relations is None else relations
    present = [s for s in suites if not _reads(s) or _reads(s) in relations]
    counts = count_rows(warehouse_path, {s.name: s.query for s in present})
    all_rows = validate_all_rows() if all_rows is None else all_rows
    large = [s for s in present if (counts[s.name] or 0) >= scope_min_rows]
    stamped = set() if all_rows or not large else stamped_relations(warehouse_path)
    refreshed = [s for s in large if _reads(s) in stamped]
    stamps = newest_stamps(warehouse_path, {s.name: s.query for s in refreshed})
    latest_counts = count_rows(
        warehouse_path,
        {
            s.name: scoped_query(s.query, LATEST_ROWS, stamps[s.name])
            for s in refreshed
            if stamps[s.name]
        },
    )
    # rows of the latest run, per suite read by scope (not when a full build stamped every row
    # alike: the table is read once, whole)
    latest = {name: n for name, n in latest_counts.items() if n not in (None, counts[name])}
    if not any(_to_validate(s, counts) for s in suites):
        # e.g. the raw suites on a night without a new file: GX is not even imported (~1-2 s)
        return [_not_validated(s, counts) for s in suites]
    import great_expectations as gx

    _patch_gx_for_duckdb()
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    datasource = context.data_sources.add_sql(
        name="warehouse",
        connection_string=f"duckdb:///{warehouse_path}",
        kwargs={"connect_args": {"read_only": True, "config": duckdb_config()}},
    )
    outcomes: list[SuiteOutcome] = []
    try:
        for suite in suites:
            if _to_validate(suite, counts):
                newest = stamps[suite.name] if suite.name in latest else None
                outcome = _validate(context, datasource, suite, newest)
                outcomes.append(
                    replace(
                        outcome, batch_rows=counts[suite.name], latest_rows=latest.get(suite.name)
                    )
                )
            else:
                outcomes.append(_not_validated(suite, counts))
    finally:
        _close(datasource)
    return outcomes


def _to_validate(suite: Suite, counts: dict[str, int | None]) -> bool:
    """The suite's table exists and its batch has rows (or the suite runs on empty batches)."""
    return suite.name in counts and not (suite.skip_if_empty and counts[suite.name] == 0)


def _not_validated(suite: Suite, counts: dict[str, int | None]) -> SuiteOutcome:
    if suite.name not in counts:
        return SuiteOutcome(suite, [], f"{_reads(suite)} does not exist")
    return SuiteOutcome(suite, [], empty_batch_reason(suite), 0)


def _reads(suite: Suite) -> str | None:
    """The `schema.table` named right after `from` in the suite's batch query."""
    words = suite.query.replace("\n", " ").split()
    lowered = [w.lower() for w in words]
    if "from" in lowered:
        index = lowered.index("from") + 1
        if index < len(words):
            return words[index].strip("();")
    return None


def _validate(context: Any, datasource: Any, suite: Suite, newest: str | None) -> SuiteOutcome:
    """Row-level expectations run with SUMMARY (counts + a few values); SQL expectations with
    COMPLETE, the only format that returns their rows (GX fetches at most 200). On a table read
    by scope (`newest`: the latest run's stamp, as an SQL literal), each group of expectations
    that read the same rows gets its own batch: the latest run's rows, every row sharing a
    `unique` column's value with them, or all rows."""
    import great_expectations as gx

    batches: dict[str, Any] = {}
    groups: dict[tuple[str, str], list[tuple[int, dict[str, Any]]]] = {}
    for index, e in enumerate(suite.expectations):
        result_format = "COMPLETE" if e["type"] == "unexpected_rows_expectation" else "SUMMARY"
        scope = expectation_scope(e) if newest else WHOLE_TABLE
        column = str((e.get("kwargs") or {}).get("column") or "")
        tag = f"keys_of_{column}" if scope == KEYS_OF_LATEST_ROWS else scope
        if tag not in batches:
            query = scoped_query(suite.query, scope, newest, column or None)
            asset = datasource.add_query_asset(name=f"{suite.name}_{tag}", query=query)
            batches[tag] = asset.add_batch_definition_whole_table(f"{suite.name}_{tag}_all")
        groups.setdefault((result_format, tag), []).append((index, e))
    by_index: dict[int, ExpectationOutcome] = {}
    for (result_format, tag), indexed in groups.items():
        name = f"{suite.name}_{result_format.lower()}_{tag}"
        gx_suite = context.suites.add(_suite_object(gx, name, indexed))
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=batches[tag], suite=gx_suite)
        )
        result = definition.run(
            result_format={"result_format": result_format, "partial_unexpected_count": SAMPLE_SIZE}
        ).to_json_dict()
        for item in result["results"]:
            index = int(item["expectation_config"]["meta"][INDEX_KEY])
            by_index[index] = outcome_from_result(suite.expectations[index], item)
    return SuiteOutcome(suite, [by_index[i] for i in sorted(by_index)])


def _close(datasource: Any) -> None:
    """Close GX's persisted connection and dispose both SQLAlchemy engines."""
    execution_engine = getattr(datasource, "_execution_engine", None)
    if execution_engine is not None:
        connection = getattr(execution_engine, "_connection", None)
        if connection is not None:
            connection.close()
        execution_engine.engine.dispose()
    engine = getattr(datasource, "_engine", None)
    if engine is not None:
        engine.dispose()
