"""Readers that turn one landed file into raw rows: CSV and JSONL (plain or gzip), Parquet.

Every value lands as text. Each reader writes through a `RawSink` (the raw table of one entity,
inside the caller's transaction), numbers rows by their true record order in the file
(`_source_row`, 1-based) and returns the rows it could not split into columns. A problem with the
file as a whole (no header, a missing required column, unreadable bytes) raises `FileRejected`.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import logging
import re
import tempfile
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from orchestration.ingest.contract import METADATA_COLUMNS, Entity, column_kind

logger = logging.getLogger(__name__)

CSV_MAX_LINE_BYTES = 64 * 1024 * 1024
"""Longest CSV record accepted; a longer one is rejected (reason LINE SIZE OVER MAXIMUM)."""
RAW_RECORD_MAX_CHARS = 1_000_000
"""A rejected record is kept up to this many characters in raw._landing_rejects."""
BATCH_ROWS = 262_144
JSONL_BATCH_ROWS = 50_000
LINE_END_CHUNK_BYTES = 16 * 1024 * 1024


class FileRejected(Exception):
    """The file as a whole cannot be loaded; the message says why (and names the file)."""


@dataclass(frozen=True)
class RejectedRow:
    """A record that could not be split into columns."""

    source_row: int | None
    reason: str
    raw_record: str


@dataclass
class ReadResult:
    rows_loaded: int = 0
    rejects: list[RejectedRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """Columns of a type staging cannot read (a Parquet column of the wrong type)."""
    notes: list[str] = field(default_factory=list)
    """How the file was read where it departs from the contract's plain case (e.g. rejects'
    row numbers DuckDB and Python count differently)."""


def quote_ident(name: str) -> str:
    """A DuckDB identifier in double quotes."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def normalize_column(name: str) -> str:
    """Column names match case-insensitively after trimming (and losing a byte-order mark)."""
    return name.replace("\ufeff", "").strip().lower()


def truncate_record(text: str) -> str:
    if len(text) <= RAW_RECORD_MAX_CHARS:
        return text
    return text[:RAW_RECORD_MAX_CHARS] + f"... [truncated, {len(text)} characters in all]"


@contextmanager
def _registered(con: duckdb.DuckDBPyConnection, name: str, data: object) -> Iterator[None]:
    """`data` (an Arrow table or stream) registered as view `name` for the block.

    When the block fails, DuckDB has aborted the transaction and refuses even to unregister: that
    refusal must not hide the block's own error (such as a CSV parser error), which is raised.
    """
    con.register(name, data)
    try:
        yield
    except BaseException:
        with suppress(duckdb.Error):
            con.unregister(name)
        raise
    con.unregister(name)


