"""Incremental, idempotent load of the landing folder into the `raw` schema of DuckDB.

`load_landing(con, landing_dir)` loads every new file once, in sorted path order, into
`raw.<entity>` (all values as text, plus `_source_file`, `_source_row`, `_loaded_at`, `_file_id`),
records each file in `raw._landing_files` and every record it could not split into columns in
`raw._landing_rejects`. Each file loads in its own transaction: a file is either fully recorded
(its good rows, its rejected rows and its manifest row) or not at all. Every call is a load run,
recorded in `raw._load_runs` even when it finds nothing new; the raw checks judge the rows of the
latest one. See docs/landing-contract.md.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from orchestration.ingest.contract import ENTITIES, Entity
from orchestration.ingest.landing import (
    IgnoredFile,
    file_format,
    relative_name,
    require_files,
    scan_landing,
)
from orchestration.ingest.readers import (
    FileRejected,
    MixedLineEnds,
    RawSink,
    ReadResult,
    line_ends_unified,
    load_csv,
    load_jsonl,
    load_parquet,
    quote_ident,
)
from orchestration.quality.freshness import measure_loaded_files

logger = logging.getLogger(__name__)

CSV_FORMATS = ("csv", "csv.gz")

MANIFEST_TABLE = "raw._landing_files"
REJECTS_TABLE = "raw._landing_rejects"
LOAD_RUNS_TABLE = "raw._load_runs"

LOADED = "loaded"
REJECTED = "rejected"
SKIPPED_DUPLICATE = "skipped_duplicate"


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one file in this run (passed to the `progress` callback)."""

    entity: str
    source_file: str
    status: str
    """'loaded', 'rejected', 'skipped_duplicate', or 'unchanged' (already handled in a past run)."""
    rows_loaded: int = 0
    rows_rejected: int = 0
    message: str | None = None
    warnings: tuple[str, ...] = ()
    """Columns of a type staging cannot read (a Parquet column of the wrong type); also in
    `message`."""
    notes: tuple[str, ...] = ()
    """How the file was read where it departs from the plain case (mixed line ends read as
    `\\n`); also in `message`."""


@dataclass
class EntityLoadResult:
    """Summary of one entity after `load_landing`."""

    entity: str
    files_loaded: list[str] = field(default_factory=list)
    """Files (relative to LANDING_DIR) loaded in this run, in load order."""
    files_skipped: list[str] = field(default_factory=list)
    """Files recorded as skipped_duplicate in this run (same content as a loaded file)."""
    files_rejected: list[tuple[str, str]] = field(default_factory=list)
    """(source_file, message) for each file rejected in this run."""
    rows_loaded: int = 0
    rows_rejected: int = 0
    """Records of loaded files that could not be split into columns (see raw._landing_rejects)."""
    rows_total: int = 0
    """Rows in raw.<entity> after the run."""
    files_unchanged: int = 0
    """Files already handled by an earlier run (same path and content): nothing done."""
    files_with_warnings: list[tuple[str, str]] = field(default_factory=list)
    """(source_file, warning) for each type error of a file loaded in this run."""
    files_with_notes: list[tuple[str, str]] = field(default_factory=list)
    """(source_file, note) for each file of this run read differently from the plain case."""
    load_run_id: int | None = None
    """The load run (raw._load_runs) of this call."""
    files_ignored: list[tuple[str, str]] = field(default_factory=list)
    """(file, reason) for each file of the entity's folder that is not loaded (an unsupported
    suffix): listed again by every run while it stays."""


ProgressCallback = Callable[[FileOutcome], None]


class LandingLoad(dict[str, EntityLoadResult]):
    """`load_landing`'s result: an EntityLoadResult per selected entity, plus what the folder
    holds outside every entity's folder (loose files, unknown folders), from the same walk."""

    def __init__(self, outside_entities: Iterable[IgnoredFile] = ()) -> None:
        super().__init__()
        self.ignored_outside_entities: list[IgnoredFile] = list(outside_entities)


def _metadata_ddl() -> str:
    return "_source_file varchar, _source_row bigint, _loaded_at timestamp, _file_id bigint"


