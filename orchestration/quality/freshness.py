"""Freshness of each raw source: the latest load and the latest event time (pure SQL + settings).

Stale data is a warning; set QUALITY_FRESHNESS_SEVERITY=error to make it block downstream assets.
Limits: QUALITY_MAX_LOAD_AGE_HOURS (default 36) since the entity's last loaded file and
QUALITY_MAX_EVENT_AGE_HOURS (default 72) since its latest event timestamp.

The latest event time of each loaded file is measured once, right after the loader writes its
rows (`measure_loaded_files`, kept in the manifest raw._landing_files; the files of a warehouse
loaded before the manifest had the column are measured by the loader's next run); the nightly
check reads those and parses the raw text only of rows whose file was not measured yet. Parsing
the whole raw history every night cost 1.7 s at 1M tickets, growing daily.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import duckdb

from orchestration.ingest.contract import Entity


@dataclass(frozen=True)
class FreshnessPolicy:
    max_load_age_hours: float = 36.0
    max_event_age_hours: float = 72.0
    level: str = "warn"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> FreshnessPolicy:
        level = (environ.get("QUALITY_FRESHNESS_SEVERITY") or "warn").strip().lower()
        if level not in ("warn", "error"):
            raise ValueError(f"QUALITY_FRESHNESS_SEVERITY must be warn or error, not {level!r}")
        return cls(
            max_load_age_hours=float(environ.get("QUALITY_MAX_LOAD_AGE_HOURS") or 36),
            max_event_age_hours=float(environ.get("QUALITY_MAX_EVENT_AGE_HOURS") or 72),
            level=level,
        )


@dataclass(frozen=True)
class Freshness:
    entity: str
    latest_load: datetime | None
    latest_event: datetime | None
    event_column: str | None
    load_age_hours: float | None
    event_age_hours: float | None
    problems: tuple[str, ...]

    @property
    def fresh(self) -> bool:
        return not self.problems


REFERENCE_ENTITIES = frozenset({"agents", "teams", "customers", "macros"})
"""Reference data: only the load time is judged (no event stream)."""


def event_column(entity: Entity) -> str | None:
    """The entity's event time: its first required timestamp column, else its first one; None
    for reference data."""
    if entity.name in REFERENCE_ENTITIES:
        return None
    required = [c for c in entity.timestamp_columns if c in entity.required]
    return (required or list(entity.timestamp_columns) or [None])[0]


def latest_event_sql(column: str) -> str:
    """The latest parseable value of a raw text timestamp column, as naive UTC (an aggregate).

    The text is trimmed only when it does not parse as delivered, and converted to UTC once,
    after the max (the same instant): 0.26 s instead of 0.85 s over 9.7M ticket events."""
    parsed = f"coalesce(try_cast({column} as timestamptz), try_cast(trim({column}) as timestamptz))"
    return f"timezone('UTC', max({parsed}))"


def measure_loaded_files(con: duckdb.DuckDBPyConnection, entity: Entity) -> None:
    """Measure the latest event time of the entity's loaded files not measured yet: the files the
    loader just wrote (it calls this after each entity's files), and once, every file of a
    warehouse loaded before files were measured. One pass over those files' rows; a file without
    rows (header only) is measured too, as having no event time."""
    column = event_column(entity)
    if column is None:
        return
    con.execute(
        "with pending as (select file_id from raw._landing_files where entity = ? "
        "and status = 'loaded' and is_event_time_measured is null) "
        "update raw._landing_files as files "
        "set latest_event_at = measured.latest_event_at, is_event_time_measured = true "
        "from (select pending.file_id, file_rows.latest_event_at from pending "
        f"left join (select _file_id, {latest_event_sql(column)} as latest_event_at "
        f"from raw.{entity.name} where _file_id in (select file_id from pending) "
        "group by _file_id) as file_rows "
        "on file_rows._file_id = pending.file_id) as measured "
        "where files.file_id = measured.file_id",
        [entity.name],
    )


def _files_measured(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(
        "select count(*) from information_schema.columns where table_schema = 'raw' "
        "and table_name = '_landing_files' and column_name = 'is_event_time_measured'"
    ).fetchone()
    return bool(row and row[0])


def measure(
    con: duckdb.DuckDBPyConnection, entity: Entity, now: datetime, policy: FreshnessPolicy
) -> Freshness:
    """Latest _loaded_at and latest event time of raw.<entity>, compared with `now` (naive UTC).

    The latest event time is the greatest of the loaded files' measured ones (manifest) and of the
    rows of files never measured."""
    column = event_column(entity)
    event_sql = "null"
    parameters: list[str] = []
    if column and not _files_measured(con):  # a warehouse the loader has not upgraded yet
        event_sql = latest_event_sql(column)
    elif column:
        measured = (
            "select file_id, latest_event_at from raw._landing_files "
            "where entity = ? and status = 'loaded' and is_event_time_measured"
        )
        event_sql = (
            f"(select max(latest_event_at) from ({measured} union all "
            f"select null, {latest_event_sql(column)} from raw.{entity.name} "
            f"where _file_id not in (select file_id from ({measured}) as m)) as files)"
        )
        parameters = [entity.name, entity.name]
    row = con.execute(
        f"select max(_loaded_at), {event_sql} from raw.{entity.name}", parameters
    ).fetchone()
    latest_load, latest_event = (row or (None, None))[0], (row or (None, None))[1]

    def age(value: datetime | None) -> float | None:
        return None if value is None else (now - value).total_seconds() / 3600

    load_age, event_age = age(latest_load), age(latest_event)
    problems = []
    if latest_load is None:
        problems.append("no rows loaded yet")
    elif load_age is not None and load_age > policy.max_load_age_hours:
        problems.append(
            f"last load {latest_load:%Y-%m-%d %H:%M} UTC is {load_age:.0f} h old "
            f"(limit {policy.max_load_age_hours:g} h)"
        )
    if column and latest_load is not None:
        if latest_event is None:
            problems.append(f"no parseable {column}")
        elif event_age is not None and event_age > policy.max_event_age_hours:
            problems.append(
                f"latest {column} {latest_event:%Y-%m-%d %H:%M} UTC is {event_age:.0f} h old "
                f"(limit {policy.max_event_age_hours:g} h)"
            )
    return Freshness(
        entity.name, latest_load, latest_event, column, load_age, event_age, tuple(problems)
    )
