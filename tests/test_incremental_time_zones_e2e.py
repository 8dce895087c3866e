"""Incremental nights across a daylight-saving change, reporting in a time zone other than UTC,
build the same warehouse as a full refresh.

The other incremental tests report in UTC, where a day is always 24 hours and a period's
boundaries are the stored instants'. Here the reporting time zone is America/New_York (the demo
data carries every time with its offset, so the landing default zone plays no part). The demo
data ends on 2026-11-01, the day New York's clocks go back (06:00 UTC); the history before
2026-10-31, then the day before, then the day, then a night with no new file later on 2026-11-02
(open tickets' clocks move, no data comes) are refreshed night after night, and the warehouse
must equal a full refresh of the same data as of the last night. Days, weeks and months are New
York's: the rollups refreshed by period must find the periods a night touches in that zone, on
both sides of the change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from pipeline_helpers import (
    build_warehouse,
    history_and_two_days,
    query,
    scalar,
    warehouse_differences,
)

pytestmark = pytest.mark.slow

DAY = dt.date(2026, 11, 1)
CLOCKS_GO_BACK = "2026-11-01 06:00:00"
"""02:00 EDT becomes 01:00 EST: 06:00 UTC."""
TIMEZONES = ("America/New_York", "UTC")
"""The reporting time zone and the landing default one."""


@pytest.fixture(scope="module")
def deliveries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("tz-deliveries")
    deliveries = history_and_two_days(root, 800, 5, DAY, 200)
    (root / "nothing").mkdir()
    return deliveries | {"nothing": root / "nothing"}


@pytest.fixture(scope="module")
def warehouses(
    deliveries: dict[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
    dbt_manifest: Path,
) -> Iterator[dict[str, Path]]:
    nights = [
        (deliveries["history"], f"{DAY - dt.timedelta(days=1)} 00:00:00"),
        (deliveries["day_before"], f"{DAY} 00:00:00"),
        (deliveries["day"], f"{DAY + dt.timedelta(days=1)} 00:00:00"),
        (deliveries["nothing"], f"{DAY + dt.timedelta(days=1)} 18:00:00"),
    ]
    built: dict[str, Path] = {}
    for name in ("incremental", "full"):
        root = tmp_path_factory.mktemp(f"tz-{name}")
        build_warehouse(root, nights, incremental=name == "incremental", timezones=TIMEZONES)
        built[name] = root / "warehouse.duckdb"
    yield built


def test_the_day_spans_the_change_of_the_clocks(deliveries: dict[str, Path]) -> None:
    """The day's delivery has ticket events of the day before and after 06:00 UTC (a Sunday:
    few)."""
    events = f"read_csv('{deliveries['day']}/ticket_events/*.csv', all_varchar = true)"
    before, after = (
        scalar(
            f"select count(*) from {events}"
            f" where cast(created_at as timestamptz) {op} '{CLOCKS_GO_BACK}+00'"
            f" and cast(created_at as timestamptz) >= '{DAY} 00:00:00+00'"
        )
        for op in ("<", ">=")
    )
    assert before > 0 and after > 0


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