def ensure_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create schema `raw`, every entity table, the manifest and the rejects table if missing.

    Entity tables get every contract column as VARCHAR plus the metadata columns, even when no file
    was ever delivered, so dbt sources always resolve. Contract columns added later are added to
    existing tables.
    """
    con.execute("create schema if not exists raw")
    for entity in ENTITIES.values():
        table = f"raw.{quote_ident(entity.name)}"
        columns = ", ".join(f"{quote_ident(c)} varchar" for c in entity.columns)
        con.execute(f"create table if not exists {table} ({columns}, {_metadata_ddl()})")
        for column in entity.columns:
            con.execute(
                f"alter table {table} add column if not exists {quote_ident(column)} varchar"
            )
    con.execute(
        f"create table if not exists {MANIFEST_TABLE} ("
        "file_id bigint primary key, entity varchar not null, source_file varchar not null, "
        "content_hash varchar not null, size_bytes bigint, file_format varchar, "
        "status varchar not null, rows_loaded bigint, rows_rejected bigint, message varchar, "
        "loaded_at timestamp not null, load_run_id bigint)"
    )
    # Warehouses created before load runs were recorded get the column (NULL for old files).
    con.execute(f"alter table {MANIFEST_TABLE} add column if not exists load_run_id bigint")
    # ... and before file signatures were kept (NULL: the file is hashed once more).
    con.execute(f"alter table {MANIFEST_TABLE} add column if not exists file_signature varchar")
    # ... and before each file's latest event time was measured (freshness check; NULL: the
    # file is measured by the next load).
    con.execute(f"alter table {MANIFEST_TABLE} add column if not exists latest_event_at timestamp")
    con.execute(
        f"alter table {MANIFEST_TABLE} add column if not exists is_event_time_measured boolean"
    )
    con.execute(
        f"create table if not exists {REJECTS_TABLE} ("
        "file_id bigint not null, entity varchar not null, source_file varchar not null, "
        "source_row bigint, reason varchar not null, raw_record varchar)"
    )
    con.execute(
        f"create table if not exists {LOAD_RUNS_TABLE} ("
        "load_run_id bigint primary key, started_at timestamp not null, entities varchar)"
    )


def start_load_run(con: duckdb.DuckDBPyConnection, entities: Iterable[str]) -> int:
    """Record a new load run and return its id (one more than any run seen so far, including
    runs recorded only in the manifest by warehouses older than raw._load_runs)."""
    row = con.execute(
        f"select greatest((select coalesce(max(load_run_id), 0) from {MANIFEST_TABLE}), "
        f"(select coalesce(max(load_run_id), 0) from {LOAD_RUNS_TABLE})) + 1"
    ).fetchone()
    load_run_id = int(row[0]) if row else 1
    con.execute(
        f"insert into {LOAD_RUNS_TABLE} values (?, ?, ?)",
        [load_run_id, _utc_now(), ",".join(entities)],
    )
    return load_run_id


def latest_load_run(con: duckdb.DuckDBPyConnection) -> int | None:
    """The id of the latest load run, None when nothing was ever loaded (or no run table yet)."""
    found = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'raw' and table_name = '_load_runs'"
    ).fetchone()
    if not found or not found[0]:
        return None
    row = con.execute(f"select max(load_run_id) from {LOAD_RUNS_TABLE}").fetchone()
    return None if row is None or row[0] is None else int(row[0])


def content_hash(path: Path) -> str:
    """sha256 of the file's bytes, in hex."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


RACY_SECONDS = 2.0
"""A file modified this close to the moment it was looked at may change again within the same
modification-time tick, so its signature is not kept (git's "racily clean" rule)."""


def file_signature(stat: os.stat_result, now: float) -> str | None:
    """'size:mtime_ns:inode' of a file about to be hashed, or None when it was modified less
    than RACY_SECONDS before `now` (epoch seconds).

    The manifest keeps it beside the file's sha256; a later run that finds the same signature
    at the same path knows the content without reading the file. Rewriting a file changes its
    modification time, replacing it (a rename, rsync) its inode, so a changed file is still
    hashed and rejected; `touch` makes the next run hash a file again.
    """
    if stat.st_mtime_ns >= (now - RACY_SECONDS) * 1e9:
        return None
    return f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ino}"


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _next_file_id(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute(f"select coalesce(max(file_id), 0) + 1 from {MANIFEST_TABLE}").fetchone()
    return int(row[0]) if row else 1


@dataclass(frozen=True)
class _LandedFile:
    """The facts about one landed file that go into the manifest."""

    entity: str
    source_file: str
    digest: str
    size_bytes: int
    file_format: str
    loaded_at: datetime
    load_run_id: int
    signature: str | None


def _record_file(
    con: duckdb.DuckDBPyConnection,
    landed: _LandedFile,
    file_id: int,
    status: str,
    rows: tuple[int, int] = (0, 0),
    message: str | None = None,
) -> None:
    """Add one manifest row; `rows` is (rows_loaded, rows_rejected)."""
    con.execute(
        f"insert into {MANIFEST_TABLE} (file_id, entity, source_file, content_hash, size_bytes, "
        "file_format, status, rows_loaded, rows_rejected, message, loaded_at, load_run_id, "
        "file_signature) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            file_id,
            landed.entity,
            landed.source_file,
            landed.digest,
            landed.size_bytes,
            landed.file_format,
            status,
            rows[0],
            rows[1],
            message,
            landed.loaded_at,
            landed.load_run_id,
            landed.signature,
        ],
    )


