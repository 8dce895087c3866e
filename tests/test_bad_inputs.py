"""Bad landing inputs: each kind says which file, which line and what is wrong, the good rows of the
same file still load, and every raw row is staged or quarantined (reconciliation).

One landing folder holds every case (one file each); it is loaded once and validated with the raw
GX suites (which judge the rows of that load run), loaded a second time for the renamed file, and
staged once with `dbt build --select staging` (quarantine limit lifted, so the reconciliation tests
decide).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from orchestration.ingest.loader import load_landing

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT = REPO_ROOT / ".venv" / "bin" / "dbt"
TICKET_HEADER = ["ticket_id", "created_at", "updated_at", "customer_id", "channel", "status"]

pytestmark = pytest.mark.slow


def ticket(ticket_id: str, **changes: str) -> list[str]:
    row = {
        "ticket_id": ticket_id,
        "created_at": "2026-06-01T10:00:00Z",
        "updated_at": "2026-06-02T10:00:00Z",
        "customer_id": "c-1",
        "channel": "email",
        "status": "open",
        **changes,
    }
    return [row[c] for c in TICKET_HEADER]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def good_tickets(prefix: str) -> list[list[str]]:
    return [ticket(f"{prefix}-good-1"), ticket(f"{prefix}-good-2")]


def build_landing(landing: Path) -> None:
    t = landing / "tickets"
    t.mkdir(parents=True)
    (t / "01_empty.csv").write_bytes(b"")
    write_csv(t / "02_header_only.csv", TICKET_HEADER, [])
    (t / "03_semicolons.csv").write_text(
        ";".join(TICKET_HEADER) + "\n" + ";".join(ticket("semi-1")) + "\n"
    )
    write_csv(t / "04_missing_status.csv", TICKET_HEADER[:-1], [ticket("miss-1")[:-1]])
    write_csv(
        t / "05_extra_column.csv",
        [*TICKET_HEADER, "loyalty_tier"],
        [[*r, "gold"] for r in good_tickets("extra")],
    )
    write_csv(
        t / "06_bad_dates.csv",
        TICKET_HEADER,
        [*good_tickets("dates"), ticket("dates-bad", created_at="yesterday")],
    )
    write_csv(
        t / "07_future.csv",
        TICKET_HEADER,
        [*good_tickets("future"), ticket("future-bad", created_at="2099-01-01T00:00:00Z")],
    )
    write_csv(
        t / "10_conflict.csv",
        TICKET_HEADER,
        [*good_tickets("conflict"), ticket("conflict-x"), ticket("conflict-x", status="solved")],
    )
    write_csv(
        t / "13_unknown_channel.csv",
        TICKET_HEADER,
        [*good_tickets("channel"), ticket("channel-bad", channel="pigeon")],
    )
    lines = [",".join(TICKET_HEADER), *(",".join(r) for r in good_tickets("utf8"))]
    body = ("\n".join(lines) + "\n").encode()
    bad = ",".join(ticket("utf8-bad", customer_id="c-\udcff")).encode("utf-8", "surrogateescape")
    (t / "14_not_utf8.csv").write_bytes(body + bad + b"\n")
    trunc = "\n".join(lines).replace("utf8", "trunc") + "\n" + '"trunc-bad,2026-06-01T1'
    (t / "15_truncated.csv").write_text(trunc)
    write_csv(
        t / "16_large_field.csv",
        [*TICKET_HEADER, "subject"],
        [[*r, "x" * 2_000_000] for r in good_tickets("large")],
    )
    nul = (
        "\n".join(lines).replace("utf8", "nul")
        + "\n"
        + ",".join(ticket("nul-bad", status="op\x00en"))
    )
    (t / "17_nul_bytes.csv").write_text(nul + "\n")
    (t / "20_copy_of_05.csv").write_bytes((t / "05_extra_column.csv").read_bytes())
    (t / "21_renamed.csv").write_text(
        "\n".join(lines).replace("utf8", "renamed") + "\n", encoding="utf-8"
    )
    pq.write_table(
        pa.table(
            {
                "ticket_id": ["pq-good-1", "pq-bad"],
                "created_at": pa.array([None, 1_780_000_000], type=pa.int64()),
                "customer_id": ["c-1", "c-1"],
                "channel": ["email", "email"],
                "status": ["open", "open"],
            }
        ),
        t / "22_wrong_type.parquet",
    )
    write_csv(
        t / "23_zone_name.csv",
        TICKET_HEADER,
        [*good_tickets("zone"), ticket("zone-bad", created_at="2026-06-01 10:00:00 Europe/Berlin")],
    )
    (t / "24_tab_separated.tsv").write_text("\t".join(TICKET_HEADER) + "\n")
    mixed = [  # (record, line end): two exports joined, a blank line, a stray \r at the end
        (",".join(TICKET_HEADER), "\r\n"),
        (",".join(ticket("mixed-good-1")), "\n"),
        ("", "\r\n"),
        (",".join(ticket("mixed-bad", created_at="yesterday")), "\r\n"),
        ("mixed-short,2026-06-01T10:00:00Z", "\n"),
        (",".join(ticket("mixed-good-2")), "\r"),
    ]
    (t / "25_mixed_line_ends.csv").write_bytes("".join(r + e for r, e in mixed).encode())
    calls = [
        ["call_id", "queued_at", "ended_at", "direction", "hold_seconds"],
        ["call-good-1", "2026-06-01T10:00:00Z", "2026-06-01T10:05:00Z", "inbound", "10"],
        ["call-end-bad", "2026-06-01T10:00:00Z", "2026-06-01T09:00:00Z", "inbound", "10"],
        ["call-neg-bad", "2026-06-01T10:00:00Z", "2026-06-01T10:05:00Z", "inbound", "-5"],
        ["call-nan-bad", "2026-06-01T10:00:00Z", "2026-06-01T10:05:00Z", "inbound", "NaN"],
    ]
    write_csv(landing / "calls" / "08_09_calls.csv", calls[0], calls[1:])
    surveys = [
        ["response_id", "survey_type", "score", "responded_at"],
        ["s-good-1", "nps", "9", "2026-06-02T10:00:00Z"],
        ["s-nps-bad", "nps", "11", "2026-06-02T10:00:00Z"],
        ["s-csat-bad", "csat", "0", "2026-06-02T10:00:00Z"],
    ]
    write_csv(landing / "survey_responses" / "11_12_scores.csv", surveys[0], surveys[1:])
    events = [
        ["event_id", "ticket_id", "created_at", "event_type", "actor_role"],
        ["e-good-1", "dates-good-1", "2026-06-01T11:00:00Z", "comment", "agent"],
        ["e-orphan", "no-such-ticket", "2026-06-01T11:00:00Z", "comment", "agent"],
        ["e-early", "dates-good-1", "2026-05-01T11:00:00Z", "comment", "agent"],
    ]
    write_csv(landing / "ticket_events" / "18_19_events.csv", events[0], events[1:])


def run_dbt_staging(root: Path, warehouse: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WAREHOUSE_PATH": str(warehouse), "LANDING_DEFAULT_TIMEZONE": "UTC"}
    return subprocess.run(
        [
            str(DBT),
            "build",
            "--select",
            "staging",
            "resource_type:seed",
            "--indirect-selection",
            "cautious",
            "--vars",
            json.dumps({"quarantine_max_pct": 100}),
            "--profiles-dir",
            str(REPO_ROOT),
            "--project-dir",
            str(REPO_ROOT),
            "--target-path",
            str(root / "target"),
            "--log-path",
            str(root / "logs"),
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("bad_inputs")
    landing, warehouse = root / "landing", root / "warehouse.duckdb"
    build_landing(landing)
    with duckdb.connect(str(warehouse)) as con:
        first = load_landing(con, landing)
    from orchestration.quality.gx_runner import run_suites
    from orchestration.quality.suites import load_suites

    raw = {o.suite.name: o for o in run_suites(warehouse, load_suites("raw"))}
    # Renamed and delivered again: the old name disappears, the same bytes come back.
    renamed = landing / "tickets" / "21_renamed.csv"
    renamed.rename(landing / "tickets" / "21_renamed_again.csv")
    with duckdb.connect(str(warehouse)) as con:
        second = load_landing(con, landing, ["tickets"])
    dbt = run_dbt_staging(root, warehouse)
    return {
        "root": root,
        "warehouse": warehouse,
        "dbt": dbt,
        "first": first,
        "second": second,
        "raw": raw,
    }


def q(loaded: dict[str, Any], sql: str, *params: object) -> list[tuple]:
    with duckdb.connect(str(loaded["warehouse"]), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def manifest(loaded: dict[str, Any], file: str) -> tuple[str, str | None]:
    rows = q(loaded, "select status, message from raw._landing_files where source_file = ?", file)
    assert rows, f"{file} is not in the manifest"
    return rows[-1]


def staged_ids(loaded: dict[str, Any], entity: str, file: str) -> set[str]:
    key = {"tickets": "ticket_id", "calls": "call_id", "survey_responses": "response_id"}.get(
        entity, "event_id"
    )
    rows = q(
        loaded, f"select {key} from staging.stg_landing__{entity} where _source_file = ?", file
    )
    return {r[0] for r in rows}


def quarantined(loaded: dict[str, Any], entity: str, file: str) -> dict[int, str]:
    rows = q(
        loaded,
        f"select _source_row, quarantine_reason from quarantine.quarantine_landing__{entity} "
        "where _source_file = ?",
        file,
    )
    return {int(r[0]): str(r[1]) for r in rows}


def rejects(loaded: dict[str, Any], file: str) -> dict[int, str]:
    rows = q(
        loaded, "select source_row, reason from raw._landing_rejects where source_file = ?", file
    )
    return {int(r[0]): str(r[1]) for r in rows}


def raw_warning(loaded: dict[str, Any], suite: str, words: str) -> list[Any]:
    outcome = loaded["raw"][suite]
    hits = [f for f in outcome.failed if words in f.description]
    assert hits, f"no failing expectation mentioning {words!r} in {suite}: {outcome.summary()}"
    return hits[0].sample


def test_staging_build_and_reconciliation_pass(loaded: dict[str, Any]) -> None:
    out = loaded["dbt"].stdout
    assert loaded["dbt"].returncode == 0, out[-5000:]
    assert "reconcile_with_raw" in out and "ERROR=0" in out


@pytest.mark.parametrize(
    ("file", "words"),
    [
        ("tickets/01_empty.csv", "empty file"),
        ("tickets/03_semicolons.csv", "comma-separated"),
        ("tickets/04_missing_status.csv", "missing required column(s) status"),
    ],
)
def test_file_rejected_as_a_whole_names_file_and_problem(
    loaded: dict[str, Any], file: str, words: str
) -> None:
    status, message = manifest(loaded, file)
    assert status == "rejected"
    assert file in (message or "") and words in (message or "")


def test_a_file_in_another_format_is_listed_as_ignored(loaded: dict[str, Any]) -> None:
    ignored = loaded["first"]["tickets"].files_ignored
    assert [f for f, _ in ignored] == ["tickets/24_tab_separated.tsv"]
    assert "unsupported suffix" in ignored[0][1]
    assert not q(loaded, "select 1 from raw._landing_files where source_file like '%.tsv'")


def test_header_only_file_loads_no_rows(loaded: dict[str, Any]) -> None:
    status, message = manifest(loaded, "tickets/02_header_only.csv")
    assert status == "loaded"
    assert message == "tickets/02_header_only.csv: no data rows (header only or empty file)"
    assert q(loaded, "select count(*) from raw.tickets where _source_file like '%02_header%'") == [
        (0,)
    ]


def test_parquet_column_of_the_wrong_type_is_a_type_error_naming_file_and_types(
    loaded: dict[str, Any],
) -> None:
    """Loaded as text (lossless), with a type error naming the file, the column, the expected and
    the found type; staging then quarantines the rows (test_bad_value_is_quarantined_...)."""
    file = "tickets/22_wrong_type.parquet"
    status, message = manifest(loaded, file)
    assert status == "loaded"
    assert message == (
        f"{file}: type error in column created_at: expected text or a timestamp (VARCHAR, "
        "TIMESTAMP, TIMESTAMP WITH TIME ZONE, DATE), found BIGINT; loaded as text without loss, "
        "e.g. '1780000000': staging quarantines the values it cannot read"
    )
    assert loaded["first"]["tickets"].files_with_warnings == [(file, message)]
    sql = "select ticket_id, created_at from raw.tickets where _source_file = ? order by 1 desc"
    assert q(loaded, sql, file) == [("pq-good-1", None), ("pq-bad", "1780000000")]


def test_extra_column_is_kept_and_rows_load(loaded: dict[str, Any]) -> None:
    assert staged_ids(loaded, "tickets", "tickets/05_extra_column.csv") == {
        "extra-good-1",
        "extra-good-2",
    }
    assert q(loaded, "select distinct loyalty_tier from raw.tickets where loyalty_tier is not null")


@pytest.mark.parametrize(
    ("entity", "file", "row", "words", "good"),
    [
        ("tickets", "tickets/06_bad_dates.csv", 3, "unparseable created_at 'yesterday'", 2),
        ("tickets", "tickets/13_unknown_channel.csv", 3, "unknown channel 'pigeon'", 2),
        ("tickets", "tickets/22_wrong_type.parquet", 2, "unparseable created_at '1780000000'", 0),
        ("calls", "calls/08_09_calls.csv", 2, "ended_at before queued_at", 1),
        ("calls", "calls/08_09_calls.csv", 3, "negative hold_seconds", 1),
        ("calls", "calls/08_09_calls.csv", 4, "unparseable hold_seconds 'NaN'", 1),
        (
            "tickets",
            "tickets/23_zone_name.csv",
            3,
            "unparseable created_at '2026-06-01 10:00:00 Europe/Berlin'",
            2,
        ),
        ("survey_responses", "survey_responses/11_12_scores.csv", 2, "score 11", 1),
        ("survey_responses", "survey_responses/11_12_scores.csv", 3, "score 0", 1),
    ],
)
def test_bad_value_is_quarantined_with_file_line_and_reason(
    loaded: dict[str, Any], entity: str, file: str, row: int, words: str, good: int
) -> None:
    found = quarantined(loaded, entity, file)
    assert row in found and words in found[row], found
    assert len(staged_ids(loaded, entity, file)) == good


@pytest.mark.parametrize(
    ("file", "row", "words"),
    [
        ("tickets/14_not_utf8.csv", 3, "INVALID ENCODING"),
        ("tickets/15_truncated.csv", 3, "UNTERMINATED QUOTE"),
    ],
)
def test_unsplittable_record_is_rejected_with_its_line(
    loaded: dict[str, Any], file: str, row: int, words: str
) -> None:
    found = rejects(loaded, file)
    assert row in found and words in found[row].upper(), found
    status, message = manifest(loaded, file)
    assert status == "loaded" and file in (message or "") and f"row {row}" in (message or "")
    assert len(staged_ids(loaded, "tickets", file)) == 2


def test_very_large_text_field_loads(loaded: dict[str, Any]) -> None:
    assert staged_ids(loaded, "tickets", "tickets/16_large_field.csv") == {
        "large-good-1",
        "large-good-2",
    }


def test_nul_bytes_are_quarantined_or_rejected_with_their_line(loaded: dict[str, Any]) -> None:
    file = "tickets/17_nul_bytes.csv"
    problems = {**rejects(loaded, file), **quarantined(loaded, "tickets", file)}
    assert 3 in problems, problems
    assert {"nul-good-1", "nul-good-2"} <= staged_ids(loaded, "tickets", file)


def test_same_content_under_another_name_is_skipped(loaded: dict[str, Any]) -> None:
    status, message = manifest(loaded, "tickets/20_copy_of_05.csv")
    assert status == "skipped_duplicate"
    assert "same content as tickets/05_extra_column.csv" in (message or "")


def test_renamed_file_delivered_again_is_not_loaded_twice(loaded: dict[str, Any]) -> None:
    status, message = manifest(loaded, "tickets/21_renamed_again.csv")
    assert status == "skipped_duplicate" and "tickets/21_renamed.csv" in (message or "")
    assert q(loaded, "select count(*) from raw.tickets where ticket_id = 'renamed-good-1'") == [
        (1,)
    ]


def test_future_dates_raise_a_raw_warning(loaded: dict[str, Any]) -> None:
    sample = raw_warning(loaded, "raw_tickets", "in the future")
    assert any(s.get("_source_file") == "tickets/07_future.csv" for s in sample), sample
    assert len(staged_ids(loaded, "tickets", "tickets/07_future.csv")) == 3


def test_events_before_ticket_creation_raise_a_raw_warning(loaded: dict[str, Any]) -> None:
    sample = raw_warning(loaded, "raw_ticket_events", "earlier than its ticket")
    assert [(s["event_id"], s["_source_row"]) for s in sample] == [("e-early", 3)]


def test_events_for_unknown_tickets_stage_and_warn(loaded: dict[str, Any]) -> None:
    assert "e-orphan" in staged_ids(loaded, "ticket_events", "ticket_events/18_19_events.csv")
    out = loaded["dbt"].stdout
    assert "WARN" in out and "relationships_stg_landing__ticket_events_ticket_id" in out


def test_mixed_line_ends_load_with_a_note_and_true_record_numbers(
    loaded: dict[str, Any],
) -> None:
    """A file of \\r\\n, \\n and \\r line ends with a blank line loads (DuckDB alone would
    refuse it): its bad value is quarantined and its short record rejected, each under its
    record number (the blank line not counted), and the manifest says how it was read."""
    file = "tickets/25_mixed_line_ends.csv"
    status, message = manifest(loaded, file)
    assert status == "loaded"
    assert "mixed line ends (3 \\r\\n, 2 \\n, 1 lone \\r), read with every line end as \\n" in (
        message or ""
    )
    assert (file, message.split("; ")[-1]) in loaded["first"]["tickets"].files_with_notes
    assert staged_ids(loaded, "tickets", file) == {"mixed-good-1", "mixed-good-2"}
    assert list(quarantined(loaded, "tickets", file)) == [2]
    assert list(rejects(loaded, file)) == [3]


def test_same_id_twice_with_conflicting_content_is_quarantined(loaded: dict[str, Any]) -> None:
    found = quarantined(loaded, "tickets", "tickets/10_conflict.csv")
    assert {3, 4} <= set(found)
    assert all("conflicting duplicate" in found[row] for row in (3, 4))