class RawSink:
    """Writes the rows of one file into `raw.<entity>` through the caller's connection."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        entity: Entity,
        source_file: str,
        file_id: int,
        loaded_at: datetime,
    ) -> None:
        self.con = con
        self.entity = entity
        self.source_file = source_file
        self.file_id = file_id
        self.loaded_at = loaded_at
        self.table = f"raw.{quote_ident(entity.name)}"
        self._columns = {
            row[0].lower()
            for row in con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'raw' and table_name = ?",
                [entity.name],
            ).fetchall()
        }

    def check_columns(self, names: Sequence[str]) -> None:
        """Reject the file when a required column is missing or a name is unusable."""
        seen: set[str] = set()
        duplicates: set[str] = set()
        for name in names:
            (duplicates if name in seen else seen).add(name)
        if duplicates:
            raise FileRejected(
                f"{self.source_file}: duplicate column(s) {', '.join(sorted(duplicates))} "
                "(names match case-insensitively after trimming)"
            )
        reserved = sorted(set(names) & set(METADATA_COLUMNS))
        if reserved:
            raise FileRejected(
                f"{self.source_file}: column(s) {', '.join(reserved)} are reserved for the loader"
            )
        missing = [c for c in self.entity.required if c not in seen]
        if missing:
            hint = ""
            if len(names) == 1 and any(sep in names[0] for sep in (";", "\t", "|")):
                hint = " The header has a single column: is the file comma-separated?"
            elif names and names[0].startswith("sep="):
                hint = (
                    " The first line is Excel's separator line (sep=...), not the header: "
                    "export without it, or delete that line."
                )
            raise FileRejected(
                f"{self.source_file}: missing required column(s) {', '.join(missing)} "
                f"for {self.entity.name}; found: {', '.join(names) or '(none)'}.{hint}"
            )

    def add_columns(self, names: Sequence[str]) -> None:
        """Add delivered columns the raw table does not have yet (as VARCHAR)."""
        for name in names:
            if name not in self._columns:
                logger.info("%s: adding extra column %s to %s", self.source_file, name, self.table)
                self.con.execute(f"alter table {self.table} add column {quote_ident(name)} varchar")
                self._columns.add(name)

    def _metadata_sql(self) -> str:
        return (
            "? as _source_file, cast(? as timestamp) as _loaded_at, cast(? as bigint) as _file_id"
        )

    def _params(self) -> list[object]:
        return [self.source_file, self.loaded_at, self.file_id]

    def insert_batches(self, reader: pa.RecordBatchReader) -> int:
        """Insert text columns plus `_source_row` from an Arrow stream; returns the row count."""
        view = f"_landing_src_{self.file_id}"
        with _registered(self.con, view, reader):
            row = self.con.execute(
                f"insert into {self.table} by name select *, {self._metadata_sql()} from {view}",
                self._params(),
            ).fetchone()
        return int(row[0]) if row else 0

    def insert_select(self, select_list: str, from_clause: str) -> int:
        """Insert `select <select_list>, <metadata> from <from_clause>`; returns the row count."""
        row = self.con.execute(
            f"insert into {self.table} by name "
            f"select {select_list}, {self._metadata_sql()} from {from_clause}",
            self._params(),
        ).fetchone()
        return int(row[0]) if row else 0

    def renumber_around(self, rejected_rows: Sequence[int]) -> None:
        """Shift `_source_row` of the good rows past the rejected record numbers.

        Good rows were numbered 1..n in file order; with rejected records r_1 < r_2 < ..., the k-th
        good record is record k + #{i : r_i - i < k}.
        """
        if not rejected_rows:
            return
        gaps = pa.table(
            {"g": pa.array([r - i for i, r in enumerate(sorted(set(rejected_rows)), start=1)])}
        )
        view = f"_landing_gaps_{self.file_id}"
        with _registered(self.con, view, gaps):
            self.con.execute(
                f"update {self.table} as t set _source_row = t._source_row + "
                f"(select count(*) from {view} as gaps where gaps.g < t._source_row) "
                "where t._file_id = ?",
                [self.file_id],
            )


# --- CSV -------------------------------------------------------------------------------------


def _open_text(path: Path, file_format: str) -> io.TextIOBase:
    # The caller closes the wrapper, which closes the binary handle.
    raw = gzip.open(path, "rb") if file_format == "csv.gz" else path.open("rb")  # noqa: SIM115
    # surrogateescape: bytes later in the file may be invalid; only the header is checked here.
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")


def read_csv_header(path: Path, file_format: str, source_file: str) -> list[str]:
    """The normalized column names of the header record (a UTF-8 BOM is tolerated)."""
    try:
        with _open_text(path, file_format) as handle:
            header = next(csv.reader(handle, delimiter=",", quotechar='"', doublequote=True), None)
    except (OSError, EOFError, csv.Error) as exc:
        raise FileRejected(f"{source_file}: cannot read the header row ({exc})") from exc
    if not header or all(not h.strip() for h in header):
        raise FileRejected(f"{source_file}: empty file or empty header row (a header is required)")
    try:
        "".join(header).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise FileRejected(f"{source_file}: the header row is not UTF-8") from exc
    names = []
    for position, name in enumerate(header, start=1):
        normalized = normalize_column(name)
        names.append(normalized or f"column_{position}")
    return names


def _numbered(reader: pa.RecordBatchReader) -> pa.RecordBatchReader:
    schema = reader.schema.append(pa.field("_source_row", pa.int64()))

    def batches() -> Iterator[pa.RecordBatch]:
        start = 1
        for batch in reader:
            rows = np.arange(start, start + batch.num_rows, dtype=np.int64)
            yield pa.RecordBatch.from_arrays([*batch.columns, pa.array(rows)], schema=schema)
            start += batch.num_rows

    return pa.RecordBatchReader.from_batches(schema, batches())


def _group_csv_rejects(found: Sequence[tuple[object, ...]]) -> list[RejectedRow]:
    """One RejectedRow per rejected record, with the first message of each error type.

    DuckDB's `line` counts records (the header is line 1), not physical lines, so the record
    number is line - 1 even when earlier fields hold line breaks.
    """
    by_line: dict[int, tuple[dict[str, str], str]] = {}
    for line, error_type, error_message, csv_line in found:
        messages, _ = by_line.setdefault(int(str(line)), ({}, str(csv_line or "")))
        messages.setdefault(str(error_type or "ERROR"), str(error_message or ""))
    return [
        RejectedRow(
            source_row=line - 1,
            reason="; ".join(f"{kind}: {message}" for kind, message in messages.items()),
            # DuckDB's text of a record after blank lines starts with their line breaks.
            raw_record=truncate_record(record.lstrip("\r\n")),
        )
        for line, (messages, record) in by_line.items()
    ]


def _byte_chunks(path: Path, file_format: str) -> Iterator[bytes]:
    """The file's bytes (decompressed for `csv.gz`) in reads of LINE_END_CHUNK_BYTES."""
    opener = gzip.open if file_format == "csv.gz" else open
    with opener(path, "rb") as handle:
        while chunk := handle.read(LINE_END_CHUNK_BYTES):
            yield chunk