def _record_alone(
    con: duckdb.DuckDBPyConnection, landed: _LandedFile, status: str, message: str
) -> None:
    """Record a file that loads no rows (rejected or skipped) in its own transaction."""
    con.execute("begin transaction")
    _record_file(con, landed, _next_file_id(con), status, message=message)
    con.execute("commit")


@dataclass(frozen=True)
class _Decision:
    """What the manifest dictates for a file before it is read."""

    status: str
    """'unchanged' (nothing to do), 'rejected', 'skipped_duplicate', or 'loaded': a copy of an
    earlier file that loads all the same, `message` saying why."""
    message: str | None = None


def _previous_decision(
    con: duckdb.DuckDBPyConnection, entity: Entity, source_file: str, digest: str
) -> _Decision | None:
    """The decision the manifest dictates, without reading the file, or None to load it."""
    history = con.execute(
        f"select status, content_hash, loaded_at from {MANIFEST_TABLE} "
        "where source_file = ? order by file_id",
        [source_file],
    ).fetchall()
    if any(h == digest for _, h, _ in history):
        return _Decision("unchanged")
    loaded = [(h, at) for status, h, at in history if status == LOADED]
    if loaded:
        first_hash, first_at = loaded[0]
        return _Decision(
            REJECTED,
            f"{source_file}: content changed since it was loaded on {first_at:%Y-%m-%d %H:%M:%S} "
            f"UTC (sha256 {first_hash[:12]}…, now {digest[:12]}…). Landed files never change: "
            "deliver new or corrected data as a new file.",
        )
    original = con.execute(
        f"select file_id, source_file, loaded_at from {MANIFEST_TABLE} "
        "where content_hash = ? and entity = ? and status = ? order by file_id desc limit 1",
        [digest, entity.name, LOADED],
    ).fetchone()
    if original is None:
        return None
    file_id, original_file, loaded_at = original
    same = (
        f"{source_file}: same content as {original_file} "
        f"(loaded on {loaded_at:%Y-%m-%d %H:%M:%S} UTC)"
    )
    redelivered = _keys_delivered_since(con, entity, int(file_id))
    if redelivered == 0:
        return _Decision(SKIPPED_DUPLICATE, f"{same}; not loaded again.")
    return _Decision(
        LOADED,
        f"{same}, loaded again: {redelivered} of its {entity.key}s were delivered again since, and "
        "the record loaded last wins (a return to an earlier state, such as an agent back from "
        "leave in a full list)",
    )


def _keys_delivered_since(con: duckdb.DuckDBPyConnection, entity: Entity, file_id: int) -> int:
    """How many keys of file `file_id` have rows in files of the entity loaded after it: a copy
    of that file changes nothing when none has (the copy's rows would win nothing back)."""
    table, key = f"raw.{quote_ident(entity.name)}", quote_ident(entity.key)
    row = con.execute(
        f"select count(distinct trim(later.{key})) from {table} as later "
        f"where later._file_id > ? and trim(later.{key}) in "
        f"(select trim(original.{key}) from {table} as original where original._file_id = ?)",
        [file_id, file_id],
    ).fetchone()
    return int(row[0]) if row else 0


def _seen_unchanged(con: duckdb.DuckDBPyConnection, source_file: str, signature: str) -> bool:
    """The manifest holds this path with this signature: its content is the one hashed then."""
    row = con.execute(
        f"select 1 from {MANIFEST_TABLE} where source_file = ? and file_signature = ? limit 1",
        [source_file, signature],
    ).fetchone()
    return row is not None


def _keep_signature(con: duckdb.DuckDBPyConnection, landed: _LandedFile) -> None:
    """Give the manifest row of an unchanged file (same path and content) the file's current
    signature, so the next run need not hash it (rows recorded before signatures were kept, or
    a file copied or touched since)."""
    con.execute(
        f"update {MANIFEST_TABLE} set file_signature = ? where file_id = ("
        f"select max(file_id) from {MANIFEST_TABLE} where source_file = ? and content_hash = ?)",
        [landed.signature, landed.source_file, landed.digest],
    )


