"""Tests for the demo data generator (orchestration/demo), on small sizes in tmp_path."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.demo import generate
from orchestration.demo.__main__ import main
from orchestration.demo.generator import default_end_date
from orchestration.ingest.contract import (
    CALL_DIRECTIONS,
    CHAT_CHANNELS,
    ENTITIES,
    EVENT_TYPES,
    MACRO_KINDS,
    PRIORITIES,
    ROLES,
    SURVEY_SCALES,
    TICKET_CHANNELS,
    TICKET_STATUSES,
)

END = dt.date(2025, 6, 30)
END_TEXT = "2025-06-30T23:59:59Z"
SMALL = {"tickets": 300, "end_date": END, "days": 120}
READERS = {
    "csv": "read_csv('{glob}', all_varchar = true)",
    "csv.gz": "read_csv('{glob}', all_varchar = true)",
    "jsonl": "read_json('{glob}', format = 'newline_delimited')",
    "jsonl.gz": "read_json('{glob}', format = 'newline_delimited')",
    "parquet": "read_parquet('{glob}')",
}


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def _relation(root: Path, entity: str, fmt: str = "csv") -> str:
    glob = (root / entity / f"*.{fmt}").as_posix()
    return READERS[fmt].format(glob=glob)


@pytest.fixture(scope="module")
def demo_csv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    root = tmp_path_factory.mktemp("landing")
    counts = generate(root, seed=3, **SMALL)
    return root, counts


@pytest.fixture()
def con() -> duckdb.DuckDBPyConnection:
    with duckdb.connect() as connection:
        yield connection


def test_every_entity_file_has_every_contract_column(demo_csv, con) -> None:
    root, counts = demo_csv
    assert set(counts) == set(ENTITIES)
    for name, entity in ENTITIES.items():
        assert (root / name / f"{name}.csv").is_file(), name
        rel = con.sql(f"select * from {_relation(root, name)}")
        assert tuple(rel.columns) == entity.columns, name
        assert (
            con.execute(f"select count(*) from {_relation(root, name)}").fetchone()[0]
            == counts[name]
        )
        assert counts[name] > 0, name
    assert counts["tickets"] == 300
    assert counts["teams"] == 5


def test_timestamps_are_iso_utc_and_not_after_the_end_date(demo_csv, con) -> None:
    root, _ = demo_csv
    for name, entity in ENTITIES.items():
        for column in entity.timestamp_columns:
            bad, latest = con.execute(
                f"select count(*) filter (where not regexp_full_match({column}, "
                rf"'\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ')), max({column}) "
                f"from {_relation(root, name)}"
            ).fetchone()
            assert bad == 0, f"{name}.{column}"
            assert latest is None or latest <= END_TEXT, f"{name}.{column}: {latest}"


def test_default_end_date_is_the_last_complete_utc_day() -> None:
    """Without --end-date the data ends yesterday (UTC): a demo built at midday holds no record
    later than the run that loads it (ending today, it held the rest of today's records)."""
    utc = dt.UTC
    assert default_end_date(dt.datetime(2026, 12, 7, 13, 30, tzinfo=utc)) == dt.date(2026, 12, 6)
    assert default_end_date(dt.datetime(2026, 12, 7, 0, 0, tzinfo=utc)) == dt.date(2026, 12, 6)
    berlin_early = dt.datetime(2026, 12, 7, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert default_end_date(berlin_early) == dt.date(2026, 12, 5)  # still the 6th in UTC
    assert default_end_date() == dt.datetime.now(utc).date() - dt.timedelta(days=1)


@pytest.mark.parametrize("fmt", ["csv", "csv.gz", "jsonl", "jsonl.gz", "parquet"])
def test_same_seed_gives_identical_bytes(tmp_path: Path, fmt: str) -> None:
    generate(tmp_path / "a", seed=11, fmt=fmt, **SMALL)
    generate(tmp_path / "b", seed=11, fmt=fmt, **SMALL)
    generate(tmp_path / "c", seed=12, fmt=fmt, **SMALL)
    first, second, other = (_files(tmp_path / x) for x in "abc")
    assert first == second
    assert first.keys() == other.keys()
    assert first[f"tickets/tickets.{fmt}"] != other[f"tickets/tickets.{fmt}"]


@pytest.mark.parametrize("fmt", ["csv", "csv.gz", "jsonl", "jsonl.gz", "parquet"])
def test_each_format_reads_back_with_duckdb(tmp_path: Path, con, fmt: str) -> None:
    counts = generate(tmp_path, seed=5, fmt=fmt, files_per_entity=2, **SMALL)
    assert sorted(p.name for p in (tmp_path / "tickets").iterdir()) == [
        f"tickets_0001.{fmt}",
        f"tickets_0002.{fmt}",
    ]
    assert [p.name for p in (tmp_path / "teams").iterdir()] == [f"teams.{fmt}"]
    for name, entity in ENTITIES.items():
        rel = con.sql(f"select * from {_relation(tmp_path, name, fmt)}")
        assert set(rel.columns) == set(entity.columns), name
        assert (
            con.execute(f"select count(*) from {_relation(tmp_path, name, fmt)}").fetchone()[0]
            == counts[name]
        )
    tags = con.execute(
        f"select tags from {_relation(tmp_path, 'tickets', fmt)} where tags is not null limit 1"
    ).fetchone()[0]
    if fmt.startswith("csv"):
        assert isinstance(tags, str)
    else:
        assert isinstance(tags, list) and all(isinstance(t, str) for t in tags)


def test_rewriting_replaces_the_generators_old_files(tmp_path: Path) -> None:
    generate(tmp_path, seed=1, files_per_entity=3, **SMALL)
    (tmp_path / "tickets" / "mine.csv").write_text("ticket_id\nX\n")
    generate(tmp_path, seed=1, fmt="jsonl", **SMALL)
    assert sorted(p.name for p in (tmp_path / "tickets").iterdir()) == ["mine.csv", "tickets.jsonl"]


def test_references_and_order_are_coherent(demo_csv, con) -> None:
    root, _ = demo_csv
    for name in ENTITIES:
        con.execute(f"create view {name} as select * from {_relation(root, name)}")
    checks = {
        "events of unknown tickets": """
            select count(*) from ticket_events as e
            where e.ticket_id not in (select ticket_id from tickets)""",
        "events before their ticket": """
            select count(*) from ticket_events as e
            inner join tickets as t on e.ticket_id = t.ticket_id
            where e.created_at < t.created_at""",
        "ticket updated before created": """
            select count(*) from tickets where updated_at < created_at""",
        "duplicate event ids": "select count(*) - count(distinct event_id) from ticket_events",
        "messages of unknown conversations": """
            select count(*) from chat_messages
            where conversation_id not in (select conversation_id from chat_conversations)""",
        "chats of unknown tickets": """
            select count(*) from chat_conversations
            where ticket_id is not null and ticket_id not in (select ticket_id from tickets)""",
        "calls out of order": """
            select count(*) from calls
            where answered_at < queued_at or ended_at < answered_at or ended_at < queued_at""",
        "answered-less inbound calls with an agent": """
            select count(*) from calls
            where direction = 'inbound' and answered_at is null and agent_id is not null""",
        "survey sent after response": """
            select count(*) from survey_responses where sent_at > responded_at""",
        "scores out of range": """
            select count(*) from survey_responses
            where (survey_type = 'csat' and cast(score as int) not between 1 and 5)
               or (survey_type = 'nps' and cast(score as int) not between 0 and 10)
               or (survey_type = 'ces' and cast(score as int) not between 1 and 7)""",
        "subscriptions cancelled before start": """
            select count(*) from subscriptions where cancelled_at < started_at""",
        "agents leaving before hire": "select count(*) from agents where left_at < hired_at",
    }
    for label, sql in checks.items():
        assert con.execute(sql).fetchone()[0] == 0, label


def test_values_stay_inside_the_contract(demo_csv, con) -> None:
    root, _ = demo_csv
    allowed = {
        ("tickets", "status"): TICKET_STATUSES,
        ("tickets", "priority"): PRIORITIES,
        ("tickets", "channel"): TICKET_CHANNELS,
        ("tickets", "created_by_role"): ROLES,
        ("ticket_events", "event_type"): EVENT_TYPES,
        ("ticket_events", "actor_role"): ROLES,
        ("chat_conversations", "channel"): CHAT_CHANNELS,
        ("chat_messages", "author_role"): ROLES,
        ("calls", "direction"): CALL_DIRECTIONS,
        ("survey_responses", "survey_type"): tuple(SURVEY_SCALES),
        ("macros", "kind"): MACRO_KINDS,
        ("teams", "schedule_id"): ("amer", "emea", "apac", "premium_24x7"),
    }
    for (entity, column), values in allowed.items():
        seen = {
            r[0]
            for r in con.execute(
                f"select distinct {column} from {_relation(root, entity)} "
                f"where {column} is not null"
            ).fetchall()
        }
        assert seen <= set(values), f"{entity}.{column}: {seen - set(values)}"
    empty_schedule = con.execute(
        f"select count(*) from {_relation(root, 'teams')} where schedule_id is null"
    ).fetchone()[0]
    assert empty_schedule == 1


def test_if_empty_leaves_a_folder_with_data_alone(tmp_path: Path, capsys) -> None:
    (tmp_path / "tickets").mkdir()
    (tmp_path / "tickets" / "export.csv").write_text("ticket_id\n1\n")
    assert main(["--out", str(tmp_path), "--if-empty", "--tickets", "50", "--quiet"]) == 0
    assert "leaving it alone" in capsys.readouterr().out
    assert [p.name for p in tmp_path.rglob("*")] == ["tickets", "export.csv"]


def test_if_empty_generates_into_an_empty_folder(tmp_path: Path) -> None:
    out = tmp_path / "landing"
    args = ["--out", str(out), "--if-empty", "--tickets", "50", "--days", "30", "--quiet"]
    assert main([*args, "--end-date", "2025-01-31"]) == 0
    assert (out / "tickets" / "tickets.csv").is_file()


def test_help_describes_the_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "orchestration.demo", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "demo" in result.stdout.lower()
    for option in (
        "--out",
        "--tickets",
        "--seed",
        "--format",
        "--end-date",
        "--days",
        "--files-per-entity",
        "--if-empty",
        "--quiet",
    ):
        assert option in result.stdout