def _has_empty_line(path: Path, file_format: str) -> bool:
    """Whether the file holds an empty line anywhere (perhaps inside a quoted field).

    A byte scan at disk speed that spares the quote-aware recount below for most files.
    """
    tail = b""
    for chunk in _byte_chunks(path, file_format):
        window = tail + chunk
        if b"\n\n" in window or b"\n\r\n" in window or b"\r\r" in window:
            return True
        tail = window[-2:]
    return False


def _renumber_past_blank_lines(
    path: Path, file_format: str, rejects: list[RejectedRow], rows_loaded: int, source_file: str
) -> tuple[list[RejectedRow], list[str]]:
    """Rejected records numbered as data records, not counting blank lines.

    DuckDB skips a blank line but counts it in a rejected record's `line`, so after k blank lines
    a reject's number is k too high (and the good rows, numbered around the rejects, shift with
    it). Python's csv module, which splits records the same way on the files DuckDB accepts,
    recounts: the n-th record after the header, blank ones included, is data record n minus the
    blank lines before it. Should the two disagree (a different record count, or a blank line
    where DuckDB saw a reject), DuckDB's numbers stay and a note says so.
    """
    if not rejects or not _has_empty_line(path, file_format):
        return rejects, []
    wanted = {r.source_row for r in rejects if r.source_row is not None}
    blanks_before: dict[int, int] = {}
    blanks = data_records = 0
    try:
        csv.field_size_limit(max(csv.field_size_limit(), CSV_MAX_LINE_BYTES))
        with _open_text(path, file_format) as handle:
            reader = csv.reader(handle, delimiter=",", quotechar='"', doublequote=True)
            next(reader, None)
            for number, record in enumerate(reader, start=1):
                if number in wanted:
                    blanks_before[number] = -1 if not record else blanks
                if record:
                    data_records += 1
                else:
                    blanks += 1
    except (OSError, EOFError, csv.Error) as exc:
        problem = f"the recount failed ({exc})"
    else:
        problem = ""
        if data_records != rows_loaded + len(rejects):
            problem = f"{data_records} records counted against {rows_loaded + len(rejects)}"
        elif len(blanks_before) != len(wanted) or -1 in blanks_before.values():
            problem = "a rejected record falls on a blank line"
    if problem:
        return rejects, [
            f"{source_file}: rejected records' row numbers count blank lines ({problem})"
        ]
    return [
        r
        if r.source_row is None
        else replace(r, source_row=r.source_row - blanks_before[r.source_row])
        for r in rejects
    ], []


