"""An incremental night equals a full refresh on real public support data that nobody here wrote.

The four public data sets beside the repository (../shared/datasets, never copied into it) are
converted into landing files, and each data set is split at its own cutoff day (its rows' 80th
percentile in time) by the same split the demo's incremental test uses
(`orchestration.demo.deliveries.split_landing`): the history before the day, and a delivery with
everything from the day on plus late GitHub close events and Olist reviews, GitHub issues first
delivered open and delivered again closed, and tweets first delivered under another thread.
Warehouse A loads the history, builds, loads the second delivery and refreshes incrementally;
warehouse B loads both and builds with `full_refresh: true`. Every table dbt builds must hold the
same rows in both, apart from load metadata.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from pipeline_helpers import AS_OF, build_warehouse, scalar, warehouse_differences

from orchestration.demo.deliveries import DAY_FILE, HISTORY_FILE, RULES, split_landing
from orchestration.public_data.convert import convert_all, datasets_dir

pytestmark = pytest.mark.slow

DATASETS = datasets_dir()
LATE_SHARE = 0.02
CUTOFF_QUANTILE = 0.8

if not DATASETS.is_dir():
    pytest.skip(
        f"public data sets not found at {DATASETS} (they live beside the repository, never "
        "in it; PUBLIC_DATASETS_DIR points elsewhere)",
        allow_module_level=True,
    )


def cutoff_day(files: list[tuple[str, Path]]) -> str:
    """The day at the data set's 80th percentile in time, over its rows that a split rule
    dates ((entity, file) pairs)."""
    dated = [
        f"select try_cast({RULES[entity].time_column} as timestamptz) as dated_at"
        f" from read_csv('{path}', all_varchar = true, header = true)"
        for entity, path in files
        if RULES[entity].time_column
    ]
    with duckdb.connect() as con:
        con.execute("set timezone = 'UTC'")
        row = con.execute(
            f"select cast(quantile_disc(dated_at, {CUTOFF_QUANTILE}) as date)"
            f" from ({' union all '.join(dated)}) where dated_at is not null"
        ).fetchone()
    assert row and row[0], files
    return str(row[0])


def split_by_data_set(converted: Path, root: Path) -> dict[str, Any]:
    """The history and the second delivery of every data set, in two landing folders; a data
    set's files are named after it, its history sorting before its second delivery."""
    by_set: dict[str, list[tuple[str, Path]]] = {}
    for path in sorted(converted.glob("*/*.csv")):
        by_set.setdefault(path.stem, []).append((path.parent.name, path))
    deliveries: dict[str, Any] = {"history": root / "history", "day": root / "day", "cutoffs": {}}
    for name, files in by_set.items():
        source = root / "by_set" / name
        for entity, path in files:
            (source / entity).mkdir(parents=True)
            shutil.copy(path, source / entity / path.name)
        day = cutoff_day(files)
        deliveries["cutoffs"][name] = day
        split = root / "split" / name
        split_landing(
            source,
            split / "history",
            split / "day",
            dt.date.fromisoformat(day),
            LATE_SHARE,
            progress=False,
        )
        for entity, _ in files:
            for part, file_name, target_name in (
                ("history", HISTORY_FILE, f"{name}_1_history.csv"),
                ("day", DAY_FILE.format(day=day), f"{name}_2_{day}.csv"),
            ):
                target = deliveries[part] / entity / target_name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(split / part / entity / file_name, target)
    return deliveries


@pytest.fixture(scope="module")
def deliveries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("public-deliveries")
    convert_all(DATASETS, root / "converted", progress=False)
    return split_by_data_set(root / "converted", root)


@pytest.fixture(scope="module")
def warehouses(
    deliveries: dict[str, Any],
    tmp_path_factory: pytest.TempPathFactory,
    dbt_manifest: Path,
) -> Iterator[dict[str, Path]]:
    built: dict[str, Path] = {}
    # the night before: the latest data set's cutoff
    night_before = f"{max(deliveries['cutoffs'].values())} 00:00:00"
    nights = [(deliveries["history"], night_before), (deliveries["day"], AS_OF)]
    for name in ("incremental", "full"):
        root = tmp_path_factory.mktemp(f"public-{name}")
        build_warehouse(root, nights, incremental=name == "incremental")
        built[name] = root / "warehouse.duckdb"
    yield built


def test_each_data_set_is_split_into_a_history_and_a_later_delivery(
    deliveries: dict[str, Any],
) -> None:
    history, day = deliveries["history"], deliveries["day"]
    assert set(deliveries["cutoffs"]) == {"twcs", "olist", "github_issues", "cfpb"}
    for name in deliveries["cutoffs"]:
        for part in (history, day):
            files = f"{part}/*/{name}_*.csv"
            delivered = scalar(f"select count(*) from read_csv('{files}', union_by_name = true)")
            assert delivered > 0, (name, part)
    # what makes the second delivery more than new rows
    cutoffs = deliveries["cutoffs"]
    late_close_events = scalar(
        f"select count(*) from read_csv('{day}/ticket_events/github_issues_*.csv',"
        f" all_varchar = true) where cast(created_at as date) < '{cutoffs['github_issues']}'"
    )
    assert late_close_events > 0
    reopened_as_delivered = scalar(
        f"select count(*) from read_csv('{history}/tickets/github_issues_*.csv',"
        f" all_varchar = true) as h join read_csv('{day}/tickets/github_issues_*.csv',"
        " all_varchar = true) as d using (ticket_id) where h.status != d.status"
    )
    assert reopened_as_delivered > 0
    moved_tweets = scalar(
        f"select count(*) from read_csv('{history}/chat_messages/twcs_*.csv', all_varchar = true)"
        f" as h join read_csv('{day}/chat_messages/twcs_*.csv', all_varchar = true) as d"
        " using (message_id) where h.conversation_id != d.conversation_id"
    )
    assert moved_tweets > 0
    late_reviews = scalar(
        f"select count(*) from read_csv('{day}/survey_responses/olist_*.csv', all_varchar = true)"
        f" where cast(responded_at as timestamptz) < '{cutoffs['olist']}'"
    )
    assert late_reviews > 0


def test_incremental_refresh_equals_full_refresh_on_public_data(
    warehouses: dict[str, Path],
) -> None:
    differences = warehouse_differences(warehouses["incremental"], warehouses["full"])
    assert not differences, differences
