"""Export the DuckDB `raw` schema (what the ingest loaded) to Parquet, one folder per table.

Another engine then reads the same raw data: on Spark, `dbt run-operation register_raw_tables
--args '{location: DIR}'` creates every `raw.<table>` of the dbt sources over these folders
(see docs/scale-out.md). Column types are kept (contract columns are text; load metadata are
bigint and naive UTC timestamps).

Usage: python -m orchestration.scale_out.raw_export --warehouse data/warehouse.duckdb --out DIR
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import duckdb

from orchestration import cli
from orchestration.ingest.readers import quote_ident, quote_literal

RAW_SCHEMA = "raw"


def export_raw_tables(warehouse: Path, out_dir: Path) -> dict[str, int]:
    """Write every table of schema `raw` to `<out_dir>/<table>/part-0.parquet`.

    Each table's folder is replaced. Returns the row count per table.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables"
                " where table_schema = ? and table_type = 'BASE TABLE' order by table_name",
                [RAW_SCHEMA],
            ).fetchall()
        ]
        for table in tables:
            folder = out_dir / table
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            source = f"{RAW_SCHEMA}.{quote_ident(table)}"
            target = quote_literal(str(folder / "part-0.parquet"))
            con.execute(f"copy (select * from {source}) to {target} (format parquet)")
            counts[table] = con.execute(f"select count(*) from {source}").fetchone()[0]
    finally:
        con.close()
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m orchestration.scale_out.raw_export",
        description="Export the DuckDB raw schema to Parquet (one folder per table) so that "
        "Spark (or any engine reading Parquet) can register the same raw tables.",
    )
    parser.add_argument(
        "--warehouse", type=cli.warehouse_file, required=True, help="DuckDB warehouse file"
    )
    parser.add_argument(
        "--out", type=cli.folder, required=True, help="folder to write <table>/ into"
    )
    args = parser.parse_args(argv)
    counts = export_raw_tables(args.warehouse, args.out)
    if not counts:
        parser.error(f"{args.warehouse} has no raw tables (schema raw): load it first (make run)")
    for table, rows in counts.items():
        print(f"{table}: {rows} rows")


if __name__ == "__main__":
    cli.run(main, "python -m orchestration.scale_out.raw_export")