@dataclass(frozen=True)
class LineEnds:
    """How the lines of a CSV end: DuckDB reads one kind per file."""

    crlf: int
    lf: int
    """`\\n` alone."""
    cr: int
    """`\\r` alone."""

    @property
    def mixed(self) -> bool:
        return sum(1 for count in (self.crlf, self.lf, self.cr) if count) > 1

    def describe(self) -> str:
        kinds = [
            f"{count:,} {name}"
            for count, name in ((self.crlf, "\\r\\n"), (self.lf, "\\n"), (self.cr, "lone \\r"))
            if count
        ]
        return "mixed line ends (" + ", ".join(kinds) + ")"


class MixedLineEnds(Exception):
    """A CSV's line ends are mixed and DuckDB rejected records because of it: read it again
    with `line_ends_unified` (raised inside the caller's transaction, which rolls back)."""


def _line_ends(path: Path, file_format: str, target: io.BufferedWriter | None = None) -> LineEnds:
    """Count the file's line ends outside quoted fields; with `target`, also write the file there
    with each of them as `\\n` (quoted fields are copied as they are).

    Fields are quoted with `"`, a `"` inside one doubled: splitting a read at `"` gives pieces
    outside and inside quotes in turn (a doubled quote leaves an empty piece between its two
    halves). A `\\r` ending a read waits for the next one, which may start with its `\\n`.
    """
    crlf = cr = lf = 0
    carry = b""
    inside = False
    for read in _byte_chunks(path, file_format):
        chunk = carry + read
        carry = b"\r" if chunk.endswith(b"\r") else b""
        if carry:
            chunk = chunk[:-1]
        pieces = chunk.split(b'"')
        first_outside = 1 if inside else 0
        changed = False
        for index in range(first_outside, len(pieces), 2):
            piece = pieces[index]
            returns = piece.count(b"\r")
            pairs = piece.count(b"\r\n") if returns else 0
            crlf += pairs
            cr += returns - pairs
            lf += piece.count(b"\n") - pairs
            if returns and target is not None:
                pieces[index] = piece.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
                changed = True
        inside = inside != (len(pieces) % 2 == 0)
        if target is not None:
            target.write(b'"'.join(pieces) if changed else chunk)
    if carry:
        if not inside:
            cr += 1
        if target is not None:
            target.write(b"\r" if inside else b"\n")
    return LineEnds(crlf=crlf, lf=lf, cr=cr)


@contextmanager
def line_ends_unified(path: Path, file_format: str) -> Iterator[tuple[Path, LineEnds] | None]:
    """A temporary plain copy of a CSV whose line ends are mixed, every `\\r\\n` and lone `\\r`
    written as `\\n`; None when they are not mixed.

    DuckDB reads one kind of line end per file (the kind it finds first): at another kind it
    refuses the whole file, or rejects the records around it, depending on where it falls (a
    header written by one tool and rows by another, files joined from two systems, a stray
    carriage return in a field). Python's csv reader takes all three as line ends, and so does
    the copy. Line breaks inside quoted fields are values, not line ends: kept as they are and
    not counted (an Excel export ends its lines with `\\r\\n` and its cells' line breaks with
    `\\n`: one kind of line end).
    """
    with tempfile.TemporaryDirectory(prefix="landing-line-ends-") as folder:
        copy = Path(folder) / "unified.csv"
        with copy.open("wb") as target:
            ends = _line_ends(path, file_format, target)
        yield (copy, ends) if ends.mixed else None


