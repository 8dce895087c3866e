"""Build the raw-entity GX suites (expectations/raw_<entity>.json) from the landing contract.

The suites are version-controlled JSON; this module only (re)writes them, so the expectations
follow orchestration/ingest/contract.py. Run `python -m orchestration.quality.raw_suites` after
changing the contract and commit the result (tests/test_quality_suites.py fails when they drift).

Raw values are text as delivered, so typed rules (timestamps, scores, known values) are SQL
(`UnexpectedRowsExpectation`) that normalises like staging does. Aggregate rules return one row
only when a share is exceeded, so they never ship a million rows out of DuckDB.

Each suite validates the rows of the **latest load run** (`raw._load_runs`: every loader call,
even one that found nothing new), selected in SQL through the manifest (`_file_id` ->
`raw._landing_files.load_run_id`): a bad old file does not fail every later night, and a bad new
file is not diluted by history. An entity that the latest run loaded no rows for is skipped
(`skip_if_empty`), with 0 new rows in the check's metadata.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from orchestration.ingest import contract
from orchestration.ingest.contract import ENTITIES, Entity
from orchestration.settings import REPO_ROOT

EXPECTATIONS_DIR = REPO_ROOT / "expectations"
MAX_BAD_SHARE_PCT = 1.0
"""Error when more than this share (percent) of a required value is missing or unparseable;
mirrors dbt var quarantine_max_pct."""
FUTURE_TOLERANCE = "interval 1 day"
EVENT_BEFORE_TICKET_TOLERANCE = "interval 5 minute"

# Enumerated raw columns: (entity, column) -> (canonical values, synonyms after normalisation).
_ROLE_SYNONYMS = ("end_user", "enduser", "requester", "admin")
KNOWN_VALUES: dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...]]] = {
    ("tickets", "status"): (contract.TICKET_STATUSES, ("hold", "onhold")),
    ("tickets", "priority"): (contract.PRIORITIES, ()),
    ("tickets", "channel"): (contract.TICKET_CHANNELS, ()),
    ("tickets", "created_by_role"): (contract.ROLES, _ROLE_SYNONYMS),
    ("ticket_events", "event_type"): (contract.EVENT_TYPES, ()),
    ("ticket_events", "actor_role"): (contract.ROLES, _ROLE_SYNONYMS),
    ("chat_conversations", "channel"): (contract.CHAT_CHANNELS, ()),
    ("chat_messages", "author_role"): (contract.ROLES, _ROLE_SYNONYMS),
    ("calls", "direction"): (contract.CALL_DIRECTIONS, ()),
    ("survey_responses", "survey_type"): (tuple(contract.SURVEY_SCALES), ()),
    ("macros", "kind"): (contract.MACRO_KINDS, ()),
}


def _token(column: str) -> str:
    return f"replace(replace(lower(trim({column})), '-', '_'), ' ', '_')"


def _present(column: str) -> str:
    return f"nullif(trim({column}), '') is not null"


UTC_DESIGNATOR_PATTERN = r"\s*([zZ]|[uU][tT][cC]|[gG][mM][tT])$"
"""Z, UTC or GMT at the end, after optional spaces: read as +00:00 (the macro
`utc_designator_pattern` in macros/cross_db.sql, which staging uses; a test keeps them equal)."""
SPACED_OFFSET_PATTERN = r"\s+([+-][0-9][0-9](:?[0-9][0-9])?)$"
"""An offset after spaces (Ruby's `+0200`): the spaces are dropped. No `{n}` counts: GX fills
`{batch}` into the query with str.format."""


def _ts(column: str) -> str:
    """The text as a DuckDB `timestamptz`, NULL when it does not parse. As in staging (macro
    `text_to_utc`), a designator DuckDB does not cast (an offset after a space, Ruby's
    `+0200`; a lower-case z) is normalized first, only for the values that do not cast as
    delivered, so the common case costs one cast. Text DuckDB reads but staging does not (a zone
    name such as `Europe/Berlin`, AM/PM) parses here and is quarantined by staging, whose gate
    judges that share: a regular expression per value to tell them apart would cost this check
    about twice as much."""
    text = f"trim({column})"
    normalized = (
        f"regexp_replace(regexp_replace({text}, '{UTC_DESIGNATOR_PATTERN}', '+00:00'),"
        f" '{SPACED_OFFSET_PATTERN}', '\\1')"
    )
    return f"coalesce(try_cast({text} as timestamptz), try_cast({normalized} as timestamptz))"


def _sql(*lines: str) -> str:
    return "\n".join(lines)


def _expectation(kind: str, severity: str, notes: str, **kwargs: Any) -> dict[str, Any]:
    return {"type": kind, "kwargs": kwargs, "severity": severity, "meta": {"notes": notes}}


def _unexpected_rows(severity: str, description: str, query: str) -> dict[str, Any]:
    return _expectation(
        "unexpected_rows_expectation",
        severity,
        description,
        unexpected_rows_query=query,
        description=description,
    )


def _share_query(column: str, bad: str, label: str) -> str:
    """One row when more than MAX_BAD_SHARE_PCT % of the non-empty values are bad."""
    return _sql(
        "select * from (",
        f"    select '{column}' as column_name, count(*) filter (where {bad}) as {label}_rows,",
        f"        count(*) filter (where {_present(column)}) as delivered_rows,",
        f"        min(trim({column})) filter (where {bad}) as example_value",
        "    from {batch}",
        ") as shares",
        f"where {label}_rows > {MAX_BAD_SHARE_PCT / 100} * delivered_rows",
    )


def _column_expectations(entity: Entity) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for column in entity.required:
        found.append(
            _expectation(
                "expect_column_to_exist",
                "critical",
                f"Required column {column} is present in raw.{entity.name}.",
                column=column,
            )
        )
    for column in entity.required:
        if column.endswith("_id"):
            found.append(
                _expectation(
                    "expect_column_values_to_not_be_null",
                    "critical",
                    f"Id {column} is delivered on at least {100 - MAX_BAD_SHARE_PCT:g}% of rows "
                    "(missing ones are quarantined in staging).",
                    column=column,
                    mostly=1 - MAX_BAD_SHARE_PCT / 100,
                )
            )
    for column in entity.timestamp_columns:
        required = column in entity.required
        found.append(
            _unexpected_rows(
                "critical" if required else "warning",
                f"At least {100 - MAX_BAD_SHARE_PCT:g}% of the delivered {column} values parse "
                "as timestamps.",
                _share_query(
                    column, f"{_present(column)} and {_ts(column)} is null", "unparseable"
                ),
            )
        )
        found.append(
            _unexpected_rows(
                "warning",
                f"No {column} lies more than a day in the future (clock or format errors).",
                _sql(
                    f"select {entity.key}, {column}, _source_file, _source_row",
                    "from {batch}",
                    f"where {_ts(column)} > current_timestamp + {FUTURE_TOLERANCE}",
                ),
            )
        )
    return found


def _known_value_expectations(entity: Entity) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for (name, column), (values, synonyms) in KNOWN_VALUES.items():
        if name != entity.name:
            continue
        allowed = ", ".join(f"'{v}'" for v in (*values, *synonyms))
        found.append(
            _unexpected_rows(
                "warning",
                f"{column} holds known values only (case, spaces, '-' and synonyms tolerated); "
                "unknown ones are quarantined in staging.",
                _sql(
                    f"select trim({column}) as unknown_value, count(*) as rows,",
                    "    min(_source_file) as first_source_file",
                    "from {batch}",
                    f"where {_present(column)} and {_token(column)} not in ({allowed})",
                    "group by 1",
                ),
            )
        )
    return found


def _entity_rules(entity: Entity) -> list[dict[str, Any]]:
    """Rules that only some entities have: score ranges, ordering of events."""
    if entity.name == "survey_responses":
        score = "try_cast(trim(score) as double)"
        scales = " ".join(
            f"when '{kind}' then {score} not between {low} and {high}"
            for kind, (low, high) in contract.SURVEY_SCALES.items()
        )
        return [
            _unexpected_rows(
                "warning",
                "Scores are numbers within the survey's scale (CSAT 1-5, NPS 0-10, CES 1-7).",
                _sql(
                    "select response_id, survey_type, score, _source_file, _source_row",
                    "from {batch}",
                    f"where {_present('score')} and ({score} is null",
                    f"    or case {_token('survey_type')} {scales} else false end)",
                ),
            )
        ]
    if entity.name == "ticket_events":
        return [
            _unexpected_rows(
                "warning",
                "No ticket event is earlier than its ticket's creation (5 minutes tolerance).",
                _sql(
                    "select events.event_id, events.ticket_id, events.created_at,",
                    "    tickets.created_at as ticket_created_at, events._source_file,",
                    "    events._source_row",
                    "from {batch} as events",
                    "inner join (",
                    "    select ticket_id, min(" + _ts("created_at") + ") as created_at",
                    "    from raw.tickets group by 1",
                    ") as tickets on trim(events.ticket_id) = trim(tickets.ticket_id)",
                    f"where {_ts('events.created_at')} < tickets.created_at "
                    f"- {EVENT_BEFORE_TICKET_TOLERANCE}",
                ),
            )
        ]
    if entity.name == "calls":
        return [
            _unexpected_rows(
                "warning",
                "hold_seconds and wrap_up_seconds are non-negative numbers.",
                _sql(
                    "select call_id, hold_seconds, wrap_up_seconds, _source_file, _source_row",
                    "from {batch}",
                    "where try_cast(trim(hold_seconds) as double) < 0",
                    "    or try_cast(trim(wrap_up_seconds) as double) < 0",
                ),
            )
        ]
    return []


def latest_load_run_query(entity: Entity) -> str:
    """The rows of raw.<entity> loaded by the latest load run (SQL, run inside DuckDB)."""
    return _sql(
        f"select * from raw.{entity.name}",
        "where _file_id in (",
        "    select file_id from raw._landing_files",
        "    where load_run_id = (select max(load_run_id) from raw._load_runs)",
        ")",
    )


def raw_suite(entity: Entity) -> dict[str, Any]:
    """The GX suite (as JSON-ready dict) of one raw entity."""
    return {
        "name": f"raw_{entity.name}",
        "meta": {
            "asset_key": f"landing/{entity.name}",
            "query": latest_load_run_query(entity),
            "batch": f"rows of raw.{entity.name} loaded by the latest load run",
            "skip_if_empty": True,
            "layer": "raw",
            "generated_by": "python -m orchestration.quality.raw_suites",
        },
        "expectations": [
            *_column_expectations(entity),
            *_known_value_expectations(entity),
            *_entity_rules(entity),
        ],
    }


def suite_text(suite: dict[str, Any]) -> str:
    return json.dumps(suite, indent=2) + "\n"


def write_raw_suites(folder: Path = EXPECTATIONS_DIR) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for entity in ENTITIES.values():
        path = folder / f"raw_{entity.name}.json"
        path.write_text(suite_text(raw_suite(entity)))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> None:
    import argparse

    argparse.ArgumentParser(
        prog="python -m orchestration.quality.raw_suites",
        description="Regenerate the raw-entity Great Expectations suites (expectations/raw_*.json)"
        " from the landing contract (orchestration/ingest/contract.py) and list the files written.",
    ).parse_args(argv)
    for written_path in write_raw_suites():
        print(written_path.relative_to(REPO_ROOT))


if __name__ == "__main__":
    main()
