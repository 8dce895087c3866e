"""Build-then-swap: dbt builds a working copy of the warehouse; only a build that passed every
blocking check replaces the warehouse file.

    <warehouse>                  the live file (raw, staging, marts); ingest writes it directly
    <warehouse>.building.duckdb  the working copy of this run: dbt and the mart checks use it
    <warehouse>.building.json    the live file's size, mtime and inode when it was copied
    <warehouse>.failed.duckdb    the last build that did not pass, kept for inspection

`start_build` copies the live file (after a checkpoint, so no WAL is left behind);
`promote_build` swaps the working copy in with one `os.replace`, refusing when the live file
changed since the copy (the copy would lose what was written meanwhile); `keep_failed_build` moves
an unpromoted working copy aside. Every step runs while the run holds the warehouse lock, with no
DuckDB connection open on the files it moves. Pure helpers: no Dagster here.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from orchestration.duckdb_files import query_file
from orchestration.settings import duckdb_config

BUILDING_SUFFIX = ".building.duckdb"
FAILED_SUFFIX = ".failed.duckdb"
FINGERPRINT_SUFFIX = ".building.json"
COPY_CHUNK_BYTES = 1 << 30


class WarehouseChangedError(RuntimeError):
    """The live warehouse changed while the working copy was built: promoting would lose data."""


@dataclass(frozen=True)
class BuildFiles:
    """The files of one warehouse's build-then-swap."""

    warehouse: Path

    @property
    def building(self) -> Path:
        return self.warehouse.with_name(self.warehouse.name + BUILDING_SUFFIX)

    @property
    def failed(self) -> Path:
        return self.warehouse.with_name(self.warehouse.name + FAILED_SUFFIX)

    @property
    def fingerprint(self) -> Path:
        return self.warehouse.with_name(self.warehouse.name + FINGERPRINT_SUFFIX)


@dataclass(frozen=True)
class Fingerprint:
    """What changes whenever DuckDB writes a file (or someone replaces it)."""

    size: int
    mtime_ns: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> Fingerprint:
        stat = path.stat()
        return cls(size=stat.st_size, mtime_ns=stat.st_mtime_ns, inode=stat.st_ino)


@dataclass(frozen=True)
class BuildStarted:
    copy: Path
    bytes_copied: int
    seconds: float


@dataclass(frozen=True)
class BuildPromoted:
    warehouse: Path
    size_bytes: int
    seconds: float