def load_csv(
    path: Path, file_format: str, sink: RawSink, check_line_ends: bool = True
) -> ReadResult:
    """Load a CSV (or gzip CSV) file: header row, comma, double quote, every value as text.

    DuckDB reads the file with explicit options (no sniffing); records with the wrong number of
    fields, invalid UTF-8, an unterminated quote or an oversized line go to the rejects list with
    their record number. The scan runs on a separate cursor and streams in file order (the
    caller sets preserve_insertion_order), so rows are numbered as they come.
    """
    names = read_csv_header(path, file_format, sink.source_file)
    sink.check_columns(names)
    sink.add_columns(names)
    columns = ", ".join(f"{quote_literal(n)}: 'VARCHAR'" for n in names)
    options = (
        "header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
        f"columns = {{{columns}}}, compression = "
        f"{quote_literal('gzip' if file_format == 'csv.gz' else 'none')}, "
        "encoding = 'utf-8', strict_mode = true, null_padding = false, "
        f"max_line_size = {CSV_MAX_LINE_BYTES}, store_rejects = true, "
        "rejects_table = '_landing_csv_rejects', rejects_scan = '_landing_csv_scans'"
    )
    cursor = sink.con.cursor()
    try:
        relation = cursor.sql(f"select * from read_csv(?, {options})", params=[str(path)])
        rows_loaded = sink.insert_batches(_numbered(relation.to_arrow_reader(BATCH_ROWS)))
        found = cursor.execute(
            "select line, error_type, error_message, csv_line from _landing_csv_rejects "
            "order by line, column_idx nulls last"
        ).fetchall()
    finally:
        cursor.close()
    if found and check_line_ends and _line_ends(path, file_format).mixed:
        raise MixedLineEnds(sink.source_file)
    rejects, notes = _renumber_past_blank_lines(
        path, file_format, _group_csv_rejects(found), rows_loaded, sink.source_file
    )
    sink.renumber_around([r.source_row for r in rejects if r.source_row is not None])
    return ReadResult(rows_loaded=rows_loaded, rejects=rejects, notes=notes)


# --- JSONL -----------------------------------------------------------------------------------


class _JsonNumber(float):
    """A JSON number that remembers how it was written."""

    text: str

    def __new__(cls, text: str) -> _JsonNumber:
        number = super().__new__(cls, text)
        number.text = text
        return number


def _json_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _JsonNumber):
        return value.text
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class _DuplicateKey(ValueError):
    """An object of a JSON line names the same key twice (Python's JSON keeps the last)."""


def _object_without_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    obj = dict(pairs)
    if len(obj) < len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return obj


_JSON_DECODER = json.JSONDecoder(
    parse_float=_JsonNumber, object_pairs_hook=_object_without_duplicates
)
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
"""A \\uD800-\\uDFFF escape: a valid pair decodes to one character, a lone one cannot be UTF-8."""


def _lone_surrogate(record: dict[str, str | None]) -> str | None:
    """The first column whose text holds a lone UTF-16 surrogate (not a character), or None."""
    for name, value in record.items():
        for text in (name, value):
            if text is not None and not text.isascii():
                try:
                    text.encode("utf-8")
                except UnicodeEncodeError:
                    return name
    return None


def _parse_json_line(
    raw: bytes, source_row: int, key_names: dict[str, str]
) -> dict[str, str | None] | RejectedRow:
    """One JSONL line as {normalized column: text}, or the reason it cannot be.

    `key_names` caches delivered key -> normalized name across the lines of a file.
    """

    def reject(reason: str) -> RejectedRow:
        text = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        return RejectedRow(source_row, reason, truncate_record(text))

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return reject(f"INVALID ENCODING: not UTF-8 ({exc.reason} at byte {exc.start})")
    try:
        obj = _JSON_DECODER.decode(text)
    except json.JSONDecodeError as exc:
        return reject(f"INVALID JSON: {exc.msg} (column {exc.colno})")
    except _DuplicateKey as exc:
        return reject(f"DUPLICATE KEY: {exc} (an object names it twice)")
    if not isinstance(obj, dict):
        return reject(
            f"NOT AN OBJECT: a line must hold one JSON object, found {type(obj).__name__}"
        )
    record: dict[str, str | None] = {}
    for key, value in obj.items():
        name = key_names.get(key)
        if name is None:
            name = key_names[key] = normalize_column(key) or "column_" + str(len(key_names) + 1)
        if name in record:
            return reject(f"DUPLICATE KEY: {name} (keys match case-insensitively)")
        record[name] = value if type(value) is str else _json_text(value)
    if _SURROGATE_ESCAPE.search(raw):
        column = _lone_surrogate(record)
        if column is not None:
            return reject(
                f"INVALID UNICODE: {column} holds a lone surrogate escape (half of a character "
                "written as \\uD800-\\uDFFF without its pair)"
            )
    return record


def _columns_batch(
    rows: list[tuple[int, dict[str, str | None]]], names: list[str]
) -> pa.RecordBatch:
    arrays = [pa.array([r.get(n) for _, r in rows], type=pa.string()) for n in names]
    arrays.append(pa.array([n for n, _ in rows], type=pa.int64()))
    return pa.RecordBatch.from_arrays(arrays, names=[*names, "_source_row"])


