"""The business-hours engine (macros/business_hours.sql) against an independent zoneinfo oracle.

dbt builds the seeds and the business-hours models into a throw-away DuckDB, from a copy of the
project that holds only the files the engine needs (so work in progress elsewhere cannot break
it). Random spans and deadlines are then computed in SQL (the macros compiled with
`dbt compile --inline`, both the DuckDB ASOF implementation and the portable fallback) and in pure
Python, and must agree to the minute (abs diff < 1e-6 minutes) and to the microsecond.

The oracle iterates LOCAL days, intersects the span with each open interval converted to UTC by
zoneinfo, and skips holidays. Boundaries inside a repeated (fall-back) hour are resolved
differently by DuckDB (second instant) and zoneinfo (first), so no test schedule has one.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
DBT = str(Path(sys.executable).with_name("dbt"))
UTC = dt.UTC
AS_OF = "2026-06-30 00:00:00"  # calendar runs to as_of + 3 years = 2029-06-30

# Extra schedules for the oracle only: a night shift across local midnight in a DST zone, a
# half-hour-offset zone with a split shift on Saturday, and a zone whose DST shift is 30 minutes.
EXTRA_HOURS = [
    *[("oracle_ny_night", "America/New_York", d, "22:00", "24:00") for d in range(1, 8)],
    *[("oracle_ny_night", "America/New_York", d, "00:00", "06:00") for d in range(1, 8)],
    *[("oracle_kolkata", "Asia/Kolkata", d, "09:30", "18:00") for d in range(1, 6)],
    ("oracle_kolkata", "Asia/Kolkata", 6, "10:00", "12:30"),
    ("oracle_kolkata", "Asia/Kolkata", 6, "13:15", "16:45"),
    *[("oracle_lord_howe", "Australia/Lord_Howe", d, "00:00", "24:00") for d in range(1, 6)],
]
EXTRA_HOLIDAYS = [
    ("oracle_ny_night", "2024-11-28", "Thanksgiving Day"),
    ("oracle_ny_night", "2025-03-09", "DST start day off"),
    ("oracle_kolkata", "2025-01-26", "Republic Day"),
    ("oracle_kolkata", "2025-08-15", "Independence Day"),
    ("oracle_lord_howe", "2025-04-07", "Made-up day off"),
]


@dataclass
class Schedule:
    timezone: ZoneInfo
    hours: dict[int, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    holidays: set[dt.date] = field(default_factory=set)


def _minutes(hhmm: str) -> int:
    return int(hhmm[:2]) * 60 + int(hhmm[3:])


def load_schedules(seeds: Path) -> dict[str, Schedule]:
    schedules: dict[str, Schedule] = {}
    with (seeds / "business_hours.csv").open() as f:
        for row in csv.DictReader(f):
            sched = schedules.setdefault(row["schedule_id"], Schedule(ZoneInfo(row["timezone"])))
            sched.hours[int(row["day_of_week"])].append(
                (_minutes(row["open_time"]), _minutes(row["close_time"]))
            )
    with (seeds / "holidays.csv").open() as f:
        for row in csv.DictReader(f):
            if row["schedule_id"] in schedules:
                schedules[row["schedule_id"]].holidays.add(
                    dt.date.fromisoformat(row["holiday_date"])
                )
    for sched in schedules.values():
        for intervals in sched.hours.values():
            intervals.sort()
    return schedules


def _local_to_utc(day: dt.date, minutes: int, tz: ZoneInfo) -> dt.datetime:
    local = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes)
    return local.replace(tzinfo=tz).astimezone(UTC).replace(tzinfo=None)


def windows_from(sched: Schedule, start: dt.datetime):
    """Business windows (naive UTC) of the schedule, in order, from the local day before start."""
    day = start.replace(tzinfo=UTC).astimezone(sched.timezone).date() - dt.timedelta(days=1)
    while True:
        if day not in sched.holidays:
            for open_min, close_min in sched.hours.get(day.isoweekday(), []):
                yield (
                    _local_to_utc(day, open_min, sched.timezone),
                    _local_to_utc(day, close_min, sched.timezone),
                )
        day += dt.timedelta(days=1)


def oracle_business_minutes(sched: Schedule, start: dt.datetime, end: dt.datetime) -> float:
    total = dt.timedelta()
    for opens, closes in windows_from(sched, start):
        if opens >= end:
            break
        overlap = min(closes, end) - max(opens, start)
        if overlap > dt.timedelta():
            total += overlap
    return total / dt.timedelta(minutes=1)


def oracle_deadline(sched: Schedule, start: dt.datetime, target: dt.timedelta) -> dt.datetime:
    if target == dt.timedelta():
        return start
    remaining = target
    for opens, closes in windows_from(sched, start):
        begin = max(opens, start)
        available = closes - begin
        if available <= dt.timedelta():
            continue
        if available >= remaining:  # ends exactly at a window end -> that end
            return begin + remaining
        remaining -= available
    raise AssertionError("unreachable")


def _dbt(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [DBT, *args, "--profiles-dir", str(project), "--project-dir", str(project)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def make_project(root: Path) -> Path:
    """A copy of the project with only what the business-hours engine needs."""
    project = root / "project"
    (project / "models" / "intermediate").mkdir(parents=True)
    (project / "data-tests").mkdir()
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(REPO / name, project / name)
    shutil.copytree(REPO / "macros", project / "macros")
    shutil.copytree(REPO / "seeds", project / "seeds")
    shutil.copytree(
        REPO / "models" / "intermediate" / "business_hours",
        project / "models" / "intermediate" / "business_hours",
    )
    for pattern in ("assert_*business*.sql", "assert_*schedule*.sql"):
        for test in (REPO / "data-tests").glob(pattern):
            shutil.copy(test, project / "data-tests" / test.name)
    return project


def _append_csv(path: Path, rows: list[tuple[object, ...]]) -> None:
    with path.open("a", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def _env(warehouse: Path) -> dict[str, str]:
    return {
        **os.environ,
        "WAREHOUSE_PATH": str(warehouse),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("business_hours")
    project = make_project(root)
    _append_csv(project / "seeds" / "business_hours.csv", EXTRA_HOURS)
    _append_csv(project / "seeds" / "holidays.csv", EXTRA_HOLIDAYS)
    warehouse = root / "warehouse.duckdb"
    env = _env(warehouse)
    result = _dbt(project, env, "build", "--vars", f"{{as_of: '{AS_OF}'}}")
    assert result.returncode == 0, result.stdout[-4000:]
    return project, warehouse, env


def random_spans(schedule_ids: list[str], n: int, seed: int) -> list[tuple]:
    rng = random.Random(seed)
    lo = dt.datetime(2023, 1, 1)
    spans = []
    for i in range(n):
        start = lo + dt.timedelta(seconds=rng.randrange(3 * 365 * 86400))
        if i % 5 == 0:  # on a round hour, often a window boundary
            start = start.replace(minute=0, second=0)
        elif i % 7 == 0:
            start += dt.timedelta(microseconds=rng.randrange(1_000_000))
        length = dt.timedelta(seconds=round(60 * 10 ** rng.uniform(0, 6.2)))  # 1 min .. 3 years
        length = min(length, dt.timedelta(days=3 * 365))
        if i % 11 == 0:  # zero targets and targets of exactly one window
            target = dt.timedelta(seconds=rng.choice([0, 60, 3600, 28800]))
        else:  # 1 minute .. about 7 months of business time, sometimes fractional
            target = dt.timedelta(seconds=round(60 * 10 ** rng.uniform(0, 5.5), i % 3))
        spans.append((i, schedule_ids[i % len(schedule_ids)], start, start + length, target))
    return spans


def _compile(project: Path, env: dict[str, str], sql: str) -> str:
    result = _dbt(project, env, "compile", "--quiet", "--inline", sql)
    assert result.returncode == 0, result.stdout[-4000:]
    return result.stdout


CLOCK_SQL = """
with spans as (select * from main.oracle_spans),
start_clock as ({{ CLOCK('spans', 'schedule_id', 'start_at', 'start_clock_seconds' EXTRA) }}),
end_clock as ({{ CLOCK('start_clock', 'schedule_id', 'end_at', 'end_clock_seconds' EXTRA) }}),
deadlines as ({{ DEADLINE('end_clock', 'schedule_id', 'start_at', 'target_seconds',
    'deadline_at' EXTRA) }})
