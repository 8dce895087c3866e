"""dbt staging layer: normalisation, quarantine and latest-version dedup on a throw-away DuckDB.

Creates `raw.*` tables shaped like the Python loader's (every contract column VARCHAR + metadata),
inserts a few hand-written rows, runs `dbt build --select staging` and checks stg/quarantine.
"""

from __future__ import annotations

import json
import os
import subprocess
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from orchestration.ingest import contract
from orchestration.ingest.contract import ENTITIES, METADATA_COLUMNS
from orchestration.ingest.loader import ensure_raw_tables

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT = REPO_ROOT / ".venv" / "bin" / "dbt"
LOADED_AT = datetime(2024, 3, 11, 6, 0, 0)

pytestmark = pytest.mark.slow


def create_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create empty `raw.<entity>` tables as the loader does: text columns + load metadata."""
    con.execute("create schema if not exists raw")
    for name, entity in ENTITIES.items():
        columns = ", ".join(f'"{column}" varchar' for column in entity.columns)
        con.execute(
            f"create or replace table raw.{name} ({columns}, _source_file varchar, "
            "_source_row bigint, _loaded_at timestamp, _file_id bigint)"
        )
    ensure_raw_tables(con)  # the loader's manifest and rejects tables


def insert_rows(
    con: duckdb.DuckDBPyConnection,
    entity: str,
    file: str,
    file_id: int,
    rows: list[dict],
    load_run_id: int = 1,
) -> None:
    """Insert rows of one landing file; columns not given are NULL (an empty CSV field)."""
    columns = [*ENTITIES[entity].columns, *METADATA_COLUMNS]
    placeholders = ", ".join("?" for _ in columns)
    quoted = ", ".join(f'"{column}"' for column in columns)
    for number, row in enumerate(rows, start=1):
        unknown = set(row) - set(ENTITIES[entity].columns)
        assert not unknown, f"not in the contract of {entity}: {unknown}"
        values = [row.get(c) for c in ENTITIES[entity].columns]
        values += [f"{entity}/{file}", number, LOADED_AT, file_id]
        con.execute(f"insert into raw.{entity} ({quoted}) values ({placeholders})", values)
    # The file in the loader's manifest, all in load run 1 (the quarantine gate reads it).
    con.execute(
        "insert or ignore into raw._landing_files (file_id, entity, source_file, content_hash, "
        "status, rows_loaded, rows_rejected, loaded_at, load_run_id) "
        "values (?, ?, ?, 'test', 'loaded', ?, 0, ?, ?)",
        [file_id, entity, f"{entity}/{file}", len(rows), LOADED_AT, load_run_id],
    )


def run_dbt(tmp_path: Path, warehouse: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "WAREHOUSE_PATH": str(warehouse),
        "LANDING_DEFAULT_TIMEZONE": "UTC",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
    }
    command = [
        str(DBT),
        *args,
        "--profiles-dir",
        str(REPO_ROOT),
        "--project-dir",
        str(REPO_ROOT),
        "--target-path",
        str(tmp_path / "target"),
        "--log-path",
        str(tmp_path / "logs"),
    ]
    return subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True)


def build_staging(tmp_path: Path, warehouse: Path, max_pct: float = 1) -> str:
    result = run_dbt(
        tmp_path,
        warehouse,
        "build",
        "--select",
        "staging",
        "business_hours",  # the seed the teams' known_schedule_id check reads
        "--indirect-selection",
        "cautious",
        "--vars",
        json.dumps({"quarantine_max_pct": max_pct}),
    )
    assert result.returncode == 0, result.stdout[-6000:]
    return result.stdout


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_empty_raw_schema_builds(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        create_raw_tables(con)
    build_staging(tmp_path, warehouse)
    for name in ENTITIES:
        assert query(warehouse, f"select count(*) from staging.stg_landing__{name}") == [(0,)]
        assert query(warehouse, f"select count(*) from quarantine.quarantine_landing__{name}") == [
            (0,)
        ]


def seed_rows(con: duckdb.DuckDBPyConnection) -> None:
    ticket = {"customer_id": "C1", "channel": "Email", "status": "open"}
    insert_rows(
        con,
        "tickets",
        "export_1.csv",
        1,
        [
            {
                **ticket,
                "ticket_id": "T1",
                "created_at": "2024-03-10T10:00:00-05:00",
                "updated_at": "2024-03-10T12:00:00Z",
                "status": "On-Hold",
                "tags": "Complaint; Billing",
            },
            {**ticket, "ticket_id": "T2", "created_at": "31/02/2024"},
            {
                **ticket,
                "ticket_id": "T3",
                "created_at": "2024-03-10 08:00:00",
                "status": "archived",
                "priority": "p1",
            },
            {
                **ticket,
                "ticket_id": " T4 ",
                "created_at": "2024-03-10 08:00:00",
                "tags": '["a","b"]',
                "created_by_role": "End-User",
            },
        ],
    )
    insert_rows(
        con,
        "tickets",
        "export_2.csv",
        2,
        [  # a later file carrying an OLDER version of T1: the latest updated_at still wins
            {
                **ticket,
                "ticket_id": "T1",
                "created_at": "2024-03-10T10:00:00-05:00",
                "updated_at": "2024-03-10T11:00:00Z",
                "status": "solved",
            },
            {**ticket, "ticket_id": "", "created_at": "2024-03-10"},
        ],
    )
    insert_rows(
        con,
        "customers",
        "customers_1.csv",
        1,
        [{"customer_id": "C1", "name": "Old Name"}],
    )
    insert_rows(
        con,
        "customers",
        "customers_2.jsonl",
        2,
        [{"customer_id": "C1", "name": "New Name", "email": " Ann@Example.COM "}],
    )
    insert_rows(
        con,
        "survey_responses",
        "surveys.csv",
        1,
        [
            {
                "response_id": "S1",
                "survey_type": "NPS",
                "score": "11",
                "responded_at": "2024-03-10",
            },
            {
                "response_id": "S2",
                "survey_type": "csat",
                "score": "5",
                "responded_at": "2024-03-10",
            },
        ],
    )
    insert_rows(
        con,
        "ticket_events",
        "events.csv",
        1,
        [
            {
                "event_id": "E1",
                "ticket_id": "T1",
                "created_at": "2024-03-10",
                "event_type": "comment",
                "actor_role": "admin",
            },
            {
                "event_id": "E2",
                "ticket_id": "T1",
                "created_at": "2024-03-10",
                "event_type": "Status Change",
                "actor_role": "agent",
                "is_public": "NO",
                "from_value": "open",
                "to_value": "hold",
            },
            {
                "event_id": "E3",
                "ticket_id": "T1",
                "created_at": "2024-03-10",
                "event_type": "status_change",
                "actor_role": "agent",
                "to_value": "archived",
            },
        ],
    )
    insert_rows(
        con,
        "calls",
        "calls.csv",
        1,
        [
            {
                "call_id": "K1",
                "queued_at": "2024-03-10 10:00",
                "answered_at": "2024-03-10 09:00",
                "direction": "inbound",
                "hold_seconds": "-5",
            },
        ],
    )


def test_staging_normalises_quarantines_and_dedups(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        create_raw_tables(con)
        seed_rows(con)
    build_staging(tmp_path, warehouse, max_pct=100)

    tickets = query(
        warehouse,
        "select ticket_id, status, cast(created_at as varchar), tags, created_by_role, "
        "versions_count, _source_file from staging.stg_landing__tickets order by 1",
    )
    assert tickets == [
        (
            "T1",
            "on_hold",
            "2024-03-10 15:00:00",
            "complaint;billing",
            None,
            2,
            "tickets/export_1.csv",
        ),
        ("T4", "open", "2024-03-10 08:00:00", "a;b", "customer", 1, "tickets/export_1.csv"),
    ]
    quarantine = query(
        warehouse,
        "select raw_ticket_id, quarantine_reason, _source_file, _source_row "
        "from quarantine.quarantine_landing__tickets order by _file_id, _source_row",
    )
    assert quarantine == [
        ("T2", "unparseable created_at '31/02/2024'", "tickets/export_1.csv", 2),
        ("T3", "unknown priority 'p1'; unknown status 'archived'", "tickets/export_1.csv", 3),
        ("", "missing ticket_id", "tickets/export_2.csv", 2),
    ]

    # last loaded wins for an entity without updated_at; emails are lower-cased and trimmed
    assert query(
        warehouse,
        "select customer_id, customer_name, email, versions_count "
        "from staging.stg_landing__customers",
    ) == [("C1", "New Name", "ann@example.com", 2)]

    assert query(
        warehouse,
        "select quarantine_reason from quarantine.quarantine_landing__survey_responses",
    ) == [("score 11 out of range 0-10 for nps",)]
    assert query(
        warehouse, "select response_id, score from staging.stg_landing__survey_responses"
    ) == [("S2", 5)]

    events = query(
        warehouse,
        "select event_id, event_type, actor_role, is_public, from_value, to_value "
        "from staging.stg_landing__ticket_events order by 1",
    )
    assert events == [
        ("E1", "comment", "agent", True, None, None),
        ("E2", "status_change", "agent", False, "open", "on_hold"),
    ]
    assert query(
        warehouse, "select quarantine_reason from quarantine.quarantine_landing__ticket_events"
    ) == [("unknown to_value 'archived'",)]
    assert query(
        warehouse, "select quarantine_reason from quarantine.quarantine_landing__calls"
    ) == [("negative hold_seconds; answered_at before queued_at",)]


def test_quarantine_share_above_limit_fails_with_counts(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        create_raw_tables(con)
        seed_rows(con)
    build_staging(tmp_path, warehouse, max_pct=100)
    result = run_dbt(
        tmp_path,
        warehouse,
        "test",
        "--select",
        "stg_landing__tickets,test_name:quarantine_within_limit",
    )
    assert result.returncode == 1, result.stdout[-4000:]
    assert "quarantine_within_limit" in result.stdout
    # the failing row says entity, quarantined count, total and share
    compiled = [
        path.read_text()
        for path in (tmp_path / "target" / "compiled").rglob("quarantine_within_limit_*.sql")
        if "'tickets' as entity" in path.read_text()
    ]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(compiled[0]).fetchall()
    assert [row[:3] for row in rows] == [("tickets", 3, 6)]
    assert rows[0][-1] == (
        "tickets: 3 of 6 rows of the latest load run quarantined (50.0%), more than 1%;"
        " see quarantine.quarantine_landing__tickets"
    )


def _normalize_token(text: str) -> str:
    """Python twin of the normalize_token() macro."""
    return text.strip().lower().replace("-", "_").replace(" ", "_")


def test_dbt_value_lists_match_contract(tmp_path: Path) -> None:
    """macros/staging_helpers.sql holds dbt's copy of the contract: keep it equal to contract.py."""
    domains = {
        "status": contract.TICKET_STATUSES,
        "priority": contract.PRIORITIES,
        "ticket_channel": contract.TICKET_CHANNELS,
        "chat_channel": contract.CHAT_CHANNELS,
        "role": contract.ROLES,
        "event_type": contract.EVENT_TYPES,
        "survey_type": tuple(contract.SURVEY_SCALES),
        "call_direction": contract.CALL_DIRECTIONS,
        "macro_kind": contract.MACRO_KINDS,
    }
    inline = (
        "{% set out = {'values': {}, 'synonyms': {}, 'columns': {}} %}"
        "{% for d in " + json.dumps(sorted(domains)) + " %}"
        "{% do out['values'].update({d: canonical_values(d)}) %}"
        "{% do out['synonyms'].update({d: canonical_synonyms(d)}) %}{% endfor %}"
        "{% for e in " + json.dumps(sorted(ENTITIES)) + " %}"
        "{% do out['columns'].update({e: landing_columns(e)}) %}{% endfor %}"
        "{% do out.update({'scales': survey_scales()}) %}{{ tojson(out) }}"
    )
    warehouse = tmp_path / "warehouse.duckdb"
    result = run_dbt(
        tmp_path, warehouse, "compile", "--quiet", "--output", "json", "--inline", inline
    )
    assert result.returncode == 0, result.stdout[-4000:]
    dbt_lists = json.loads(json.loads(result.stdout[result.stdout.index("{") :])["compiled"])

    assert {d: tuple(v) for d, v in dbt_lists["values"].items()} == domains
    assert {k: tuple(v) for k, v in dbt_lists["scales"].items()} == contract.SURVEY_SCALES
    assert {e: tuple(c) for e, c in dbt_lists["columns"].items()} == {
        name: entity.columns for name, entity in ENTITIES.items()
    }
    for domain, synonyms in contract.SYNONYMS.items():
        dbt_synonyms = dbt_lists["synonyms"]["status" if domain == "status" else "role"]
        for canonical, spellings in synonyms.items():
            for spelling in spellings:
                token = _normalize_token(spelling)
                assert token == canonical or dbt_synonyms.get(token) == canonical, spelling


