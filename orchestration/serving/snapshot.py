"""Read the servable relations out of the warehouse, filtered and (optionally) pseudonymised.

`open_source` attaches the warehouse read-only to an in-memory DuckDB connection and defines one
temporary view per served table (`serving_src.<schema>__<table>`) with only the published columns;
every target (DuckDB file, Parquet, Postgres) copies from those views, so all get the same data.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from orchestration.serving.columns import (
    ServedTable,
    is_customer_id,
    pseudonymize,
    published_columns,
)
from orchestration.settings import duckdb_config


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class SourceRelation:
    """A served table as a temporary view over the warehouse, with its published columns."""

    table: ServedTable
    view: str
    columns: list[tuple[str, str]]  # (name, duckdb type)
    row_count: int


def _register_pseudonym(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    def fn(values: pa.Array) -> pa.Array:
        return pa.array([pseudonymize(v, key) for v in values.to_pylist()], type=pa.string())

    con.create_function(
        "serving_pseudonym",
        fn,
        [duckdb.sqltype("VARCHAR")],
        duckdb.sqltype("VARCHAR"),
        type="arrow",
        null_handling="special",
    )


@contextmanager
def open_source(
    warehouse: Path, tables: list[ServedTable], pseudonymize_key: bytes | None = None
) -> Iterator[tuple[duckdb.DuckDBPyConnection, list[SourceRelation]]]:
    """An in-memory connection with the warehouse attached read-only as `wh` and one view per table.

    Tables of the manifest missing from the warehouse are skipped (not built yet).
    """
    con = duckdb.connect(config=duckdb_config())
    try:
        con.execute(f"attach {sql_string(str(warehouse))} as wh (read_only)")
        if pseudonymize_key:
            _register_pseudonym(con, pseudonymize_key)
        relations = []
        for table in tables:
            found = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_catalog = 'wh' and table_schema = ? and table_name = ? "
                "order by ordinal_position",
                [table.schema, table.name],
            ).fetchall()
            if not found:
                continue
            types = dict(found)
            keep = published_columns(table, [c for c, _ in found])
            selects = []
            for column in keep:
                expr = quote(column)
                if pseudonymize_key and is_customer_id(
                    column, table.column_meta.get(column.lower())
                ):
                    expr = f"serving_pseudonym(cast({expr} as varchar)) as {expr}"
                    types[column] = "VARCHAR"
                selects.append(expr)
            view = f"{table.schema}__{table.name}"
            con.execute(
                f"create temp view {quote(view)} as select {', '.join(selects)} "
                f"from wh.{quote(table.schema)}.{quote(table.name)}"
            )
            count = con.execute(f"select count(*) from {quote(view)}").fetchone()[0]
            relations.append(SourceRelation(table, view, [(c, types[c]) for c in keep], int(count)))
        yield con, relations
    finally:
        con.close()