def wal_path(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def checkpoint(path: Path) -> None:
    """Fold the write-ahead log into the database file, so the file alone is the database.

    Opens the file for writing: call it only while no other connection has it open.
    """
    con = duckdb.connect(str(path), config=duckdb_config())
    try:
        con.execute("force checkpoint")
    finally:
        con.close()
    if wal_path(path).exists():
        raise RuntimeError(f"{wal_path(path)} still exists after a checkpoint of {path}")


def copy_file(source: Path, target: Path) -> int:
    """Copy `source` to `target` (replaced) in the kernel; returns the bytes. Not flushed to disk:
    a working copy lost in a crash is rebuilt; `promote_build` flushes before the swap.

    `os.copy_file_range` shares blocks on file systems that can (XFS, Btrfs: a reflink, nearly
    free) and copies in the kernel elsewhere; it falls back to shutil when unsupported.
    """
    tmp = target.with_name(target.name + ".part")
    size = source.stat().st_size
    try:
        with source.open("rb") as src, tmp.open("wb") as dst:
            try:
                copied = 0
                while copied < size:
                    n = os.copy_file_range(src.fileno(), dst.fileno(), COPY_CHUNK_BYTES)
                    if n == 0:
                        break
                    copied += n
            except OSError:
                src.seek(0)
                dst.seek(0)
                dst.truncate()
                shutil.copyfileobj(src, dst, 16 << 20)
        if tmp.stat().st_size != size:
            raise OSError(f"copy of {source} is {tmp.stat().st_size} bytes, expected {size}")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return size


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def discard(path: Path) -> None:
    """Remove a DuckDB file with its WAL and temporary folder, if present."""
    for candidate in (path, wal_path(path)):
        candidate.unlink(missing_ok=True)
    shutil.rmtree(path.with_name(path.name + ".tmp"), ignore_errors=True)


def start_build(warehouse: Path) -> BuildStarted:
    """Checkpoint the live warehouse and copy it to the working copy (an older one is replaced).

    A warehouse that does not exist yet gets an empty working copy (dbt creates the file).
    """
    files = BuildFiles(warehouse)
    discard(files.building)
    started = time.perf_counter()
    if warehouse.exists():
        checkpoint(warehouse)
        copied = copy_file(warehouse, files.building)
        fingerprint: Fingerprint | None = Fingerprint.of(warehouse)
    else:
        copied, fingerprint = 0, None
    files.fingerprint.write_text(json.dumps(asdict(fingerprint) if fingerprint else None))
    return BuildStarted(files.building, copied, time.perf_counter() - started)


def stored_columns(path: Path) -> dict[tuple[str, str], set[str]]:
    """The columns of every table in the DuckDB file at `path`, by (schema, table), lowercase;
    empty for a missing file."""
    rows = query_file(
        path, "select table_schema, table_name, column_name from information_schema.columns"
    )
    found: dict[tuple[str, str], set[str]] = {}
    for schema, table, column in rows or []:
        found.setdefault((schema.lower(), table.lower()), set()).add(column.lower())
    return found


def has_incremental_models(stored: Mapping[tuple[str, str], set[str]]) -> bool:
    """True when a warehouse's tables (`stored_columns`) include a model dbt refreshes
    incrementally (a table with the `_refreshed_at` stamp, macros/refresh_scope.sql); False for a
    missing file or one with raw tables only, where the next build builds every model in full."""
    return any("_refreshed_at" in columns for columns in stored.values())


def abandon_build(warehouse: Path) -> None:
    """Remove the working copy of a build that did not start (nothing to keep)."""
    files = BuildFiles(warehouse)
    discard(files.building)
    files.fingerprint.unlink(missing_ok=True)


def build_in_progress(warehouse: Path) -> bool:
    return BuildFiles(warehouse).building.exists()


def active_file(warehouse: Path) -> Path:
    """The file that holds this run's models: the working copy while one exists, else the
    warehouse (a run that did not build, e.g. checks or a publish on their own)."""
    building = BuildFiles(warehouse).building
    return building if building.exists() else warehouse


def unchanged_since_copy(warehouse: Path) -> str | None:
    """None when the live warehouse is as it was copied; else what changed."""
    files = BuildFiles(warehouse)
    if not files.fingerprint.exists():
        return f"{files.fingerprint} is missing: the copy of this build is unknown"
    recorded = json.loads(files.fingerprint.read_text())
    if wal_path(warehouse).exists():
        return f"{wal_path(warehouse)} appeared (something wrote the warehouse)"
    if recorded is None:
        return f"{warehouse} was created during the build" if warehouse.exists() else None
    if not warehouse.exists():
        return f"{warehouse} disappeared during the build"
    now = Fingerprint.of(warehouse)
    if now != Fingerprint(**recorded):
        return f"{warehouse} was written during the build ({Fingerprint(**recorded)} -> {now})"
    return None


def promote_build(warehouse: Path) -> BuildPromoted:
    """Replace the warehouse with the working copy in one atomic rename.

    Raises WarehouseChangedError (nothing replaced) when the warehouse was written since the copy.
    """
    files = BuildFiles(warehouse)
    if not files.building.exists():
        raise FileNotFoundError(f"no working copy {files.building} to promote")
    started = time.perf_counter()
    changed = unchanged_since_copy(warehouse)
    if changed:
        raise WarehouseChangedError(changed)
    checkpoint(files.building)
    with files.building.open("rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(files.building, warehouse)
    _fsync_folder(warehouse.parent)
    files.fingerprint.unlink(missing_ok=True)
    shutil.rmtree(files.building.with_name(files.building.name + ".tmp"), ignore_errors=True)
    return BuildPromoted(warehouse, warehouse.stat().st_size, time.perf_counter() - started)


def keep_failed_build(warehouse: Path) -> Path | None:
    """Move an unpromoted working copy to `<warehouse>.failed.duckdb` (replacing an older one);
    returns its path, or None when there was no working copy."""
    files = BuildFiles(warehouse)
    files.fingerprint.unlink(missing_ok=True)
    if not files.building.exists():
        return None
    discard(files.failed)
    os.replace(files.building, files.failed)
    if wal_path(files.building).exists():
        os.replace(wal_path(files.building), wal_path(files.failed))
    shutil.rmtree(files.building.with_name(files.building.name + ".tmp"), ignore_errors=True)
    return files.failed