def test_quarantine_gate_judges_the_latest_load_run_not_all_history(tmp_path: Path) -> None:
    """300 good tickets in load run 1, then a run with 2 bad of 4: 2 of 304 rows (0.7 %) would
    pass a gate over all rows; judged on the latest run (50 %) it fails. A later run with only
    good rows opens it again."""
    warehouse = tmp_path / "warehouse.duckdb"
    good = [
        {
            "ticket_id": f"t{i}",
            "created_at": "2024-03-01T10:00:00Z",
            "customer_id": "c1",
            "channel": "email",
            "status": "open",
        }
        for i in range(300)
    ]
    bad = [dict(good[0], ticket_id=f"b{i}", status="archived") for i in range(2)]
    fine = [dict(good[0], ticket_id=f"n{i}") for i in range(2)]
    with duckdb.connect(str(warehouse)) as con:
        create_raw_tables(con)
        insert_rows(con, "tickets", "history.csv", 1, good, load_run_id=1)
        insert_rows(con, "tickets", "tonight.csv", 2, bad + fine, load_run_id=2)
    build_staging(tmp_path, warehouse, max_pct=100)
    select = ["--select", "stg_landing__tickets,test_name:quarantine_within_limit"]
    failing = run_dbt(tmp_path, warehouse, "test", *select)
    assert failing.returncode == 1, failing.stdout[-3000:]
    with duckdb.connect(str(warehouse)) as con:
        insert_rows(con, "tickets", "next_night.csv", 3, fine, load_run_id=3)
    build_staging(tmp_path, warehouse, max_pct=100)
    passing = run_dbt(tmp_path, warehouse, "test", *select)
    assert passing.returncode == 0, passing.stdout[-3000:]
