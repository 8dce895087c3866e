"""The demo split into history and day (orchestration.demo.deliveries): a rule's changes compose."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from orchestration.demo import deliveries
from orchestration.demo.deliveries import SplitRule, split_landing

DAY = dt.date(2026, 10, 31)


def _write_customers(folder: Path, rows: int) -> None:
    (folder / "customers").mkdir(parents=True)
    lines = ["customer_id,created_at,segment,region"]
    for i in range(rows):
        created = dt.datetime(2026, 1, 1) + dt.timedelta(hours=i)
        region = f"r{i % 7}"
        lines.append(f"cu_{i},{created:%Y-%m-%dT%H:%M:%SZ},consumer,{region}")
    (folder / "customers" / "customers.csv").write_text("\n".join(lines) + "\n")


def test_changed_and_moved_compose_in_the_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rule with both a changed column and a moved parent changes both in the history."""
    source = tmp_path / "source"
    _write_customers(source, 200)
    rule = SplitRule(
        "created_at", changed=("customer_id", "segment"), moved=("customer_id", "region")
    )
    monkeypatch.setattr(deliveries, "RULES", {"customers": rule})
    split_landing(source, tmp_path / "history", tmp_path / "day", DAY, 0.2, progress=False)

    history_csv = tmp_path / "history" / "customers" / deliveries.HISTORY_FILE
    with duckdb.connect() as con:
        rows = con.execute(
            f"""
            select
                src.customer_id,
                hash(src.customer_id) % 5 as share,
                src.segment <> hist.segment as segment_changed,
                src.region <> hist.region as region_moved
            from read_csv('{source}/customers/customers.csv', all_varchar = true) as src
            inner join read_csv('{history_csv}', all_varchar = true) as hist
                on src.customer_id = hist.customer_id
            """
        ).fetchall()
    changed = {r[0] for r in rows if r[2]}
    moved = {r[0] for r in rows if r[3]}
    assert changed and moved
    assert changed == {r[0] for r in rows if r[1] == 1}
    assert moved <= {r[0] for r in rows if r[1] == 2}
    # the day delivers both shares again as they are now
    day_csv = next((tmp_path / "day" / "customers").iterdir())
    with duckdb.connect() as con:
        day_ids = {
            r[0] for r in con.execute(f"select customer_id from read_csv('{day_csv}')").fetchall()
        }
    assert changed | moved <= day_ids


def test_a_column_cannot_be_both_changed_and_moved() -> None:
    with pytest.raises(ValueError, match="both changed and moved"):
        SplitRule(
            "created_at", changed=("customer_id", "segment"), moved=("customer_id", "segment")
        )
