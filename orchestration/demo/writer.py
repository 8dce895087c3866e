"""Write generated tables into `<out>/<entity>/` in one of the landing formats."""

from __future__ import annotations

import argparse
import gzip
import re
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from orchestration.cli import folder, landing_default
from orchestration.ingest.contract import ENTITIES, FILE_SUFFIXES

FORMATS = tuple(s.lstrip(".") for s in FILE_SUFFIXES)
SINGLE_FILE = frozenset({"teams", "agents", "macros"})
"""Small reference entities are never split."""
GZIP_LEVEL = 6


def iso_text(arr: pa.Array) -> pa.Array:
    """timestamp[s, UTC] -> '2025-03-04T09:15:00Z' text (nulls stay null)."""
    naive = pc.cast(arr, pa.timestamp("s"))  # same instant; text casts from UTC are much slower
    text = pc.utf8_replace_slice(pc.cast(naive, pa.string()), 10, 11, "T")
    return pc.binary_join_element_wise(text, "Z", "")


def for_format(table: pa.Table, fmt: str) -> pa.Table:
    """Text timestamps for CSV/JSONL, `;`-joined lists for CSV; Parquet keeps native types."""
    if fmt == "parquet":
        return table
    columns = []
    for column in table.columns:
        if pa.types.is_timestamp(column.type):
            column = iso_text(column)
        elif pa.types.is_list(column.type) and not fmt.startswith("jsonl"):
            column = pc.binary_join(column, ";")
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def _write_one(table: pa.Table, path: Path, fmt: str) -> None:
    if fmt == "csv":
        pacsv.write_csv(table, path)
    elif fmt == "csv.gz":
        _write_csv_gz(table, path)
    elif fmt == "parquet":
        pq.write_table(table, path, compression="zstd")
    elif fmt in ("jsonl", "jsonl.gz"):
        compression = "gzip" if fmt == "jsonl.gz" else "uncompressed"
        with duckdb.connect() as con:
            con.register("demo_table", table)
            target = str(path).replace("'", "''")
            con.execute(f"copy demo_table to '{target}' (format json, compression {compression})")
    else:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def _write_csv_gz(table: pa.Table, path: Path, chunk_rows: int = 500_000) -> None:
    """Gzip at a fast level, with a fixed header time so the bytes are reproducible."""
    with (
        path.open("wb") as raw,
        gzip.GzipFile(
            filename="", mode="wb", fileobj=raw, compresslevel=GZIP_LEVEL, mtime=0
        ) as out,
    ):
        for start in range(0, max(table.num_rows, 1), chunk_rows):
            buffer = pa.BufferOutputStream()
            options = pacsv.WriteOptions(include_header=start == 0)
            pacsv.write_csv(table.slice(start, chunk_rows), buffer, options)
            out.write(buffer.getvalue())


def _stale(folder: Path, entity: str) -> list[Path]:
    pattern = re.compile(rf"^{re.escape(entity)}(_\d{{4}})?\.(csv|csv\.gz|jsonl|parquet)$")
    return [p for p in folder.iterdir() if p.is_file() and pattern.match(p.name)]


def write_entity(
    out_dir: Path, entity: str, table: pa.Table, fmt: str, files: int = 1
) -> list[Path]:
    """Write `table` (contract columns, in contract order) as one or `files` files.

    Files this generator wrote before for the entity (`<entity>.<ext>`, `<entity>_NNNN.<ext>`)
    are removed first, so changing the format or split leaves no duplicates; other files stay.
    """
    columns = ENTITIES[entity].columns
    missing = [c for c in columns if c not in table.column_names]
    if missing:
        raise ValueError(f"{entity}: generator did not produce {missing}")
    table = for_format(table.select(list(columns)), fmt)
    folder = out_dir / entity
    folder.mkdir(parents=True, exist_ok=True)
    for old in _stale(folder, entity):
        old.unlink()
    parts = 1 if entity in SINGLE_FILE else max(1, min(files, table.num_rows))
    if parts == 1:
        paths = [folder / f"{entity}.{fmt}"]
        _write_one(table, paths[0], fmt)
        return paths
    paths = []
    size = -(-table.num_rows // parts)
    for i in range(parts):
        path = folder / f"{entity}_{i + 1:04d}.{fmt}"
        _write_one(table.slice(i * size, size), path, fmt)
        paths.append(path)
    return paths


def has_data_files(out_dir: Path) -> bool:
    """True when `out_dir` holds any landing data file (any accepted suffix, any depth)."""
    if not out_dir.is_dir():
        return False
    return any(p.is_file() and p.name.endswith(FILE_SUFFIXES) for p in out_dir.rglob("*"))


def add_landing_out_argument(parser: argparse.ArgumentParser, note: str = "") -> None:
    """`--out`: the landing folder a command writes `<entity>/` folders into, by default the one
    the nightly job reads ($LANDING_DIR, else data/landing)."""
    parser.add_argument(
        "--out",
        type=folder,
        default=landing_default(),
        help="landing folder to write <entity>/ folders into (default: $LANDING_DIR, else "
        f"data/landing of the repository, the folder the nightly job reads){note}",
    )