def _read_file(path: Path, fmt: str, sink: RawSink, check_line_ends: bool = True) -> ReadResult:
    if fmt in CSV_FORMATS:
        return load_csv(path, fmt, sink, check_line_ends)
    if fmt in ("jsonl", "jsonl.gz"):
        return load_jsonl(path, sink, fmt)
    if fmt == "parquet":
        return load_parquet(path, sink)
    raise FileRejected(f"{sink.source_file}: unsupported format {fmt}")


def _load_file(
    con: duckdb.DuckDBPyConnection,
    entity: Entity,
    path: Path,
    landing_dir: Path,
    load_run_id: int,
) -> FileOutcome:
    source_file = relative_name(path, landing_dir)
    stat = path.stat()
    signature = file_signature(stat, time.time())
    if signature is not None and _seen_unchanged(con, source_file, signature):
        logger.debug("%s: already handled (same size, mtime and inode), nothing to do", source_file)
        return FileOutcome(entity.name, source_file, "unchanged")
    landed = _LandedFile(
        entity=entity.name,
        source_file=source_file,
        digest=content_hash(path),
        size_bytes=stat.st_size,
        file_format=file_format(path) or "unknown",
        loaded_at=_utc_now(),
        load_run_id=load_run_id,
        signature=signature,
    )
    decision = _previous_decision(con, entity, source_file, landed.digest)
    copy_note = None
    if decision and decision.status == LOADED:
        copy_note, decision = decision.message, None
    if decision and decision.status == "unchanged":
        if signature is not None:
            _keep_signature(con, landed)
        logger.debug("%s: already handled, nothing to do", source_file)
        return FileOutcome(entity.name, source_file, "unchanged")
    if decision:
        _record_alone(con, landed, decision.status, decision.message or "")
        logger.warning("%s", decision.message)
        return FileOutcome(entity.name, source_file, decision.status, message=decision.message)

    try:
        return _load_in_transaction(con, entity, landed, path, landed.file_format, [copy_note])
    except MixedLineEnds:
        error: Exception | None = None
    except (FileRejected, duckdb.Error, pa.ArrowException) as exc:
        error = exc
    if error is None or (isinstance(error, duckdb.Error) and landed.file_format in CSV_FORMATS):
        retried = _load_with_line_ends_unified(con, entity, landed, path, copy_note)
        if retried is not None:
            return retried
    if error is None:  # the unified copy failed: load the file as DuckDB reads it
        return _load_in_transaction(
            con, entity, landed, path, landed.file_format, [copy_note], check_line_ends=False
        )
    message = str(error)
    if not isinstance(error, FileRejected):
        message = f"{source_file}: could not be read ({type(error).__name__}: {error})"
    _record_alone(con, landed, REJECTED, message)
    logger.error("Rejected %s", message)
    return FileOutcome(entity.name, source_file, REJECTED, message=message)


def _load_with_line_ends_unified(
    con: duckdb.DuckDBPyConnection,
    entity: Entity,
    landed: _LandedFile,
    path: Path,
    copy_note: str | None,
) -> FileOutcome | None:
    """A CSV that DuckDB refused, or read with rejected records, loaded again from a copy with
    one kind of line end when its line ends are mixed; None when they are not, or when the copy
    fails too (the caller then keeps DuckDB's reading of the file)."""
    try:
        with line_ends_unified(path, landed.file_format) as unified:
            if unified is None:
                return None
            copy, ends = unified
            note = f"{landed.source_file}: {ends.describe()}, read with every line end as \\n"
            outcome = _load_in_transaction(con, entity, landed, copy, "csv", [copy_note, note])
            return replace(outcome, notes=(note, *outcome.notes))
    except (FileRejected, duckdb.Error, pa.ArrowException, OSError, EOFError) as exc:
        logger.warning("%s: with its line ends unified: %s", landed.source_file, exc)
        return None