def load_jsonl(path: Path, sink: RawSink, file_format: str = "jsonl") -> ReadResult:
    """Load a JSON Lines file (`jsonl`, or gzip-compressed `jsonl.gz`): one object per line,
    `_source_row` = the line number.

    Scalars become text (true/false, numbers as written), arrays and objects JSON text. Lines
    that are not a JSON object, not UTF-8, name a key twice or hold a lone surrogate escape are
    rejected; blank lines are skipped. A damaged gzip stream rejects the file.
    """
    try:
        return _load_jsonl(path, sink, file_format)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise FileRejected(
            f"{sink.source_file}: not a readable gzip file ({type(exc).__name__}: {exc})"
        ) from exc


def _load_jsonl(path: Path, sink: RawSink, file_format: str) -> ReadResult:
    result = ReadResult()
    names: list[str] = []
    known: set[str] = set()
    pending: list[tuple[int, dict[str, str | None]]] = []
    key_names: dict[str, str] = {}

    def flush() -> None:
        if not pending:
            return
        sink.add_columns(names)
        batch = _columns_batch(pending, names)
        result.rows_loaded += sink.insert_batches(
            pa.RecordBatchReader.from_batches(batch.schema, [batch])
        )
        pending.clear()

    gzipped = file_format == "jsonl.gz"
    with gzip.open(path, "rb") if gzipped else path.open("rb") as handle:
        for line_number, raw in enumerate(handle, start=1):
            if line_number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            if not raw.strip():
                continue
            parsed = _parse_json_line(raw, line_number, key_names)
            if isinstance(parsed, RejectedRow):
                result.rejects.append(parsed)
                continue
            for name in parsed:
                if name not in known:
                    if name in METADATA_COLUMNS:
                        raise FileRejected(
                            f"{sink.source_file}: key {name} (line {line_number}) is reserved "
                            "for the loader"
                        )
                    known.add(name)
                    names.append(name)
            pending.append((line_number, parsed))
            if len(pending) >= JSONL_BATCH_ROWS:
                flush()
    flush()
    if result.rows_loaded:
        missing = [c for c in sink.entity.required if c not in known]
        if missing:
            raise FileRejected(
                f"{sink.source_file}: missing required column(s) {', '.join(missing)} for "
                f"{sink.entity.name} (no line has the key); found: {', '.join(names)}"
            )
    return result


# --- Parquet ---------------------------------------------------------------------------------


def _parquet_text(column: str, duckdb_type: str) -> str:
    ident = quote_ident(column)
    kind = duckdb_type.upper()
    if kind == "VARCHAR":
        return ident
    if kind.startswith("TIMESTAMP WITH TIME ZONE") or kind == "TIMESTAMPTZ":
        return f"replace(cast(timezone('UTC', {ident}) as varchar), ' ', 'T') || '+00:00'"
    if kind.startswith("TIMESTAMP"):
        return f"replace(cast({ident} as varchar), ' ', 'T')"
    if kind.endswith("]") or kind.startswith(("STRUCT", "MAP", "UNION", "JSON")):
        return f"cast(to_json({ident}) as varchar)"
    return f"cast({ident} as varchar)"


