"""Serving DuckDB files: written beside the live file, checked, then swapped in with os.replace.

The file is written in storage version v1.4.0 so DuckDB 1.x readers (Metabase's and Superset's
drivers) can open it. BI tools only ever open the serving file read-only; the writer never opens
the live file, only the temporary one, so readers and the publish never meet on one lock.
"""

from __future__ import annotations

import os
import shutil
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


class PublishCheckError(RuntimeError):
    """The new serving copy does not match the warehouse; nothing was swapped in."""


def _remove(path: Path) -> None:
    for candidate in (path, path.with_name(path.name + ".wal")):
        if candidate.is_symlink() or candidate.exists():
            candidate.unlink()


def write_serving_file(
    con: duckdb.DuckDBPyConnection, relations: list[SourceRelation], target: Path
) -> None:
    """Write every relation into a new DuckDB file `target` (must not exist) and check counts."""
    _remove(target)
    con.execute(
        f"attach {sql_string(str(target))} as serving_next (storage_version '{STORAGE_VERSION}')"
    )
    try:
        for schema in sorted({r.table.schema for r in relations}):
            con.execute(f"create schema serving_next.{quote(schema)}")
        for r in relations:
            name = f"serving_next.{quote(r.table.schema)}.{quote(r.table.name)}"
            con.execute(f"create table {name} as select * from {quote(r.view)}")
            copied = con.execute(f"select count(*) from {name}").fetchone()[0]
            if copied != r.row_count:
                raise PublishCheckError(
                    f"{r.table.schema}.{r.table.name}: {copied} rows copied, {r.row_count} expected"
                )
        con.execute("checkpoint serving_next")
    except BaseException:
        con.execute("detach serving_next")
        _remove(target)
        raise
    con.execute("detach serving_next")


def publish_file(
    con: duckdb.DuckDBPyConnection, relations: list[SourceRelation], path: Path
) -> Path:
    """Replace the serving file at `path` atomically; on failure the previous file stays."""
    check_serving_name(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_path(path)
    write_serving_file(con, relations, tmp)
    if path.is_symlink():  # switching from versioned mode: replace the link itself
        path.unlink()
    os.replace(tmp, path)
    return path


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
) -> Path:
    """Write analytics-<stamp>.duckdb, then point the stable symlink `path` and the pointer file
    analytics.current at it; keep the newest `keep` versions (open handles on pruned files stay
    valid on POSIX until the BI tool reconnects)."""
    check_serving_name(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    final = versioned_path(path, stamp or version_stamp())
    tmp = temporary_path(final)
    write_serving_file(con, relations, tmp)
    os.replace(tmp, final)
    if path.exists() and not path.is_symlink():
        path.unlink()  # a plain file from the duckdb mode becomes the link
    _atomic_symlink(path, final.name)
    _atomic_text(pointer_path(path), final.name + "\n")
    for name in versions_to_prune(path, os.listdir(path.parent), keep):
        _remove(path.parent / name)
        shutil.rmtree(path.parent / (name + ".tmp"), ignore_errors=True)
    return final
