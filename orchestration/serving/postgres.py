"""Postgres serving schema: loaded into `<schema>__next` and swapped in by renames, one transaction.

Uses the `psql` client (PostgreSQL's own binaries; no Python driver needed): the marts are exported
to CSV, and one `psql --single-transaction` script creates `marts__next`, loads it with `\\copy`,
renames `marts` -> `marts__old` and `marts__next` -> `marts`, drops `marts__old`. Readers see the
old schema until the commit and the new one after it; a failure rolls everything back.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import duckdb

from orchestration.serving.snapshot import SourceRelation, quote, sql_string

_SIMPLE = {
    "BOOLEAN": "boolean",
    "TINYINT": "smallint",
    "SMALLINT": "smallint",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "UTINYINT": "smallint",
    "USMALLINT": "integer",
    "UINTEGER": "bigint",
    "UBIGINT": "numeric(20,0)",
    "HUGEINT": "numeric(39,0)",
    "FLOAT": "real",
    "DOUBLE": "double precision",
    "DATE": "date",
    "TIME": "time",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP_NS": "timestamp",
    "TIMESTAMP_MS": "timestamp",
    "TIMESTAMP_S": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "INTERVAL": "interval",
    "VARCHAR": "text",
    "UUID": "uuid",
}


def postgres_type(duckdb_type: str) -> str:
    """The Postgres column type for a DuckDB type; nested types become text (JSON-like)."""
    t = duckdb_type.strip().upper()
    if t in _SIMPLE:
        return _SIMPLE[t]
    decimal = re.fullmatch(r"DECIMAL\((\d+),\s*(\d+)\)", t)
    if decimal:
        return f"numeric({decimal.group(1)},{decimal.group(2)})"
    return "text"


def swap_script(
    relations: list[SourceRelation], csv_dir: Path, readers: tuple[str, ...] = ()
) -> str:
    """The psql script run with --single-transaction (load next, grant, rename, drop old)."""
    lines = ["\\set ON_ERROR_STOP on", "set local lock_timeout = '60s';"]
    for schema in sorted({r.table.schema for r in relations}):
        nxt, old = quote(schema + "__next"), quote(schema + "__old")
        lines += [f"drop schema if exists {nxt} cascade;", f"create schema {nxt};"]
        for r in (r for r in relations if r.table.schema == schema):
            cols = ", ".join(f"{quote(c)} {postgres_type(t)}" for c, t in r.columns)
            lines.append(f"create table {nxt}.{quote(r.table.name)} ({cols});")
            csv_file = csv_dir / f"{schema}__{r.table.name}.csv"
            lines.append(
                f"\\copy {nxt}.{quote(r.table.name)} from {sql_string(str(csv_file))} "
                "with (format csv, header true)"
            )
        for reader in readers:  # grants live on the objects, so they survive the rename
            lines += [
                f"grant usage on schema {nxt} to {quote(reader)};",
                f"grant select on all tables in schema {nxt} to {quote(reader)};",
            ]
        lines += [
            f"drop schema if exists {old} cascade;",
            # The first publish has no live schema to move aside.
            "do $$ begin if exists (select 1 from pg_namespace where nspname = "
            f"{sql_string(schema)}) then execute 'alter schema {quote(schema)} rename to "
            f"{old}'; end if; end $$;",
            f"alter schema {nxt} rename to {quote(schema)};",
            f"drop schema if exists {old} cascade;",
        ]
    return "\n".join(lines) + "\n"


def psql_executable() -> str:
    """psql on PATH, else PostgreSQL 15's own binary folder."""
    found = shutil.which("psql")
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin/psql"), reverse=True):
        return str(candidate)
    raise FileNotFoundError("psql not found: install postgresql-client")


def publish_postgres(
    con: duckdb.DuckDBPyConnection,
    relations: list[SourceRelation],
    dsn: str,
    readers: tuple[str, ...] = (),
) -> None:
    """Load the relations into Postgres and swap the schemas in one transaction."""
    with tempfile.TemporaryDirectory(prefix="serving-pg-") as tmp:
        csv_dir = Path(tmp)
        for r in relations:
            # Nested values (lists) go out as their text form; everything else as is.
            selects = ", ".join(
                quote(c)
                if postgres_type(t) != "text" or t.upper() == "VARCHAR"
                else f"cast({quote(c)} as varchar) as {quote(c)}"
                for c, t in r.columns
            )
            target = csv_dir / f"{r.table.schema}__{r.table.name}.csv"
            con.execute(
                f"copy (select {selects} from {quote(r.view)}) to {sql_string(str(target))} "
                "(format csv, header true)"
            )
        script = csv_dir / "swap.sql"
        script.write_text(swap_script(relations, csv_dir, readers), encoding="utf-8")
        env = {**os.environ, "PGCONNECT_TIMEOUT": os.environ.get("PGCONNECT_TIMEOUT", "10")}
        done = subprocess.run(
            [
                psql_executable(),
                "--no-psqlrc",
                "--quiet",
                "--single-transaction",
                "-v",
                "ON_ERROR_STOP=1",
                "-f",
                str(script),
                dsn,
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=3600,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"postgres publish failed (rolled back): {done.stderr.strip()}")