_INTEGER_TYPES = frozenset(
    {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT"}
    | {"UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT"}
)


def parquet_type_family(duckdb_type: str) -> str:
    """The family of a column type as DuckDB reads it from Parquet: text, uuid, integer,
    decimal, float, timestamp, date, boolean, list, or other (blob, time, struct, map, ...)."""
    kind = duckdb_type.upper()
    if kind == "VARCHAR" or kind.startswith(("VARCHAR(", "ENUM(")):
        return "text"
    if kind == "UUID":
        return "uuid"
    if kind in _INTEGER_TYPES:
        return "integer"
    if kind.startswith("DECIMAL"):
        return "decimal"
    if kind in ("FLOAT", "DOUBLE", "REAL"):
        return "float"
    if kind.startswith("TIMESTAMP"):
        return "timestamp"
    if kind == "DATE":
        return "date"
    if kind == "BOOLEAN":
        return "boolean"
    if kind.endswith("]"):
        return "list"
    return "other"


# Contract column kind -> (Parquet type families converted to the text staging reads, wording).
EXPECTED_PARQUET_TYPES: dict[str, tuple[frozenset[str], str]] = {
    "text": (frozenset({"text", "uuid", "integer"}), "text (VARCHAR, UUID) or an integer"),
    "timestamp": (
        frozenset({"text", "timestamp", "date"}),
        "text or a timestamp (VARCHAR, TIMESTAMP, TIMESTAMP WITH TIME ZONE, DATE)",
    ),
    "number": (
        frozenset({"text", "integer", "decimal", "float"}),
        "text or a number (VARCHAR, an integer, DECIMAL, FLOAT, DOUBLE)",
    ),
    "boolean": (frozenset({"text", "boolean", "integer"}), "text, BOOLEAN or an integer 0/1"),
    "list": (frozenset({"text", "list"}), "text or a list (VARCHAR, VARCHAR[])"),
}


def unexpected_parquet_type(entity: Entity, column: str, duckdb_type: str) -> str | None:
    """What a contract column should have been when its Parquet type is not one staging can
    read (e.g. 'text or a timestamp (...)'), else None. Columns outside the contract may have any
    type: they are kept as text and never interpreted."""
    if column not in entity.columns:
        return None
    accepted, wording = EXPECTED_PARQUET_TYPES[column_kind(column)]
    return None if parquet_type_family(duckdb_type) in accepted else wording


def parquet_type_error(
    source_file: str, column: str, expected: str, duckdb_type: str, example: str | None
) -> str:
    """The loader's warning for a column of the wrong type: file, column, expected, found."""
    shown = "" if example is None else f", e.g. {example[:40]!r}"
    return (
        f"{source_file}: type error in column {column}: expected {expected}, found {duckdb_type}; "
        f"loaded as text without loss{shown}: staging quarantines the values it cannot read"
    )


def _first_value_as_text(
    con: duckdb.DuckDBPyConnection, path: Path, column: str, duckdb_type: str
) -> str | None:
    row = con.execute(
        f"select {_parquet_text(column, duckdb_type)} from read_parquet(?) "
        f"where {quote_ident(column)} is not null limit 1",
        [str(path)],
    ).fetchone()
    return None if row is None else str(row[0])


def load_parquet(path: Path, sink: RawSink) -> ReadResult:
    """Load a Parquet file: every column cast to text, lists and structs as JSON text.

    Time-zone-aware timestamps become ISO text in UTC with `+00:00`, naive ones ISO text without
    an offset. `_source_row` is the row's position in the file (DuckDB's file_row_number).
    Every type DuckDB reads has an exact text form, so a contract column of a type staging cannot
    interpret (a timestamp column holding numbers) still loads, with a type-error warning naming
    the file, the column, the expected and the found type (docs/landing-contract.md).
    """
    try:
        described = sink.con.execute(
            "describe select * from read_parquet(?)", [str(path)]
        ).fetchall()
    except duckdb.Error as exc:
        raise FileRejected(f"{sink.source_file}: not a readable Parquet file ({exc})") from exc
    delivered = [(str(row[0]), str(row[1])) for row in described]
    names = [normalize_column(name) or f"column_{i}" for i, (name, _) in enumerate(delivered, 1)]
    sink.check_columns(names)
    sink.add_columns(names)
    select_list = ", ".join(
        f"{_parquet_text(original, kind)} as {quote_ident(name)}"
        for (original, kind), name in zip(delivered, names, strict=True)
    )
    select_list += ", file_row_number + 1 as _source_row"
    from_clause = f"read_parquet({quote_literal(str(path))}, file_row_number = true)"
    rows = sink.insert_select(select_list, from_clause)
    warnings = []
    for (original, kind), name in zip(delivered, names, strict=True):
        expected = unexpected_parquet_type(sink.entity, name, kind)
        if expected:
            example = _first_value_as_text(sink.con, path, original, kind)
            warnings.append(parquet_type_error(sink.source_file, name, expected, kind, example))
    return ReadResult(rows_loaded=rows, warnings=warnings)
