"""Read-only queries on a DuckDB file that may not exist yet (a warehouse before its first run)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from orchestration.settings import duckdb_config


def query_file(path: Path, sql: str) -> list[tuple[Any, ...]] | None:
    """The rows of `sql` run on the DuckDB file at `path`, opened read-only with the job's
    memory limit and threads; None when there is no file."""
    if not path.exists():
        return None
    con = duckdb.connect(str(path), read_only=True, config=duckdb_config())
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()
