"""Copy the DuckDB `raw` schema (what the ingest loaded) into a Postgres database, table by table.

Every table of schema `raw` is created again in Postgres schema `raw` with the same columns (text,
bigint, timestamp) and filled through `COPY ... FROM STDIN` (CSV written by DuckDB), so the dbt
project can build on a Postgres target (DBT_TARGET=postgres, see docs/scale-out.md). Needs the
`postgres` extra (psycopg2).

Usage: python -m orchestration.scale_out.raw_to_postgres --warehouse data/warehouse.duckdb \
           --dsn "host=127.0.0.1 port=5432 dbname=support user=dbt"
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import duckdb

from orchestration import cli
from orchestration.ingest.readers import quote_ident, quote_literal
from orchestration.scale_out.raw_export import RAW_SCHEMA

POSTGRES_TYPES = {
    "VARCHAR": "text",
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "DOUBLE": "double precision",
    "BOOLEAN": "boolean",
    "TIMESTAMP": "timestamp",
    "DATE": "date",
}


def copy_raw_tables(warehouse: Path, dsn: str) -> dict[str, int]:
    """Replace schema `raw` of the Postgres database with the DuckDB raw tables; rows per table."""
    import psycopg2  # the `postgres` extra

    counts: dict[str, int] = {}
    duck = duckdb.connect(str(warehouse), read_only=True)
    pg = psycopg2.connect(dsn)
    try:
        tables = [
            row[0]
            for row in duck.execute(
                "select table_name from information_schema.tables"
                " where table_schema = ? and table_type = 'BASE TABLE' order by table_name",
                [RAW_SCHEMA],
            ).fetchall()
        ]
        with pg, pg.cursor() as cur, tempfile.TemporaryDirectory() as tmp:
            cur.execute(f"drop schema if exists {RAW_SCHEMA} cascade")
            cur.execute(f"create schema {RAW_SCHEMA}")
            for table in tables:
                columns = duck.execute(
                    "select column_name, data_type from information_schema.columns"
                    " where table_schema = ? and table_name = ? order by ordinal_position",
                    [RAW_SCHEMA, table],
                ).fetchall()
                ddl = ", ".join(
                    f"{quote_ident(name)} {POSTGRES_TYPES.get(kind, 'text')}"
                    for name, kind in columns
                )
                target = f"{RAW_SCHEMA}.{quote_ident(table)}"
                cur.execute(f"create table {target} ({ddl})")
                csv_path = Path(tmp) / f"{table}.csv"
                duck.execute(
                    f"copy (select * from {target}) to {quote_literal(str(csv_path))}"
                    " (format csv, header true, null '\\N')"
                )
                with csv_path.open(encoding="utf-8") as handle:
                    cur.copy_expert(
                        f"copy {target} from stdin with (format csv, header true, null '\\N')",
                        handle,
                    )
                counts[table] = cur.rowcount
    finally:
        pg.close()
        duck.close()
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m orchestration.scale_out.raw_to_postgres",
        description="Copy the DuckDB raw schema into Postgres schema raw (replaced).",
    )
    parser.add_argument(
        "--warehouse", type=cli.warehouse_file, required=True, help="DuckDB warehouse file"
    )
    parser.add_argument("--dsn", required=True, help="libpq connection string of the database")
    args = parser.parse_args(argv)
    for table, rows in copy_raw_tables(args.warehouse, args.dsn).items():
        print(f"{table}: {rows} rows")


def _user_errors() -> tuple[type[BaseException], ...]:
    """The runner's user errors plus psycopg2's (a DSN that does not connect)."""
    try:
        import psycopg2
    except ImportError:
        return cli.USER_ERRORS
    return (*cli.USER_ERRORS, psycopg2.Error)


if __name__ == "__main__":
    cli.run(main, "python -m orchestration.scale_out.raw_to_postgres", _user_errors())