select span_id, (end_clock_seconds - start_clock_seconds) / 60.0 as business_minutes, deadline_at
from deadlines
"""

IMPLEMENTATIONS = {
    "dispatched": ("business_clock", "business_deadline", ""),
    "portable_fallback": (
        "support_warehouse.default__business_clock",
        "support_warehouse.default__business_deadline",
        ", ref('int_business_windows_expanded')",
    ),
}


@pytest.mark.parametrize("implementation", sorted(IMPLEMENTATIONS))
def test_business_minutes_and_deadlines_match_oracle(
    built: tuple[Path, Path, dict[str, str]], implementation: str
) -> None:
    project, warehouse, env = built
    schedules = load_schedules(project / "seeds")
    assert set(schedules) >= {"default", "amer", "emea", "apac", "premium_24x7"}
    spans = random_spans(sorted(schedules), 400, seed=20240611)

    con = duckdb.connect(str(warehouse))
    try:
        con.execute(
            "create or replace table main.oracle_spans (span_id integer, schedule_id varchar,"
            " start_at timestamp, end_at timestamp, target_seconds double)"
        )
        con.executemany(
            "insert into main.oracle_spans values (?, ?, ?, ?, ?)",
            [(i, s, a, b, t.total_seconds()) for i, s, a, b, t in spans],
        )
    finally:
        con.close()

    clock, deadline, extra = IMPLEMENTATIONS[implementation]
    sql = CLOCK_SQL.replace("CLOCK", clock).replace("DEADLINE", deadline).replace("EXTRA", extra)
    compiled = _compile(project, env, sql)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = {r[0]: r[1:] for r in con.execute(compiled).fetchall()}
    finally:
        con.close()

    assert len(rows) == len(spans)
    mismatches = []
    for span_id, schedule_id, start, end, target in spans:
        sched = schedules[schedule_id]
        minutes, deadline_at = rows[span_id]
        expected_minutes = oracle_business_minutes(sched, start, end)
        expected_deadline = oracle_deadline(sched, start, target)
        if minutes is None or abs(minutes - expected_minutes) >= 1e-6:
            mismatches.append((span_id, schedule_id, start, end, minutes, expected_minutes))
        if deadline_at is None or abs(deadline_at - expected_deadline) > dt.timedelta(
            microseconds=1
        ):
            mismatches.append((span_id, schedule_id, start, target, deadline_at, expected_deadline))
    assert not mismatches, mismatches[:10]
    # The sample really covers long spans (no 52-week cap) and every schedule.
    assert max(end - start for _, _, start, end, _ in spans) > dt.timedelta(days=2 * 365)


def test_oracle_hand_checks() -> None:
    """The oracle itself on two hand-computed cases (so a shared mistake cannot hide)."""
    sched = Schedule(ZoneInfo("America/New_York"))
    sched.hours[5] = [(480, 720), (780, 1080)]
    sched.hours[1] = [(480, 720), (780, 1080)]
    # Fri 2024-03-08 12:00 EST -> Mon 2024-03-11 10:00 EDT: 300 + 120 minutes.
    assert oracle_business_minutes(
        sched, dt.datetime(2024, 3, 8, 17), dt.datetime(2024, 3, 11, 14)
    ) == pytest.approx(420)
    # 60 minutes from Mon 11:00 EDT end exactly at 12:00 EDT (16:00 UTC), not 13:00.
    assert oracle_deadline(
        sched, dt.datetime(2024, 3, 11, 15), dt.timedelta(minutes=60)
    ) == dt.datetime(2024, 3, 11, 16)


def test_bad_schedules_fail_blocking_checks_naming_them(tmp_path: Path) -> None:
    """An unknown time zone or a schedule without open hours fails an error-level test whose log
    names the schedule; the stored failing rows carry schedule_id and the bad time zone; and the
    business windows are not built (never silent zeros)."""
    project = make_project(tmp_path)
    _append_csv(
        project / "seeds" / "business_hours.csv",
        [
            ("broken_tz", "America/New_Yrok", 1, "09:00", "17:00"),
            ("no_hours", "UTC", 1, "09:00", "09:00"),
        ],
    )
    _append_csv(project / "seeds" / "holidays.csv", [("ghost", "2025-01-01", "Unknown")])
    env = _env(tmp_path / "warehouse.duckdb")
    result = _dbt(project, env, "build", "--store-failures")
    output = result.stdout
    assert result.returncode != 0
    assert "schedule broken_tz has an unknown time zone: 'America/New_Yrok'" in output
    assert "schedule no_hours has no open hours" in output
    assert "unknown schedule_id 'ghost'" in output  # warning only
    assert "FAIL 1 valid_timezone_name_business_hours_timezone__schedule_id" in output
    assert "FAIL 1 schedule_has_open_hours_business_hours_schedule_id" in output
    assert "WARN 1 known_schedule_id_holidays_schedule_id" in output
    assert "SKIP relation intermediate.int_business_windows_expanded" in output

    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    try:
        failing = con.execute(
            "select schedule_id, timezone from dbt_test__audit."
            "valid_timezone_name_business_hours_timezone__schedule_id"
        ).fetchall()
    finally:
        con.close()
    assert failing == [("broken_tz", "America/New_Yrok")]


def _build_with_schedule_rows(tmp_path: Path, rows: list[tuple[object, ...]]) -> str:
    """`dbt build` of a copy of the project with `rows` added to business_hours.csv; asserts that
    it failed and returns its output."""
    project = make_project(tmp_path)
    _append_csv(project / "seeds" / "business_hours.csv", rows)
    result = _dbt(project, _env(tmp_path / "warehouse.duckdb"), "build")
    assert result.returncode != 0, result.stdout[-4000:]
    return result.stdout


def test_more_clock_windows_per_day_than_duckdb_reads_fails_naming_the_schedule(
    tmp_path: Path,
) -> None:
    """The DuckDB business clock reads at most 6 windows per schedule and UTC day: a schedule of
    seven one-hour shifts on Mondays fails the blocking test on the windows model, naming it."""
    output = _build_with_schedule_rows(
        tmp_path,
        [("seven_shifts", "UTC", 1, f"{h:02d}:00", f"{h:02d}:30") for h in range(8, 22, 2)],
    )
    # 7 on the first Monday of the spine, 8 on later ones (with the last shift of the week before).
    assert re.search(
        r"schedule seven_shifts has [78] business windows that can hold an instant of UTC day",
        output,
    ), output[-4000:]
    assert "FAIL" in output and "business_clock_days_within_limit" in output


def test_more_deadline_windows_per_clock_hour_than_duckdb_reads_fails_naming_the_schedule(
    tmp_path: Path,
) -> None:
    """The DuckDB business deadline reads at most 6 windows per schedule and hour of business
    clock: a schedule of five 5-minute windows a day (within the clock's limit per UTC day, but
    about 12 windows per hour of business clock) fails the blocking test on the windows model,
    naming it."""
    output = _build_with_schedule_rows(
        tmp_path,
        [
            ("tiny_shifts", "UTC", day, f"{h:02d}:00", f"{h:02d}:05")
            for day in range(1, 8)
            for h in range(9, 14)
        ],
    )
    assert re.search(
        r"schedule tiny_shifts has 1[1-3] business windows in hour \d+ of its business clock",
        output,
    ), output[-4000:]
    assert "FAIL" in output and "business_deadline_hours_within_limit" in output
    assert "business_clock_days_within_limit FAILED" not in output
