"""Incremental nights across a daylight-saving change, reporting in a time zone other than UTC,
build the same warehouse as a full refresh.

The other incremental tests report in UTC, where a day is always 24 hours and a period's
boundaries are the stored instants'. Here the reporting time zone is America/New_York, and so is
the landing default zone: the help desk's tickets and events carry their offset (as the demo
writes them), while the chats and calls come as naive New York wall-clock times (as a chat or
phone tool exporting local time would send them), so both ways of reading a landing time take
part. The demo data ends on 2026-11-01, the day New York's clocks go back (06:00 UTC); the
history before 2026-10-31, then the day before, then the day, then a night with no new file later
on 2026-11-02 (open tickets' clocks move, no data comes) are refreshed night after night, and the
warehouse must equal a full refresh of the same data as of the last night. Days, weeks and months
are New York's: the rollups refreshed by period must find the periods a night touches in that
zone, on both sides of the change.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pipeline_helpers import (
    build_warehouse,
    history_and_two_days,
    query,
    scalar,
    warehouse_differences,
)

from orchestration.demo.deliveries import as_naive_local_times

pytestmark = pytest.mark.slow

DAY = dt.date(2026, 11, 1)
CLOCKS_GO_BACK = "2026-11-01 06:00:00"
"""02:00 EDT becomes 01:00 EST: 06:00 UTC."""
ZONE = "America/New_York"
TIMEZONES = (ZONE, ZONE)
"""The reporting time zone and the landing default one."""
NAIVE_ENTITIES = ("chat_conversations", "chat_messages", "calls")
"""Delivered as naive New York wall-clock times (every `*_at` column)."""


@dataclass(frozen=True)
class Deliveries:
    folders: dict[str, Path]
    """history, day_before, day (chats and calls as naive New York times) and nothing (a night
    without a new file): landing folders by name."""
    as_generated: Path
    """The chats and calls of the three deliveries as generated, with their offsets:
    `<as_generated>/<delivery>/<entity>/`."""


@pytest.fixture(scope="module")
def deliveries(tmp_path_factory: pytest.TempPathFactory) -> Deliveries:
    root = tmp_path_factory.mktemp("tz-deliveries")
    folders = history_and_two_days(root, 800, 5, DAY, 200)
    for name, delivery in folders.items():
        for entity in NAIVE_ENTITIES:
            shutil.copytree(delivery / entity, root / "as_generated" / name / entity)
            for csv_file in (delivery / entity).glob("*.csv"):
                as_naive_local_times(csv_file, ZONE)
    (root / "nothing").mkdir()
    return Deliveries(folders | {"nothing": root / "nothing"}, root / "as_generated")


@pytest.fixture(scope="module")
def warehouses(
    deliveries: Deliveries,
    tmp_path_factory: pytest.TempPathFactory,
    dbt_manifest: Path,
) -> Iterator[dict[str, Path]]:
    folders = deliveries.folders
    nights = [
        (folders["history"], f"{DAY - dt.timedelta(days=1)} 00:00:00"),
        (folders["day_before"], f"{DAY} 00:00:00"),
        (folders["day"], f"{DAY + dt.timedelta(days=1)} 00:00:00"),
        (folders["nothing"], f"{DAY + dt.timedelta(days=1)} 18:00:00"),
    ]
    built: dict[str, Path] = {}
    for name in ("incremental", "full"):
        root = tmp_path_factory.mktemp(f"tz-{name}")
        build_warehouse(root, nights, incremental=name == "incremental", timezones=TIMEZONES)
        built[name] = root / "warehouse.duckdb"
    yield built


def test_the_day_spans_the_change_of_the_clocks(deliveries: Deliveries) -> None:
    """The day's delivery has ticket events of the day before and after 06:00 UTC (a Sunday:
    few)."""
    events = f"read_csv('{deliveries.folders['day']}/ticket_events/*.csv', all_varchar = true)"
    before, after = (
        scalar(
            f"select count(*) from {events}"
            f" where cast(created_at as timestamptz) {op} '{CLOCKS_GO_BACK}+00'"
            f" and cast(created_at as timestamptz) >= '{DAY} 00:00:00+00'"
        )
        for op in ("<", ">=")
    )
    assert before > 0 and after > 0


def test_the_naive_deliveries_carry_no_offset(deliveries: Deliveries) -> None:
    """The rewrite took effect: the day's chat messages are naive, and some were sent on each
    side of the change of the clocks (late ones in daylight time, the day's in standard time)."""
    messages = f"read_csv('{deliveries.folders['day']}/chat_messages/*.csv', all_varchar = true)"
    assert scalar(f"select count(*) from {messages} where sent_at like '%Z'") == 0
    as_sent = f"read_csv('{deliveries.as_generated}/day/chat_messages/*.csv', all_varchar = true)"
    for side in ("<", ">="):
        sent = f"cast(sent_at as timestamptz) {side} '{CLOCKS_GO_BACK}+00'"
        assert scalar(f"select count(*) from {as_sent} where {sent}") > 0


def test_naive_times_are_read_in_the_landing_zone(
    deliveries: Deliveries, warehouses: dict[str, Path]
) -> None:
    """Every chat, chat message and call is staged at the instant it was generated with (its
    latest delivery's), read back from naive New York time: the same instant, except in the hour
    the clocks repeat, whose first pass (05:00-06:00 UTC, daylight time) is read as its second
    (standard time), an hour later."""
    checks = {
        "chat_conversations": ("conversation_id", "started_at"),
        "chat_messages": ("message_id", "sent_at"),
        "calls": ("call_id", "queued_at"),
    }
    for entity, (key, column) in checks.items():
        delivered = " union all ".join(
            f"select {order} as delivery_order, {key}, {column}"
            f" from read_csv('{deliveries.as_generated}/{name}/{entity}/*.csv',"
            " all_varchar = true)"
            for order, name in enumerate(("history", "day_before", "day"))
        )
        # A record's latest delivery is the one to compare with: each is delivered once per
        # delivery at most, so that latest one is unambiguous.
        twice = (
            f"select {key} from ({delivered}) group by delivery_order, {key} having count(*) > 1"
        )
        assert scalar(f"select count(*) from ({twice})") == 0, entity
        ((rows, matched),) = query(
            warehouses["incremental"],
            f"""
            with delivered as (
                select
                    {key},
                    timezone('UTC', cast({column} as timestamptz)) as delivered_at
                from ({delivered})
                qualify row_number() over (partition by {key} order by delivery_order desc) = 1
            ),

            expected as (
                select
                    {key},
                    case
                        when delivered_at >= '{CLOCKS_GO_BACK}'::timestamp - interval 1 hour
                            and delivered_at < '{CLOCKS_GO_BACK}'::timestamp
                            then delivered_at + interval 1 hour
                        else delivered_at
                    end as expected_at
                from delivered
            )

            select count(*), count(*) filter (where staged.{column} = expected.expected_at)
            from expected
            inner join staging.stg_landing__{entity} as staged using ({key})
            """,
        )
        assert rows > 0, entity
        assert matched == rows, entity


def test_reporting_dates_are_new_york_dates(warehouses: dict[str, Path]) -> None:
    """The setting took effect: a contact started before 04:00 or 05:00 UTC counts on New York's
    day before."""
    ((contacts, on_another_date),) = query(
        warehouses["incremental"],
        "select count(*), count(*) filter (where started_date != cast(started_at as date))"
        " from marts.fct_contacts",
    )
    assert 0 < on_another_date < contacts


def test_incremental_nights_across_the_change_equal_a_full_refresh(
    warehouses: dict[str, Path],
) -> None:
    differences = warehouse_differences(warehouses["incremental"], warehouses["full"])
    assert not differences, differences
