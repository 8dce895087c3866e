"""The pure parts of the incremental-versus-full check (orchestration/incremental_check.py): its
arguments, the nights a scenario plans and their as-of instants. The check itself builds
warehouses for minutes; `make fuzz` runs it."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import duckdb
import pytest

from orchestration.incremental_check import (
    Scenario,
    as_of_instant,
    correction_queries,
    night_shares,
    output_to,
    parser,
    plan,
    scenario_from_args,
)


def scenario(*argv: str) -> Scenario:
    return scenario_from_args(parser().parse_args(list(argv)))


def test_defaults_give_a_history_night_and_three_utc_midnights() -> None:
    the_plan = plan(scenario())
    assert [n.as_of for n in the_plan.nights] == [
        "2026-06-28 00:00:00",
        "2026-06-29 00:00:00",
        "2026-06-30 00:00:00",
        "2026-07-01 00:00:00",
    ]
    assert [n.deliveries for n in the_plan.nights] == [
        ("history",),
        ("day_2026-06-28",),
        ("day_2026-06-29",),
        ("day_2026-06-30",),
    ]
    assert not any(n.full_refresh for n in the_plan.nights)
    # Split newest first, each from what the later split left.
    assert [s[1] for s in the_plan.splits] == [
        dt.date(2026, 6, 30),
        dt.date(2026, 6, 29),
        dt.date(2026, 6, 28),
    ]


def test_each_night_draws_another_late_share_ending_with_the_given_one() -> None:
    assert night_shares(0.5, 3) == [1 / 4, 1 / 3, 1 / 2]
    assert night_shares(0.02, 2) == [1 / 51, 1 / 50]


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected"),
    [
        ("UTC", dt.date(2026, 7, 1), dt.time(0, 0), "2026-07-01 00:00:00"),
        ("Asia/Kolkata", dt.date(2026, 7, 1), dt.time(0, 0), "2026-06-30 18:30:00"),
        ("Asia/Kolkata", dt.date(2026, 7, 1), dt.time(23, 59, 59), "2026-07-01 18:29:59"),
        # Chatham: +13:45 in (southern) summer, +12:45 in winter.
        ("Pacific/Chatham", dt.date(2026, 1, 10), dt.time(0, 0), "2026-01-09 10:15:00"),
        ("Pacific/Chatham", dt.date(2026, 7, 10), dt.time(0, 0), "2026-07-09 11:15:00"),
        ("America/Sao_Paulo", dt.date(2026, 7, 1), dt.time(12, 0), "2026-07-01 15:00:00"),
    ],
)
def test_as_of_is_the_reporting_zones_wall_clock_time_in_utc(
    zone: str, day: dt.date, at: dt.time, expected: str
) -> None:
    assert as_of_instant(day, at, zone) == expected


def test_an_empty_night_hands_its_day_to_the_next_night() -> None:
    the_plan = plan(scenario("--nights", "4", "--empty-night", "2", "--full-refresh-night", "3"))
    nights = the_plan.nights
    assert nights[2].deliveries == ()
    assert "no file" in nights[2].label
    assert nights[3].deliveries == ("day_2026-06-29", "day_2026-06-30")
    assert [n.full_refresh for n in nights] == [False, False, False, True, False]


def test_naive_entities_are_a_comma_separated_list() -> None:
    s = scenario("--naive-entities", "calls, chat_messages", "--landing-timezone", "Asia/Kolkata")
    assert s.naive_entities == ("calls", "chat_messages")


def test_changes_only_nights_lie_after_the_datas_end() -> None:
    s = scenario("--nights", "5", "--changes-only-nights", "2", "--first-day", "2026-11-26")
    assert s.days[-1] == dt.date(2026, 11, 30)
    assert s.data_end == dt.date(2026, 11, 28)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--nights", "2", "--empty-night", "3"), "empty_night must be between 1 and 2"),
        (("--nights", "2", "--changes-only-nights", "2"), "changes_only_nights must be between"),
        (("--late-share", "0.8"), "late_share must be above 0 and at most 0.5"),
        (("--timezone", "Asia/Calcutta_"), "is not a time zone"),
        (("--naive-entities", "calls,chats"), "no such entity chats"),
    ],
)
def test_contradicting_arguments_are_refused_with_a_message(
    argv: tuple[str, ...], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        scenario(*argv)


@pytest.mark.parametrize("argv", [("--as-of-time", "25:00"), ("--first-day", "2026-13-01")])
def test_malformed_arguments_are_usage_errors(
    argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parser().parse_args(list(argv))
    assert exit_info.value.code == 2
    assert "not a" in capsys.readouterr().err


def test_corrections_mirror_scores_and_reopen_closed_tickets() -> None:
    queries = correction_queries(dt.date(2026, 6, 29), modulo=1, remainder=0)  # every row
    with duckdb.connect() as con:
        con.execute(
            "create view history as select * from (values"
            " ('SR1', 'csat', '2'), ('SR2', 'nps', '9'), ('SR3', 'ces', '7'),"
            " ('SR4', 'csat', null))"
            " as t(response_id, survey_type, score)"
        )
        assert sorted(con.execute(queries["survey_responses"]).fetchall()) == [
            ("SR1", "csat", "4"),
            ("SR2", "nps", "1"),
            ("SR3", "ces", "1"),
        ]
        con.execute(
            "create view history_tickets as select * from (values"
            " ('TK0000017', 'CU1', 'closed'), ('TK0000018', 'CU2', 'open'))"
            " as t(ticket_id, customer_id, status)"
        )
        events = queries["ticket_events"]
        rows = con.execute(
            "select event_id, ticket_id, created_at, actor_id, from_value, to_value"
            f" from ({events})"
        ).fetchall()
    assert rows == [("EV900000017", "TK0000017", "2026-06-29T10:00:00Z", "CU1", "solved", "open")]


def test_the_runs_output_goes_to_the_log_and_the_terminal_gets_it_back(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "nights.log"
    with output_to(log) as terminal:
        print("from python", flush=True)
        subprocess.run(["echo", "from dbt"], check=True)
        terminal.write("progress\n")
    print("after")
    assert log.read_text() == "from python\nfrom dbt\n"
    captured = capfd.readouterr()
    assert captured.out == "after\n"
    assert captured.err == "progress\n"
