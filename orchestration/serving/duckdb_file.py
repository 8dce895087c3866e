"""Serving DuckDB files: written beside the live file, checked, then swapped in with os.replace.

The file is written in storage version v1.4.0 so DuckDB 1.x readers (Metabase's and Superset's
drivers) can open it. BI tools only ever open the serving file read-only; the writer never opens
the live file, only the temporary one, so readers and the publish never meet on one lock.

An incremental publish starts the temporary file as a copy of the live one and brings each table
up to date (`update_serving_file`): a table refreshed by scope gets the rows of the keys the
warehouse rewrote since the copy's newest `_refreshed_at` (delete and insert by key); every other
table is rewritten. A table whose row count then differs from the warehouse is rewritten too.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from orchestration.serving.naming import (
    check_serving_name,
    pointer_path,
    temporary_path,
    version_stamp,
    versioned_path,
    versions_to_prune,
)
from orchestration.serving.snapshot import SourceRelation, quote, sql_string

STORAGE_VERSION = "v1.4.0"
REWRITE_SHARE = 0.3
"""A table refreshed by scope is rewritten instead of updated when more of its rows changed."""
FREE_SHARE = 0.5
"""The live file is not reused when more of its blocks are free (deleted rows pile up)."""


class PublishCheckError(RuntimeError):
    """The new serving copy does not match the warehouse; nothing was swapped in."""


def _remove(path: Path) -> None:
    for candidate in (path, path.with_name(path.name + ".wal")):
        if candidate.is_symlink() or candidate.exists():
            candidate.unlink()


class _NotReusable(Exception):
    """The copy of the live file cannot be updated; write the serving file from scratch."""


@contextmanager
def _kept_or_removed(con: duckdb.DuckDBPyConnection, target: Path) -> Iterator[None]:
    """Around work on the attached `serving_next` (file `target`): checkpoint and detach it after
    the block; on any error detach it and remove the file."""
    try:
        yield
        con.execute("checkpoint serving_next")
    except BaseException:
        con.execute("detach serving_next")
        _remove(target)
        raise
    con.execute("detach serving_next")


def write_serving_file(
    con: duckdb.DuckDBPyConnection, relations: list[SourceRelation], target: Path
) -> None:
    """Write every relation into a new DuckDB file `target` (must not exist) and check counts."""
    _remove(target)
    con.execute(
        f"attach {sql_string(str(target))} as serving_next (storage_version '{STORAGE_VERSION}')"
    )
    with _kept_or_removed(con, target):
        for schema in sorted({r.table.schema for r in relations}):
            con.execute(f"create schema serving_next.{quote(schema)}")
        for r in relations:
            name = f"serving_next.{quote(r.table.schema)}.{quote(r.table.name)}"
            con.execute(f"create table {name} as select * from {quote(r.view)}")
            _check_count(con, r, name)


def _check_count(con: duckdb.DuckDBPyConnection, r: SourceRelation, name: str) -> None:
    copied = con.execute(f"select count(*) from {name}").fetchone()[0]
    if copied != r.row_count:
        raise PublishCheckError(
            f"{r.table.schema}.{r.table.name}: {copied} rows copied, {r.row_count} expected"
        )


def _rewrite_table(con: duckdb.DuckDBPyConnection, r: SourceRelation, name: str) -> None:
    con.execute(f"create or replace table {name} as select * from {quote(r.view)}")
    _check_count(con, r, name)


def _update_by_key(
    con: duckdb.DuckDBPyConnection, r: SourceRelation, name: str
) -> tuple[bool, str]:
    """Replace the rows of the keys the warehouse rewrote since `name` was written.

    Returns (True, "N keys updated"), or (False, why the table must be rewritten instead)."""
    key = r.table.refresh_key
    if not key:
        return False, "rebuilt in full by dbt"
    columns = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = 'serving_next' and table_schema = ? and table_name = ? "
        "order by ordinal_position",
        [r.table.schema, r.table.name],
    ).fetchall()
    if [tuple(c) for c in columns] != list(r.columns):
        return False, "new or other columns"
    if "_refreshed_at" not in {c for c, _ in r.columns}:
        return False, "no _refreshed_at column"
    watermark = con.execute(f"select max(_refreshed_at) from {name}").fetchone()[0]
    if watermark is None:
        return False, "was empty"
    view = quote(r.view)
    con.execute(
        f"create or replace temp table serving_changed_keys as select distinct {key} as k "
        f"from {view} where _refreshed_at > ?",
        [watermark],
    )
    keys, null_keys = con.execute(
        "select count(*), count(*) filter (where k is null) from serving_changed_keys"
    ).fetchone()
    if null_keys:
        return False, "a changed row has no key"
    changed = con.execute(
        f"select count(*) from {view} where {key} in (select k from serving_changed_keys)"
    ).fetchone()[0]
    if changed > REWRITE_SHARE * max(r.row_count, 1):
        return False, f"{changed:,} of {r.row_count:,} rows changed"
    if keys:
        con.execute(f"delete from {name} where {key} in (select k from serving_changed_keys)")
        con.execute(
            f"insert into {name} select * from {view} "
            f"where {key} in (select k from serving_changed_keys)"
        )
    present = con.execute(f"select count(*) from {name}").fetchone()[0]
    if present != r.row_count:  # a key left the warehouse, or the copy was of other data
        return False, f"{present:,} rows after the update, {r.row_count:,} in the warehouse"
    return True, f"{keys} keys updated"


def _reusable(con: duckdb.DuckDBPyConnection) -> bool:
    """The attached copy `serving_next` can be updated: our storage version, mostly in use."""
    tags = con.execute(
        "select tags from duckdb_databases() where database_name = 'serving_next'"
    ).fetchone()
    if not tags or not str(tags[0].get("storage_version", "")).startswith(STORAGE_VERSION):
        return False
    free, total = con.execute(
        "select free_blocks, total_blocks from pragma_database_size() "
        "where database_name = 'serving_next'"
    ).fetchone()
    return bool(total) and free <= FREE_SHARE * total


def update_serving_file(
    con: duckdb.DuckDBPyConnection, relations: list[SourceRelation], target: Path
) -> dict[str, str] | None:
    """Bring the serving file `target` (a copy of the live one) up to date with `relations`.

    Returns what happened to each table (keys updated, or rewritten), or None when the copy
    cannot be reused (another storage version, too many free blocks). Tables no longer served
    are dropped. On an error or None, `target` is removed; the live file is not touched."""
    actions: dict[str, str] = {}
    try:
        con.execute(f"attach {sql_string(str(target))} as serving_next")
    except duckdb.Error:
        _remove(target)
        return None
    try:
        with _kept_or_removed(con, target):
            if not _reusable(con):
                raise _NotReusable
            for schema in sorted({r.table.schema for r in relations}):
                con.execute(f"create schema if not exists serving_next.{quote(schema)}")
            served = {(r.table.schema, r.table.name) for r in relations}
            present = con.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_catalog = 'serving_next'"
            ).fetchall()
            for schema, table in present:
                if (schema, table) not in served:
                    con.execute(f"drop table serving_next.{quote(schema)}.{quote(table)}")
            for r in relations:
                name = f"serving_next.{quote(r.table.schema)}.{quote(r.table.name)}"
                try:
                    updated, action = _update_by_key(con, r, name)
                except duckdb.Error as error:  # e.g. a key column the serving copy withholds
                    updated, action = False, str(error).splitlines()[0]
                if not updated:
                    _rewrite_table(con, r, name)
                    action = f"rewritten ({action})"
                actions[f"{r.table.schema}.{r.table.name}"] = action
    except _NotReusable:
        return None
    return actions


def prepare_serving_file(
    con: duckdb.DuckDBPyConnection,
    relations: list[SourceRelation],
    target: Path,
    live: Path | None,
) -> dict[str, str]:
    """Write the next serving file `target`: a copy of `live` brought up to date when there is
    one to reuse, else from scratch (every table "written"). `live` is only read as bytes."""
    if live is not None and live.is_file() and not live.with_name(live.name + ".wal").exists():
        _remove(target)
        shutil.copyfile(live, target)
        actions = update_serving_file(con, relations, target)
        if actions is not None:
            return actions
    write_serving_file(con, relations, target)
    return {f"{r.table.schema}.{r.table.name}": "written" for r in relations}


def publish_file(
    con: duckdb.DuckDBPyConnection,
    relations: list[SourceRelation],
    path: Path,
    incremental: bool = False,
) -> dict[str, str]:
    """Replace the serving file at `path` atomically; on failure the previous file stays.

    `incremental`: start from a copy of the current file (see `update_serving_file`). Returns
    what happened to each table."""
    check_serving_name(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_path(path)
    live = path if incremental and not path.is_symlink() else None
    actions = prepare_serving_file(con, relations, tmp, live)
    if path.is_symlink():  # switching from versioned mode: replace the link itself
        path.unlink()
    os.replace(tmp, path)
    return actions


def _atomic_symlink(link: Path, target_name: str) -> None:
    tmp = link.with_name(link.name + ".link-next")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(target_name)
    os.replace(tmp, link)


def _atomic_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".next")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def publish_versioned(
    con: duckdb.DuckDBPyConnection,
    relations: list[SourceRelation],
    path: Path,
    keep: int = 3,
    stamp: str | None = None,
    incremental: bool = False,
) -> tuple[Path, dict[str, str]]:
    """Write analytics-<stamp>.duckdb, then point the stable symlink `path` and the pointer file
    analytics.current at it; keep the newest `keep` versions (open handles on pruned files stay
    valid on POSIX until the BI tool reconnects). `incremental`: start from a copy of the current
    version. Returns the new file and what happened to each table."""
    check_serving_name(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    final = versioned_path(path, stamp or version_stamp())
    tmp = temporary_path(final)
    live = path.resolve() if incremental and path.is_symlink() else None
    actions = prepare_serving_file(con, relations, tmp, live)
    os.replace(tmp, final)
    if path.exists() and not path.is_symlink():
        path.unlink()  # a plain file from the duckdb mode becomes the link
    _atomic_symlink(path, final.name)
    _atomic_text(pointer_path(path), final.name + "\n")
    for name in versions_to_prune(path, os.listdir(path.parent), keep):
        _remove(path.parent / name)
        shutil.rmtree(path.parent / (name + ".tmp"), ignore_errors=True)
    return final, actions