def _load_in_transaction(
    con: duckdb.DuckDBPyConnection,
    entity: Entity,
    landed: _LandedFile,
    path: Path,
    fmt: str,
    notes: list[str | None],
    check_line_ends: bool = True,
) -> FileOutcome:
    """Load one file and record it in the manifest, all or nothing: on an error the transaction
    is rolled back and the error raised."""
    source_file = landed.source_file
    con.execute("begin transaction")
    try:
        file_id = _next_file_id(con)
        sink = RawSink(con, entity, source_file, file_id, landed.loaded_at)
        result = _read_file(path, fmt, sink, check_line_ends)
        message = None
        if result.rejects:
            con.executemany(
                f"insert into {REJECTS_TABLE} values (?, ?, ?, ?, ?, ?)",
                [
                    [file_id, entity.name, source_file, r.source_row, r.reason, r.raw_record]
                    for r in result.rejects
                ],
            )
            first = result.rejects[0]
            message = (
                f"{source_file}: {len(result.rejects)} record(s) could not be split into columns "
                f"(first at row {first.source_row}: {first.reason}); see {REJECTS_TABLE}"
            )
        if result.rows_loaded == 0 and not result.rejects:
            # A legitimate empty export (nothing happened that day) loads, but is said out loud.
            message = f"{source_file}: no data rows (header only or empty file)"
            logger.warning("%s", message)
        notes = [*notes, *result.notes]
        if result.warnings or any(notes):
            message = "; ".join(note for note in [message, *notes, *result.warnings] if note)
        rows = (result.rows_loaded, len(result.rejects))
        _record_file(con, landed, file_id, LOADED, rows, message)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    if message:
        logger.warning("%s", message)
    logger.info("Loaded %s: %d rows into raw.%s", source_file, result.rows_loaded, entity.name)
    return FileOutcome(
        entity.name,
        source_file,
        LOADED,
        rows[0],
        rows[1],
        message,
        tuple(result.warnings),
        tuple(result.notes),
    )


def _select_entities(entities: Iterable[str] | None) -> list[str]:
    if entities is None:
        return list(ENTITIES)
    selected = list(dict.fromkeys(entities))
    unknown = [e for e in selected if e not in ENTITIES]
    if unknown:
        raise ValueError(f"Unknown entities {unknown}; the contract has {list(ENTITIES)}")
    return selected


def load_landing(
    con: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    entities: Iterable[str] | None = None,
    progress: ProgressCallback | None = None,
) -> LandingLoad:
    """Load every new landing file of the selected entities (all by default) into `raw`.

    Files load in sorted path order, one transaction each. Files already loaded or already
    rejected with the same content are left alone, so a re-run without new files changes nothing.
    `con` is one DuckDB connection that the caller opens and closes. `progress` is called once per
    file with a FileOutcome. The result also lists what the folder holds outside the entities'
    folders (`ignored_outside_entities`). Raises EmptyLandingError when the landing folder holds
    no data file at all (whatever `entities` selects), ValueError for an unknown entity name.
    """
    landing_dir = Path(landing_dir)
    selected = _select_entities(entities)
    files, ignored = scan_landing(landing_dir)
    require_files(landing_dir, files)
    ensure_raw_tables(con)
    # Every call is one load run: the raw suites judge the rows of the latest run, the quarantine
    # gate the rows of each entity's latest run that delivered files.
    load_run_id = start_load_run(con, selected)

    setting = con.execute("select current_setting('preserve_insertion_order')").fetchone()
    previous_order = bool(setting[0]) if setting else True
    # Streaming reads must come back in file order so that _source_row is the record order.
    con.execute("set preserve_insertion_order = true")
    results = LandingLoad(f for f in ignored if f.entity is None)
    try:
        for name in selected:
            result = EntityLoadResult(entity=name, load_run_id=load_run_id)
            result.files_ignored = [(f.path, f.reason) for f in ignored if f.entity == name]
            for path in files[name]:
                outcome = _load_file(con, ENTITIES[name], path, landing_dir, load_run_id)
                _count(result, outcome)
                if progress is not None:
                    progress(outcome)
            measure_loaded_files(con, ENTITIES[name])  # for the freshness check
            row = con.execute(f"select count(*) from raw.{quote_ident(name)}").fetchone()
            result.rows_total = int(row[0]) if row else 0
            results[name] = result
    finally:
        con.execute(f"set preserve_insertion_order = {str(previous_order).lower()}")
    return results


def _count(result: EntityLoadResult, outcome: FileOutcome) -> None:
    if outcome.status == LOADED:
        result.files_loaded.append(outcome.source_file)
        result.files_with_warnings += [(outcome.source_file, w) for w in outcome.warnings]
        result.files_with_notes += [(outcome.source_file, n) for n in outcome.notes]
        result.rows_loaded += outcome.rows_loaded
        result.rows_rejected += outcome.rows_rejected
    elif outcome.status == REJECTED:
        result.files_rejected.append((outcome.source_file, outcome.message or ""))
    elif outcome.status == SKIPPED_DUPLICATE:
        result.files_skipped.append(outcome.source_file)
    else:
        result.files_unchanged += 1
