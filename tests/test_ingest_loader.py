"""The landing loader against throw-away DuckDB files: formats, rejections, idempotency."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gzip
import json
import os
import random
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from orchestration.ingest import loader, readers
from orchestration.ingest.assets import load_result_metadata
from orchestration.ingest.contract import ENTITIES, METADATA_COLUMNS
from orchestration.ingest.landing import EmptyLandingError
from orchestration.ingest.loader import (
    RACY_SECONDS,
    FileOutcome,
    ensure_raw_tables,
    file_signature,
    latest_load_run,
    load_landing,
)
from orchestration.ingest.readers import RejectedRow, _renumber_past_blank_lines

TICKET_HEADER = "ticket_id,created_at,customer_id,channel,status"


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    path = tmp_path / "landing"
    path.mkdir()
    return path


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, object]]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def manifest(con: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    return rows(con, "select * from raw._landing_files order by file_id")


# --- formats ---------------------------------------------------------------------------------


def test_csv_with_bom_keeps_text_as_delivered(
    con: duckdb.DuckDBPyConnection, landing: Path
) -> None:
    write(
        landing / "tickets" / "export.csv",
        "\ufeff Ticket_ID ,CREATED_AT,customer_id,channel,status,tags,is_vip,updated_at\n"
        't1,2024-03-01T10:00:00+02:00,c1,email,Open,"[""billing"",""vip""]",true,\n'
        't2,2024-03-01 10:00:00,c2,web,new,"a,b",FALSE,2024-03-02T00:00:00Z\n',
    )
    result = load_landing(con, landing)
    assert result["tickets"].rows_loaded == 2
    assert result["tickets"].rows_total == 2
    got = rows(con, "select * from raw.tickets order by _source_row")
    assert got[0]["ticket_id"] == "t1"
    assert got[0]["created_at"] == "2024-03-01T10:00:00+02:00"  # offset kept as text
    assert got[1]["created_at"] == "2024-03-01 10:00:00"  # naive kept as text
    assert got[0]["status"] == "Open"  # canonical values are staging's job
    assert got[0]["tags"] == '["billing","vip"]'
    assert got[1]["tags"] == "a,b"
    assert got[0]["is_vip"] == "true"  # an extra column, kept
    assert got[1]["is_vip"] == "FALSE"
    assert got[0]["updated_at"] is None  # empty field is NULL
    assert got[0]["_source_file"] == "tickets/export.csv"
    assert [g["_source_row"] for g in got] == [1, 2]
    types = dict(
        con.execute("select column_name, column_type from (describe raw.tickets)").fetchall()
    )
    assert types["created_at"] == "VARCHAR"
    assert types["is_vip"] == "VARCHAR"
    assert types["_source_row"] == "BIGINT"
    assert types["_loaded_at"] == "TIMESTAMP"
    assert types["_file_id"] == "BIGINT"


def test_csv_never_sniffs_another_delimiter(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    write(
        landing / "teams" / "teams.csv",
        "team_id,name\nt1;x,Billing; EU\nt2,Support|Tier 2\n",
    )
    load_landing(con, landing)
    got = con.execute("select team_id, name from raw.teams order by _source_row").fetchall()
    assert got == [("t1;x", "Billing; EU"), ("t2", "Support|Tier 2")]


def test_csv_gz(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    payload = (TICKET_HEADER + "\nt1,2024-01-01T00:00:00Z,c1,chat,open\n").encode()
    write(landing / "tickets" / "a.csv.gz", gzip.compress(payload))
    result = load_landing(con, landing)
    assert result["tickets"].rows_loaded == 1
    assert manifest(con)[0]["file_format"] == "csv.gz"


def test_jsonl_values_as_text(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    records = [
        '{"Event_ID": "e1", "ticket_id": "t1", "created_at": "2024-01-01T09:00:00-05:00",'
        ' "event_type": "comment", "actor_role": "agent", "is_public": true, "score": 4.50,'
        ' "count": 7, "labels": ["a", "b"], "meta": {"k": 1}, "macro_id": null}',
        "",
        '{"event_id": "e2", "ticket_id": "t1", "created_at": "2024-01-01 14:00:00",'
        ' "event_type": "status_change", "actor_role": "system", "is_public": false}',
    ]
    write(landing / "ticket_events" / "events.jsonl", "\ufeff" + "\n".join(records) + "\n")
    result = load_landing(con, landing)
    assert result["ticket_events"].rows_loaded == 2
    got = rows(con, "select * from raw.ticket_events order by _source_row")
    assert got[0]["event_id"] == "e1"
    assert got[0]["created_at"] == "2024-01-01T09:00:00-05:00"
    assert got[1]["created_at"] == "2024-01-01 14:00:00"
    assert got[0]["is_public"] == "true"
    assert got[1]["is_public"] == "false"
    assert got[0]["score"] == "4.50"  # numbers as written
    assert got[0]["count"] == "7"
    assert json.loads(str(got[0]["labels"])) == ["a", "b"]
    assert got[0]["labels"] == '["a","b"]'
    assert json.loads(str(got[0]["meta"])) == {"k": 1}
    assert got[0]["macro_id"] is None
    assert [g["_source_row"] for g in got] == [1, 3]  # line numbers; the blank line is skipped


def test_parquet_values_as_text(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    paris = dt.timezone(dt.timedelta(hours=1))
    table = pa.table(
        {
            "Agent_ID": ["a1", "a2", "a3"],
            "hired_at": pa.array(
                [dt.datetime(2024, 1, 15, 9, 30, tzinfo=paris), None, None],
                type=pa.timestamp("us", tz="Europe/Paris"),
            ),
            "left_at": pa.array(
                [None, dt.datetime(2024, 6, 30, 17, 0, 5, 250000), None],
                type=pa.timestamp("us"),
            ),
            "skills": [["billing", "vip"], [], None],
            "is_lead": [True, False, None],
            "rating": [4.5, 3.0, None],
            "seats": pa.array([1, 2, None], type=pa.int32()),
        }
    )
    (landing / "agents").mkdir()
    pq.write_table(table, landing / "agents" / "agents.parquet")
    load_landing(con, landing)
    got = rows(con, "select * from raw.agents order by _source_row")
    assert got[0]["agent_id"] == "a1"
    assert got[0]["hired_at"] == "2024-01-15T08:30:00+00:00"  # aware: ISO with offset (UTC)
    assert got[1]["left_at"] == "2024-06-30T17:00:05.25"  # naive: ISO without offset
    assert got[0]["skills"] == '["billing","vip"]'
    assert got[1]["skills"] == "[]"
    assert got[2]["skills"] is None
    assert got[0]["is_lead"] == "true"
    assert got[1]["is_lead"] == "false"
    assert got[0]["rating"] == "4.5"
    assert got[1]["seats"] == "2"
    assert [g["_source_row"] for g in got] == [1, 2, 3]


def test_parquet_column_of_the_wrong_type_loads_as_text_with_a_type_error(
    con: duckdb.DuckDBPyConnection, landing: Path
) -> None:
    table = pa.table(
        {
            "ticket_id": pa.array([101, 102], type=pa.int64()),  # integer ids: convertible
            "created_at": pa.array([1_780_000_000, None], type=pa.int64()),  # not a timestamp
            "customer_id": ["c-1", "c-2"],
            "channel": ["email", "web"],
            "status": pa.array([1.5, 2.0], type=pa.float64()),  # not text
            "tags": [["a", "b"], None],  # a list: fine
            "loyalty_points": pa.array([dt.time(1, 2), None]),  # outside the contract: any type
        }
    )
    pq.write_table(table, write(landing / "tickets" / "typed.parquet", b""))
    result = load_landing(con, landing)["tickets"]
    assert result.files_loaded == ["tickets/typed.parquet"]
    [created, status] = [w for _, w in result.files_with_warnings]
    assert created == (
        "tickets/typed.parquet: type error in column created_at: expected text or a timestamp "
        "(VARCHAR, TIMESTAMP, TIMESTAMP WITH TIME ZONE, DATE), found BIGINT; loaded as text "
        "without loss, e.g. '1780000000': staging quarantines the values it cannot read"
    )
    assert "column status: expected text (VARCHAR, UUID) or an integer, found DOUBLE" in status
    [entry] = manifest(con)
    assert entry["status"] == "loaded" and entry["rows_loaded"] == 2
    assert created in str(entry["message"]) and status in str(entry["message"])
    got = rows(con, "select * from raw.tickets order by _source_row")
    assert [(g["ticket_id"], g["created_at"], g["status"]) for g in got] == [
        ("101", "1780000000", "1.5"),
        ("102", None, "2.0"),
    ]
    assert got[0]["tags"] == '["a","b"]' and got[0]["loyalty_points"] == "01:02:00"


# --- whole-file rejections -------------------------------------------------------------------


def test_missing_required_column_rejects_only_that_file(
    con: duckdb.DuckDBPyConnection, landing: Path
) -> None:
    write(landing / "tickets" / "a_bad.csv", "ticket_id,created_at,channel\nt9,2024,email\n")
    write(landing / "tickets" / "b_good.csv", TICKET_HEADER + "\nt1,2024-01-01,c1,email,open\n")
    result = load_landing(con, landing)["tickets"]
    assert result.files_loaded == ["tickets/b_good.csv"]
    assert result.rows_total == 1
    [(source_file, message)] = result.files_rejected
    assert source_file == "tickets/a_bad.csv"
    assert "tickets/a_bad.csv" in message
    assert "customer_id" in message and "status" in message
    statuses = {m["source_file"]: m["status"] for m in manifest(con)}
    assert statuses == {"tickets/a_bad.csv": "rejected", "tickets/b_good.csv": "loaded"}
    assert con.execute("select ticket_id from raw.tickets").fetchall() == [("t1",)]


def test_jsonl_without_required_key_is_rejected(
    con: duckdb.DuckDBPyConnection, landing: Path
) -> None:
    write(landing / "teams" / "t.jsonl", '{"name": "Billing"}\n')
    result = load_landing(con, landing)["teams"]
    assert result.rows_total == 0
    [(_, message)] = result.files_rejected
    assert "teams/t.jsonl" in message and "team_id" in message


def test_non_utf8_header_is_rejected(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    write(landing / "teams" / "t.csv", b"team_id,n\xe9\nt1,a\n")
    [(_, message)] = load_landing(con, landing)["teams"].files_rejected
    assert "not UTF-8" in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "empty file"),
        ("team_id,name,Team_ID\nt1,a,b\n", "duplicate column"),
        ("team_id;name\nt1;a\n", "comma-separated"),
        ("team_id,_file_id\nt1,3\n", "reserved"),
    ],
)
def test_unusable_csv_header_is_rejected(
    con: duckdb.DuckDBPyConnection, landing: Path, content: str, expected: str
) -> None:
    write(landing / "teams" / "t.csv", content)
    [(source_file, message)] = load_landing(con, landing)["teams"].files_rejected
    assert source_file == "teams/t.csv"
    assert expected in message


def test_corrupt_parquet_is_rejected(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    write(landing / "teams" / "t.parquet", b"not parquet at all")
    [(_, message)] = load_landing(con, landing)["teams"].files_rejected
    assert "teams/t.parquet" in message


# --- malformed records -----------------------------------------------------------------------


def test_excel_separator_line_is_named_in_the_rejection(
    con: duckdb.DuckDBPyConnection, landing: Path
) -> None:
    write(landing / "teams" / "excel.csv", "sep=,\nteam_id,name\nt1,a\n")
    [(name, message)] = load_landing(con, landing)["teams"].files_rejected
    assert name == "teams/excel.csv"
    assert message.startswith("teams/excel.csv: missing required column(s) team_id for teams")
    assert "Excel's separator line (sep=...), not the header" in message


def test_malformed_csv_records_go_to_rejects(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    big = "x" * 1_000_000
    content = (
        b"team_id,name,schedule_id\n"
        b't1,"two\nlines",s1\n'  # record 1, a quoted line break
        b"t2,short\n"  # record 2: too few fields
        b"t3,a,b,c\n"  # record 3: too many fields
        b"t4,caf\xe9,s1\n"  # record 4: not UTF-8
        b"t5,nul\x00byte,s1\n"  # record 5: a NUL byte is kept
        b"t6," + big.encode() + b",s1\n"  # record 6: a 1 MB field loads
        b"t7,ok,s1\n"  # record 7
        b't8,"unterminated,s1\n'  # record 8: unterminated quote at the end
    )
    write(landing / "teams" / "t.csv", content)
    result = load_landing(con, landing)["teams"]
    assert result.rows_loaded == 4
    assert result.rows_rejected == 4
    good = con.execute(
        "select team_id, _source_row, length(name) from raw.teams order by _source_row"
    ).fetchall()
    assert [(g[0], g[1]) for g in good] == [("t1", 1), ("t5", 5), ("t6", 6), ("t7", 7)]
    assert good[2][2] == 1_000_000
    rejects = rows(con, "select * from raw._landing_rejects order by source_row")
    assert [(r["source_file"], r["source_row"]) for r in rejects] == [
        ("teams/t.csv", 2),
        ("teams/t.csv", 3),
        ("teams/t.csv", 4),
        ("teams/t.csv", 8),
    ]
    assert rejects[0]["raw_record"] == "t2,short"
    assert "MISSING COLUMNS" in str(rejects[0]["reason"])
    assert "TOO MANY COLUMNS" in str(rejects[1]["reason"])
    assert "INVALID ENCODING" in str(rejects[2]["reason"])
    assert "unterminated" in str(rejects[3]["reason"]).lower()
    assert all(r["entity"] == "teams" and r["file_id"] == 1 for r in rejects)
    [m] = manifest(con)
    assert (m["status"], m["rows_loaded"], m["rows_rejected"]) == ("loaded", 4, 4)
    assert "raw._landing_rejects" in str(m["message"])


def test_malformed_jsonl_lines_go_to_rejects(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    content = (
        b'{"team_id": "t1", "name": "A"}\n'
        b'{"team_id": "t2", "name": \n'
        b'["not", "an", "object"]\n'
        b'{"team_id": "t4", "name": "caf\xe9"}\n'
        b'{"team_id": "t5", "Team_ID": "dup"}\n'
        b'{"team_id": "t6", "name": "F"}'
    )
    write(landing / "teams" / "t.jsonl", content)
    result = load_landing(con, landing)["teams"]
    assert (result.rows_loaded, result.rows_rejected) == (2, 4)
    assert con.execute("select team_id, _source_row from raw.teams order by 2").fetchall() == [
        ("t1", 1),
        ("t6", 6),
    ]
    rejects = con.execute(
        "select source_row, reason from raw._landing_rejects order by source_row"
    ).fetchall()
    assert [r[0] for r in rejects] == [2, 3, 4, 5]
    assert rejects[0][1].startswith("INVALID JSON")
    assert rejects[1][1].startswith("NOT AN OBJECT")
    assert rejects[2][1].startswith("INVALID ENCODING")
    assert rejects[3][1].startswith("DUPLICATE KEY")


def test_jsonl_repeated_keys_and_lone_surrogates_go_to_rejects(
    con: duckdb.DuckDBPyConnection, landing: Path
) -> None:
    """A key named twice with the same spelling (Python's JSON would keep the last value
    silently), also inside a nested object, and a lone surrogate escape (text cut inside an
    emoji: not a character, not UTF-8) reject their line; a surrogate pair is one character."""
    content = (
        b'{"team_id": "t1", "name": "first", "name": "second"}\n'
        b'{"team_id": "t2", "name": "cut \\ud83d"}\n'
        b'{"team_id": "t3", "name": "smile \\ud83d\\ude00"}\n'
        b'{"team_id": "t4", "meta": {"k": 1, "k": 2}}\n'
        b'{"team_id": "t5", "name": "low \\uDE00 alone"}\n'
    )
    write(landing / "teams" / "t.jsonl", content)
    result = load_landing(con, landing)["teams"]
    assert (result.rows_loaded, result.rows_rejected) == (1, 4)
    assert con.execute("select team_id, name from raw.teams").fetchall() == [
        ("t3", "smile \U0001f600")
    ]
    rejects = con.execute(
        "select source_row, reason, raw_record from raw._landing_rejects order by source_row"
    ).fetchall()
    assert [(r[0], r[1].split(":")[0]) for r in rejects] == [
        (1, "DUPLICATE KEY"),
        (2, "INVALID UNICODE"),
        (4, "DUPLICATE KEY"),
        (5, "INVALID UNICODE"),
    ]
    assert rejects[0][1] == "DUPLICATE KEY: name (an object names it twice)"
    assert rejects[1][1].startswith("INVALID UNICODE: name holds a lone surrogate escape")
    assert "\\ud83d" in rejects[1][2]  # the line as delivered


def test_gzipped_jsonl_loads_and_a_damaged_one_is_rejected(
    con: duckdb.DuckDBPyConnection, landing: Path
) -> None:
    lines = b"".join(b'{"team_id": "t%d", "name": "n"}\n' % i for i in range(1, 2001))
    write(landing / "teams" / "a.jsonl.gz", gzip.compress(lines))
    damaged = gzip.compress(lines.replace(b"t", b"u"))
    write(landing / "teams" / "b.jsonl.gz", damaged[: len(damaged) // 2])
    result = load_landing(con, landing)["teams"]
    assert (result.files_loaded, result.rows_loaded) == (["teams/a.jsonl.gz"], 2000)
    assert [f for f, _ in result.files_rejected] == ["teams/b.jsonl.gz"]
    assert "not a readable gzip file" in result.files_rejected[0][1]
    assert con.execute("select count(*) from raw.teams where team_id like 'u%'").fetchone() == (0,)


def test_unsupported_files_of_an_entity_are_listed_on_every_run(
    con: duckdb.DuckDBPyConnection, landing: Path
) -> None:
    """A `.tsv` or `.json` delivery is never loaded: each run lists it (the ingest step's
    `landing_files_accepted` warning), so that a green run does not hide a skipped delivery; a
    loose file or a misspelt entity folder is listed apart (the ingest step logs a warning)."""
    write(landing / "teams" / "a.csv", "team_id,name\nt1,A\n")
    write(landing / "teams" / "b.tsv", "team_id\tname\nt2\tB\n")
    write(landing / "teams" / "2024" / "c.json", "[]")
    write(landing / "teams" / ".c.json.swp", "x")
    write(landing / "loose.csv", "team_id,name\nt3,C\n")
    write(landing / "team" / "d.csv", "team_id,name\nt4,D\n")
    for _ in range(2):
        results = load_landing(con, landing)
        result = results["teams"]
        assert [f for f, _ in result.files_ignored] == ["teams/2024/c.json", "teams/b.tsv"]
        assert "unsupported suffix" in result.files_ignored[0][1]
        outside = [(f.path, f.reason) for f in results.ignored_outside_entities]
        assert [path for path, _ in outside] == ["loose.csv", "team/"]
        assert "entity folder" in outside[0][1] and "not an entity" in outside[1][1]
    assert load_landing(con, landing)["tickets"].files_ignored == []


@pytest.mark.parametrize("suffix", [".csv", ".csv.gz"])
def test_csv_numbers_skip_blank_lines_also_around_rejects(
    con: duckdb.DuckDBPyConnection, landing: Path, suffix: str
) -> None:
    """Blank lines are not records: rejected records and the good rows after them keep their
    data record numbers (DuckDB alone counts the blank lines in a reject's number), and a blank
    line inside a quoted field is part of its value, not a blank line."""
    content = (
        "team_id,name,schedule_id\r\n"
        "t1,a,s\r\n"  # record 1
        "\r\n"
        't2,"two\r\n\r\nparagraphs",s\r\n'  # record 2, a quoted blank line
        "\r\n\r\n"
        "t3,too,many,fields\r\n"  # record 3, rejected after two blank lines
        "t4,b,s\r\n"  # record 4
        "\r\n"
        "t5,short\r\n"  # record 5, rejected
        "t6,c,s\r\n"  # record 6
    )
    data = content.encode()
    write(landing / "teams" / f"t{suffix}", gzip.compress(data) if suffix.endswith("gz") else data)
    result = load_landing(con, landing)["teams"]
    assert (result.rows_loaded, result.rows_rejected) == (4, 2)
    assert result.files_with_warnings == result.files_with_notes == []
    good = con.execute("select team_id, _source_row from raw.teams order by 2").fetchall()
    assert good == [("t1", 1), ("t2", 2), ("t4", 4), ("t6", 6)]
    rejects = con.execute(
        "select source_row, raw_record from raw._landing_rejects order by 1"
    ).fetchall()
    assert rejects == [(3, "t3,too,many,fields"), (5, "t5,short")]


def test_csv_records_match_a_python_csv_reading(
    con: duckdb.DuckDBPyConnection, landing: Path
) -> None:
    """Seeded random files of good and broken records, blank lines and quoted line breaks, with
    \\n, \\r\\n or \\r line ends, one kind per file or mixed: each good row loads with the
    values and each reject with the number of its record in Python's csv reading of the file
    (blank lines not counted), and no record is lost."""
    pieces = [
        "g,x", 'g,"q"', "", "", 'g,"a\n\nb"', 'g,"a\r\nb"', 'g,"\r"', "b,z,extra", "b",
        'g,"x""y"', " ", 'b,"a"b', 'g,"\n"',
    ]  # fmt: skip
    line_ends = [["\n"], ["\r\n"], ["\r"], ["\n", "\r\n"], ["\r\n", "\r"], ["\n", "\r\n", "\r"]]
    ensure_raw_tables(con)
    for seed in range(90):
        rnd = random.Random(seed)
        ends = line_ends[seed % len(line_ends)]
        records = ["macro_id,title", f"g,file {seed}"]
        records += [rnd.choice(pieces) for _ in range(rnd.randint(0, 12))]
        body = "".join(r + rnd.choice(ends) for r in records[:-1]) + records[-1]
        path = write(landing / "macros" / f"m{seed}.csv", body + rnd.choice(["", ends[0]]))
        before = con.execute("select count(*) from raw._landing_rejects").fetchone()[0]
        result = load_landing(con, landing)["macros"]
        with path.open(newline="") as handle:
            read = [r for r in csv.reader(handle) if r][1:]
        expected_good = [(n, r[1]) for n, r in enumerate(read, 1) if r[0] == "g" and len(r) == 2]
        expected_bad = [n for n, r in enumerate(read, 1) if not (r[0] == "g" and len(r) == 2)]
        file_id = con.execute("select max(file_id) from raw._landing_files").fetchone()[0]
        good = con.execute(
            "select _source_row, coalesce(title, '') from raw.macros where _file_id = ? order by 1",
            [file_id],
        ).fetchall()
        bad = con.execute(
            "select source_row from raw._landing_rejects where file_id = ? order by 1", [file_id]
        ).fetchall()
        assert result.files_loaded == [f"macros/m{seed}.csv"], body
        assert (good, [b[0] for b in bad]) == (expected_good, expected_bad), body
        assert (
            result.rows_rejected == len(bad)
            and before + len(bad)
            == con.execute("select count(*) from raw._landing_rejects").fetchone()[0]
        )


def test_csv_with_mixed_line_ends_loads_with_a_note(
    con: duckdb.DuckDBPyConnection, landing: Path
) -> None:
    """DuckDB reads one kind of line end per file and refuses a file at the first other one; the
    loader then reads a copy with every line end as \\n, as Python's csv reader would, and says
    so in the manifest and the file's notes. Line breaks inside quoted fields are values: kept,
    and not line ends, so an Excel export (\\r\\n line ends, \\n in its cells) loads as it is,
    without a note, also when a record of it is rejected."""
    write(landing / "teams" / "a_excel.csv", 'team_id,name\r\nt1,"two\nlines"\r\nt2,b\r\n')
    write(landing / "teams" / "b_joined.csv", "team_id,name\nt3,c\nt4,d\r\nt5,e\n")
    write(
        landing / "teams" / "c_header.csv.gz",
        gzip.compress(b'team_id,name\r\nt6,"x\r\ny"\nt7,f'),
    )
    write(landing / "teams" / "d_stray.csv", "team_id,name\nt8,g\rh\n\nt9,i\r")
    write(
        landing / "teams" / "e_excel_reject.csv",
        'team_id,name\r\nt10,"a\nb"\r\nt11,x,extra\r\nt12,"c\r\nd"\r\n',
    )
    result = load_landing(con, landing)["teams"]
    assert result.files_rejected == []
    assert (result.rows_loaded, result.rows_rejected) == (11, 2)
    assert con.execute(
        "select _source_file, _source_row, team_id, name from raw.teams order by all"
    ).fetchall() == [
        ("teams/a_excel.csv", 1, "t1", "two\nlines"),
        ("teams/a_excel.csv", 2, "t2", "b"),
        ("teams/b_joined.csv", 1, "t3", "c"),
        ("teams/b_joined.csv", 2, "t4", "d"),
        ("teams/b_joined.csv", 3, "t5", "e"),
        ("teams/c_header.csv.gz", 1, "t6", "x\r\ny"),  # a value, kept
        ("teams/c_header.csv.gz", 2, "t7", "f"),
        ("teams/d_stray.csv", 1, "t8", "g"),
        ("teams/d_stray.csv", 3, "t9", "i"),
        ("teams/e_excel_reject.csv", 1, "t10", "a\nb"),
        ("teams/e_excel_reject.csv", 3, "t12", "c\r\nd"),
    ]
    # A lone \\r ends a line, as in Python's csv reading: the rest of that line is a record of
    # its own, rejected with its text, not lost.
    assert con.execute(
        "select source_file, source_row, raw_record from raw._landing_rejects"
    ).fetchall() == [("teams/d_stray.csv", 2, "h"), ("teams/e_excel_reject.csv", 2, "t11,x,extra")]
    notes = dict(result.files_with_notes)
    assert notes == {
        "teams/b_joined.csv": "teams/b_joined.csv: mixed line ends (1 \\r\\n, 3 \\n), read "
        "with every line end as \\n",
        "teams/c_header.csv.gz": "teams/c_header.csv.gz: mixed line ends (1 \\r\\n, 1 \\n), "
        "read with every line end as \\n",
        "teams/d_stray.csv": "teams/d_stray.csv: mixed line ends (3 \\n, 2 lone \\r), read "
        "with every line end as \\n",
    }
    messages = dict(con.execute("select source_file, message from raw._landing_files").fetchall())
    assert messages["teams/a_excel.csv"] is None
    assert messages["teams/b_joined.csv"] == notes["teams/b_joined.csv"]
    assert "see raw._landing_rejects" in messages["teams/d_stray.csv"]
    listed = load_result_metadata(result)["files_read_with_notes"]
    assert isinstance(listed, dg.MetadataValue)
    assert listed.value.count("- teams/") == 3 and "d_stray.csv: mixed" in listed.value


def test_a_csv_refused_for_another_reason_keeps_its_first_error(
    con: duckdb.DuckDBPyConnection, landing: Path
) -> None:
    """Unifying line ends is tried only on the error mixed line ends cause, and a copy that
    fails too leaves the file rejected with DuckDB's first error."""
    damaged = gzip.compress(b"team_id,name\r\n" + b"t1,a\r\n" * 5000 + b"t2,b\n")
    write(landing / "teams" / "cut.csv.gz", damaged[: len(damaged) // 2])
    result = load_landing(con, landing)["teams"]
    assert result.files_loaded == [] and result.rows_loaded == 0
    [(name, message)] = result.files_rejected
    assert name == "teams/cut.csv.gz" and "could not be read" in message
    assert "line ends" not in message
    assert con.execute("select count(*) from raw.teams").fetchone() == (0,)


@pytest.mark.parametrize("chunk_bytes", [1, 2, 3, 7, 1 << 20])
def test_line_ends_unified_across_read_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk_bytes: int
) -> None:
    """A \\r\\n split between two reads is one line end, a \\r at the very end is one too, and
    a quoted field split between reads stays a value."""
    monkeypatch.setattr(readers, "LINE_END_CHUNK_BYTES", chunk_bytes)
    path = write(tmp_path / "m.csv", b"a,b\r\n1,x\n2,\r\r\n3,y\r")
    with readers.line_ends_unified(path, "csv") as unified:
        assert unified is not None
        copy, ends = unified
        assert copy.read_bytes() == b"a,b\n1,x\n2,\n\n3,y\n"
    assert (ends.crlf, ends.lf, ends.cr) == (2, 1, 2)
    assert not copy.exists()
    quoted = write(tmp_path / "q.csv", b'a,b\r\n1,"x\r\n""y\r"\n2,z\r')
    with readers.line_ends_unified(quoted, "csv") as unified:
        assert unified is not None
        copy, ends = unified
        assert copy.read_bytes() == b'a,b\n1,"x\r\n""y\r"\n2,z\n'  # quoted breaks are values
    assert (ends.crlf, ends.lf, ends.cr) == (1, 1, 1)
    plain = write(tmp_path / "p.csv", b'a,b\r\n1,"x\ny"\r\n')
    with readers.line_ends_unified(plain, "csv") as unified:
        assert unified is None


def test_mixed_line_ends_load_as_duckdb_reads_them_if_the_copy_fails(
    con: duckdb.DuckDBPyConnection, landing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No room for the unified copy: the file still loads as DuckDB reads it, its rejected
    records kept with their reasons (never dropped), rather than being refused for good."""

    @contextlib.contextmanager
    def no_room(path: Path, file_format: str) -> Iterator[None]:
        raise OSError(28, "No space left on device")
        yield

    monkeypatch.setattr(loader, "line_ends_unified", no_room)
    write(landing / "teams" / "h.csv", 'team_id,name\r\nt1,"x\r\ny"\nt2,f\r\nt3,g\r\n')
    result = load_landing(con, landing)["teams"]
    assert result.files_loaded == ["teams/h.csv"]
    assert con.execute("select team_id from raw.teams").fetchall() == [("t3",)]
    [(row, record)] = con.execute(
        "select source_row, raw_record from raw._landing_rejects"
    ).fetchall()
    assert (row, record) == (1, 't1,"x\r\ny"\nt2,f')


def test_a_stream_failing_midway_raises_its_own_error(con: duckdb.DuckDBPyConnection) -> None:
    """A reader that fails after its first batch (as DuckDB's CSV scan does at a line end of
    another kind deep in a file) aborts the transaction; its own error is what the caller sees,
    not DuckDB's refusal to unregister the stream in the aborted transaction."""
    ensure_raw_tables(con)
    schema = pa.schema([("team_id", pa.string()), ("_source_row", pa.int64())])

    def batches() -> Iterator[pa.RecordBatch]:
        yield pa.RecordBatch.from_pylist([{"team_id": "t1", "_source_row": 1}], schema=schema)
        raise OSError("the scan failed at record 2")

    sink = readers.RawSink(con, ENTITIES["teams"], "teams/t.csv", 1, dt.datetime(2026, 1, 1))
    con.execute("begin transaction")
    with pytest.raises(duckdb.Error, match="the scan failed at record 2"):
        sink.insert_batches(pa.RecordBatchReader.from_batches(schema, batches()))
    con.execute("rollback")
    assert con.execute("select count(*) from raw.teams").fetchone() == (0,)


def test_blank_line_recount_keeps_duckdb_numbers_when_it_disagrees(tmp_path: Path) -> None:
    """Should Python's csv reading and DuckDB's ever split a file differently, the rejects keep
    DuckDB's numbers and the file gets a note instead of a guess."""
    path = write(tmp_path / "m.csv", "macro_id,title\ng,x\n\ng,y\n")
    on_blank = [RejectedRow(2, "MISSING COLUMNS", "x")]
    assert _renumber_past_blank_lines(path, "csv", on_blank, 1, "m.csv") == (
        on_blank,
        ["m.csv: rejected records' row numbers count blank lines (a rejected record falls on a "
         "blank line)"],
    )  # fmt: skip
    counted = [RejectedRow(3, "MISSING COLUMNS", "x")]
    kept, warnings = _renumber_past_blank_lines(path, "csv", counted, 2, "m.csv")
    assert kept == counted and "2 records counted against 3" in warnings[0]
    assert _renumber_past_blank_lines(path, "csv", counted, 1, "m.csv") == (
        [RejectedRow(2, "MISSING COLUMNS", "x")],
        [],
    )


def test_source_row_is_true_record_order(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    n = 300_000
    bad = {1_000, 150_000, 299_999}
    lines = ["team_id,name,schedule_id"]
    for i in range(1, n + 1):
        if i in bad:
            lines.append(f"t{i},broken")
        elif i == 500:
            lines.append(f't{i},"multi\nline",s')
        else:
            lines.append(f"t{i},n,s")
    write(landing / "teams" / "big.csv", "\n".join(lines) + "\n")
    result = load_landing(con, landing)["teams"]
    assert (result.rows_loaded, result.rows_rejected) == (n - len(bad), len(bad))
    mismatches = con.execute(
        "select count(*) from raw.teams where team_id <> 't' || _source_row"
    ).fetchone()
    assert mismatches == (0,)
    rejected = con.execute("select source_row from raw._landing_rejects order by 1").fetchall()
    assert [r[0] for r in rejected] == sorted(bad)


# --- idempotency and re-delivery -------------------------------------------------------------


def snapshot(con: duckdb.DuckDBPyConnection) -> tuple[object, ...]:
    return (
        con.execute("select * from raw.tickets order by _file_id, _source_row").fetchall(),
        con.execute("select * from raw._landing_files order by file_id").fetchall(),
        con.execute("select * from raw._landing_rejects order by file_id, source_row").fetchall(),
    )


def test_reingest_changes_nothing(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    write(landing / "tickets" / "a.csv", TICKET_HEADER + "\nt1,2024-01-01,c1,email,open\nbad\n")
    write(landing / "tickets" / "b.csv", "ticket_id\nt2\n")  # rejected: missing columns
    first = load_landing(con, landing)["tickets"]
    assert first.files_loaded == ["tickets/a.csv"] and len(first.files_rejected) == 1
    before = snapshot(con)
    second = load_landing(con, landing)["tickets"]
    assert second.rows_loaded == 0
    assert second.files_loaded == [] and second.files_rejected == []  # rejected file not retried
    assert second.files_unchanged == 2
    assert second.rows_total == 1
    assert snapshot(con) == before  # not even _loaded_at moves


def test_new_file_loads_incrementally_in_path_order(
    con: duckdb.DuckDBPyConnection, landing: Path
) -> None:
    write(landing / "tickets" / "b.csv", TICKET_HEADER + "\nt2,2024-01-02,c1,email,open\n")
    write(landing / "tickets" / "a.csv", TICKET_HEADER + "\nt1,2024-01-01,c1,email,open\n")
    load_landing(con, landing)
    write(landing / "tickets" / "c.csv", TICKET_HEADER + "\nt3,2024-01-03,c1,email,open\n")
    result = load_landing(con, landing)["tickets"]
    assert (result.files_loaded, result.files_unchanged, result.rows_total) == (
        ["tickets/c.csv"],
        2,
        3,
    )
    got = con.execute("select _source_file, _file_id from raw.tickets order by _file_id").fetchall()
    assert got == [("tickets/a.csv", 1), ("tickets/b.csv", 2), ("tickets/c.csv", 3)]


def test_renamed_duplicate_is_skipped(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    content = TICKET_HEADER + "\nt1,2024-01-01,c1,email,open\n"
    write(landing / "tickets" / "export.csv", content)
    load_landing(con, landing)
    write(landing / "tickets" / "export (copy).csv", content)
    result = load_landing(con, landing)["tickets"]
    assert (result.files_loaded, result.rows_total) == ([], 1)
    assert result.files_skipped == ["tickets/export (copy).csv"]
    last = manifest(con)[-1]
    assert last["status"] == "skipped_duplicate"
    assert last["source_file"] == "tickets/export (copy).csv"
    assert "tickets/export.csv" in str(last["message"])
    assert load_landing(con, landing)["tickets"].files_skipped == []  # recorded once


def test_copy_of_an_older_state_loads_when_its_records_changed_since(
    con: duckdb.DuckDBPyConnection, landing: Path
) -> None:
    """A full list that returns to an earlier state byte for byte (an agent back from leave) is
    loaded again, so that the record loaded last (this one) wins; a copy of the newest state, or
    of a file none of whose records came again, is still skipped (loading it changes nothing)."""
    present = "agent_id,name,left_at\na1,Ann,\na2,Bo,\n"
    left = "agent_id,name,left_at\na1,Ann,2026-06-29T09:00:00Z\na2,Bo,\n"
    write(landing / "agents" / "1.csv", present)
    write(landing / "agents" / "2.csv", left)
    write(landing / "agents" / "3.csv", present)
    write(landing / "teams" / "1.csv", "team_id,name\nt1,A\n")
    write(landing / "teams" / "2.csv", "team_id,name\nt2,B\n")
    write(landing / "teams" / "3.csv", "team_id,name\nt1,A\n")
    results = load_landing(con, landing)
    assert results["agents"].files_loaded == ["agents/1.csv", "agents/2.csv", "agents/3.csv"]
    assert (results["teams"].files_loaded, results["teams"].files_skipped) == (
        ["teams/1.csv", "teams/2.csv"],
        ["teams/3.csv"],
    )
    note = {row["source_file"]: row["message"] for row in manifest(con)}["agents/3.csv"]
    assert "same content as agents/1.csv" in str(note) and "2 of its agent_ids" in str(note)
    last = con.execute(
        "select left_at from raw.agents where agent_id = 'a1' order by _file_id desc limit 1"
    ).fetchone()
    assert last == (None,)
    write(landing / "agents" / "4.csv", present)  # a copy of the newest state: nothing to win
    result = load_landing(con, landing)["agents"]
    assert (result.files_loaded, result.files_skipped) == ([], ["agents/4.csv"])
    message = str(manifest(con)[-1]["message"])
    assert "same content as agents/3.csv" in message and "not loaded again" in message


def test_changed_file_at_same_path_is_rejected(
    con: duckdb.DuckDBPyConnection, landing: Path
) -> None:
    path = write(landing / "tickets" / "a.csv", TICKET_HEADER + "\nt1,2024-01-01,c1,email,open\n")
    load_landing(con, landing)
    before = con.execute("select * from raw.tickets").fetchall()
    write(path, TICKET_HEADER + "\nt1,2024-01-01,c1,email,solved\n")
    result = load_landing(con, landing)["tickets"]
    [(source_file, message)] = result.files_rejected
    assert source_file == "tickets/a.csv"
    assert "changed" in message and "tickets/a.csv" in message
    assert con.execute("select * from raw.tickets").fetchall() == before
    third = load_landing(con, landing)["tickets"]
    assert third.files_rejected == [] and third.files_unchanged == 1
    assert [m["status"] for m in manifest(con)] == ["loaded", "rejected"]


# --- file signatures: a known file is not read again --------------------------------------


HOUR_AGO = 3600


def age(path: Path, seconds: int = HOUR_AGO) -> Path:
    """Set the file's modification time `seconds` in the past (out of the racy window)."""
    stamp = time.time() - seconds
    os.utime(path, (stamp, stamp))
    return path


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The source files the loader hashes (content_hash calls), in order."""
    calls: list[str] = []
    real = loader.content_hash

    def counting(path: Path) -> str:
        calls.append(path.name)
        return real(path)

    monkeypatch.setattr(loader, "content_hash", counting)
    return calls


def test_file_signature_is_size_mtime_and_inode_unless_racy(tmp_path: Path) -> None:
    path = age(write(tmp_path / "a.csv", "abc"))
    stat = path.stat()
    assert file_signature(stat, time.time()) == f"3:{stat.st_mtime_ns}:{stat.st_ino}"
    # Modified less than RACY_SECONDS before the look: it may change again in the same tick.
    assert file_signature(stat, stat.st_mtime_ns / 1e9 + RACY_SECONDS - 0.1) is None
    assert file_signature(stat, stat.st_mtime_ns / 1e9 + RACY_SECONDS + 0.1) is not None


def test_known_file_is_not_hashed_again(
    con: duckdb.DuckDBPyConnection, landing: Path, hashed: list[str]
) -> None:
    age(write(landing / "tickets" / "a.csv", TICKET_HEADER + "\nt1,2024-01-01,c1,email,open\n"))
    age(write(landing / "tickets" / "b.csv", "ticket_id\nt2\n"))  # rejected: missing columns
    load_landing(con, landing)
    assert hashed == ["a.csv", "b.csv"]
    assert all(m["file_signature"] for m in manifest(con))
    second = load_landing(con, landing)["tickets"]
    assert second.files_unchanged == 2 and second.files_rejected == []
    assert hashed == ["a.csv", "b.csv"]  # neither file read again


def test_file_rewritten_with_the_same_size_is_hashed_and_rejected(
    con: duckdb.DuckDBPyConnection, landing: Path, hashed: list[str]
) -> None:
    path = age(write(landing / "tickets" / "a.csv", TICKET_HEADER + "\nt1,2024-01-01,c1,x,a\n"))
    load_landing(con, landing)
    age(write(path, TICKET_HEADER + "\nt1,2024-01-01,c1,x,b\n"), seconds=60)  # same size
    result = load_landing(con, landing)["tickets"]
    assert hashed == ["a.csv", "a.csv"]
    assert [f for f, _ in result.files_rejected] == ["tickets/a.csv"]
    assert load_landing(con, landing)["tickets"].files_rejected == []  # recorded once
    assert hashed == ["a.csv", "a.csv"]


def test_file_replaced_with_its_old_mtime_is_hashed_and_rejected(
    con: duckdb.DuckDBPyConnection, landing: Path, tmp_path: Path, hashed: list[str]
) -> None:
    """rsync -t and `cp -p` + rename keep size and mtime; the inode still changes."""
    path = age(write(landing / "tickets" / "a.csv", TICKET_HEADER + "\nt1,2024-01-01,c1,x,a\n"))
    load_landing(con, landing)
    stat = path.stat()
    other = write(tmp_path / "incoming.csv", TICKET_HEADER + "\nt1,2024-01-01,c1,x,b\n")
    os.utime(other, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    other.replace(path)
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    result = load_landing(con, landing)["tickets"]
    assert hashed == ["a.csv", "a.csv"]
    assert [f for f, _ in result.files_rejected] == ["tickets/a.csv"]


def test_racy_or_touched_file_is_hashed_until_its_signature_is_kept(
    con: duckdb.DuckDBPyConnection, landing: Path, hashed: list[str]
) -> None:
    path = write(landing / "tickets" / "a.csv", TICKET_HEADER + "\nt1,2024-01-01,c1,x,a\n")
    load_landing(con, landing)  # written just now: no signature kept
    assert manifest(con)[0]["file_signature"] is None
    age(path)  # like `touch`, or a manifest from before signatures: hashed once more
    assert load_landing(con, landing)["tickets"].files_unchanged == 1
    assert hashed == ["a.csv", "a.csv"]
    [row] = manifest(con)  # the same row, now with the signature
    assert row["file_signature"] == file_signature(path.stat(), time.time())
    load_landing(con, landing)
    assert hashed == ["a.csv", "a.csv"]


def test_rejected_file_is_retried_when_its_content_changes(
    con: duckdb.DuckDBPyConnection, landing: Path
) -> None:
    path = write(landing / "tickets" / "a.csv", "ticket_id\nt1\n")
    assert load_landing(con, landing)["tickets"].files_rejected
    write(path, TICKET_HEADER + "\nt1,2024-01-01,c1,email,open\n")
    result = load_landing(con, landing)["tickets"]
    assert (result.files_loaded, result.rows_total) == (["tickets/a.csv"], 1)
    assert con.execute("select _file_id from raw.tickets").fetchall() == [(2,)]


# --- tables, errors, API ---------------------------------------------------------------------


def test_entity_without_files_still_has_its_table(
    con: duckdb.DuckDBPyConnection, landing: Path
) -> None:
    write(landing / "teams" / "t.csv", "team_id\nt1\n")
    result = load_landing(con, landing)
    assert result["calls"].rows_total == 0
    for name, entity in ENTITIES.items():
        columns = [
            r[0] for r in con.execute(f"select column_name from (describe raw.{name})").fetchall()
        ]
        assert columns == [*entity.columns, *METADATA_COLUMNS], name


def test_ensure_raw_tables_is_idempotent(con: duckdb.DuckDBPyConnection) -> None:
    ensure_raw_tables(con)
    ensure_raw_tables(con)
    tables = {
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw'"
        ).fetchall()
    }
    assert tables == {*ENTITIES, "_landing_files", "_landing_rejects", "_load_runs"}


def test_every_load_is_a_load_run_even_without_new_files(
    con: duckdb.DuckDBPyConnection, landing: Path
) -> None:
    write(landing / "tickets" / "a.csv", TICKET_HEADER + "\nt1,2024-01-01,c1,email,open\n")
    assert load_landing(con, landing)["tickets"].load_run_id == 1
    assert load_landing(con, landing)["tickets"].load_run_id == 2  # nothing new: still a run
    write(landing / "tickets" / "b.csv", TICKET_HEADER + "\nt2,2024-01-02,c1,email,open\n")
    assert load_landing(con, landing, ["tickets"])["tickets"].load_run_id == 3
    assert latest_load_run(con) == 3
    runs = con.execute("select load_run_id, entities from raw._load_runs order by 1").fetchall()
    assert [r[0] for r in runs] == [1, 2, 3] and runs[2][1] == "tickets"
    assert [(m["source_file"], m["load_run_id"]) for m in manifest(con)] == [
        ("tickets/a.csv", 1),
        ("tickets/b.csv", 3),
    ]


def test_load_run_ids_continue_after_a_warehouse_without_the_run_table(
    con: duckdb.DuckDBPyConnection, landing: Path
) -> None:
    write(landing / "tickets" / "a.csv", TICKET_HEADER + "\nt1,2024-01-01,c1,email,open\n")
    load_landing(con, landing)
    load_landing(con, landing)
    con.execute("drop table raw._load_runs")  # as a warehouse loaded before the table existed
    assert latest_load_run(con) is None
    assert load_landing(con, landing)["tickets"].load_run_id == 2  # after the manifest's 1


def test_empty_landing_folder_is_an_error(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    (landing / "tickets").mkdir()
    with pytest.raises(EmptyLandingError, match=str(landing)):
        load_landing(con, landing)


def test_entity_selection_and_progress(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    write(landing / "teams" / "t.csv", "team_id\nt1\n")
    write(landing / "macros" / "m.csv", "macro_id\nm1\n")
    seen: list[FileOutcome] = []
    result = load_landing(con, landing, entities=["teams"], progress=seen.append)
    assert list(result) == ["teams"]
    assert [(o.source_file, o.status, o.rows_loaded) for o in seen] == [
        ("teams/t.csv", "loaded", 1)
    ]
    assert con.execute("select count(*) from raw.macros").fetchone() == (0,)
    with pytest.raises(ValueError, match="nope"):
        load_landing(con, landing, entities=["nope"])


def test_preserve_insertion_order_is_restored(
    con: duckdb.DuckDBPyConnection, landing: Path
) -> None:
    write(landing / "teams" / "t.csv", "team_id\nt1\n")
    con.execute("set preserve_insertion_order = false")
    load_landing(con, landing)
    assert con.execute("select current_setting('preserve_insertion_order')").fetchone() == (False,)


def test_documented_examples_load_clean(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    examples = Path(__file__).resolve().parents[1] / "docs" / "examples"
    assert sorted(p.stem for p in examples.glob("*.csv")) == sorted(ENTITIES)
    for path in examples.glob("*.csv"):
        write(landing / path.stem / path.name, path.read_bytes())
    result = load_landing(con, landing)
    for name, entity in ENTITIES.items():
        got = result[name]
        assert len(got.files_loaded) == 1 and got.rows_rejected == 0, name
        assert 3 <= got.rows_total <= 5, name
        columns = {
            r[0] for r in con.execute(f"select column_name from (describe raw.{name})").fetchall()
        }
        assert columns == {*entity.columns, *METADATA_COLUMNS}, name  # no extra column
