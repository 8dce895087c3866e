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


def _write_events(folder: Path, days: int) -> None:
    """Ten ticket events a day for `days` days before DAY, and ten on DAY."""
    (folder / "ticket_events").mkdir(parents=True)
    lines = ["event_id,ticket_id,created_at"]
    start = dt.datetime.combine(DAY, dt.time()) - dt.timedelta(days=days)
    for i in range((days + 1) * 10):
        created = start + dt.timedelta(minutes=144 * i)
        lines.append(f"ev_{i},t_{i // 3},{created:%Y-%m-%dT%H:%M:%SZ}")
    (folder / "ticket_events" / "events.csv").write_text("\n".join(lines) + "\n")


def _split_events(tmp_path: Path, window: int | None) -> tuple[set[str], dict[str, dt.datetime]]:
    """(ids in the history, {id: creation time} of the older events the day delivers)."""
    source = tmp_path / "source"
    if not source.exists():
        _write_events(source, 60)
    out = tmp_path / f"out-{window}"
    split_landing(
        source, out / "history", out / "day", DAY, 0.25, progress=False, late_window_days=window
    )
    with duckdb.connect() as con:
        history = con.execute(
            f"select event_id from read_csv('{out}/history/ticket_events/*.csv')"
        ).fetchall()
        again = con.execute(
            f"select event_id, created_at from read_csv('{out}/day/ticket_events/*.csv',"
            f" all_varchar = true) where created_at < '{DAY}'"
        ).fetchall()
    return {r[0] for r in history}, {r[0]: dt.datetime.fromisoformat(r[1]) for r in again}


def test_late_window_draws_late_and_moved_rows_from_recent_days_only(tmp_path: Path) -> None:
    """Late events (only in the day's delivery) and moved ones (in both) are older rows the day
    delivers; with a window they are all dated within it, and no older event is lost."""
    older = {f"ev_{i}" for i in range(600)}
    window_start = dt.datetime.combine(DAY, dt.time(), tzinfo=dt.UTC) - dt.timedelta(days=7)
    spread_history, spread_again = _split_events(tmp_path, None)
    recent_history, recent_again = _split_events(tmp_path, 7)
    # Without a window they are spread over all 60 days; with one, over its last 7 alone.
    assert min(spread_again.values()) < window_start - dt.timedelta(days=30)
    assert recent_again and min(recent_again.values()) >= window_start
    assert len(recent_again) < len(spread_again)
    # Late ones exist in both splits, and every older event is in the history or comes late.
    for history, again in ((spread_history, spread_again), (recent_history, recent_again)):
        late = older - history
        assert late and late <= set(again)
        assert history | set(again) >= older


def test_late_window_must_be_a_day_at_least(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        split_landing(tmp_path, tmp_path / "h", tmp_path / "d", DAY, late_window_days=0)


def test_a_row_without_a_readable_date_stays_with_the_history(tmp_path: Path) -> None:
    """The split loses no row: an empty or unreadable date goes into the history, where the
    warehouse quarantines it, and never into the day's delivery (unless late)."""
    source = tmp_path / "source"
    (source / "customers").mkdir(parents=True)
    (source / "customers" / "customers.csv").write_text(
        "customer_id,created_at,segment\n"
        "cu_empty,,consumer\n"
        "cu_bad,not a date,consumer\n"
        "cu_old,2026-01-01T00:00:00Z,consumer\n"
        f"cu_new,{DAY}T08:00:00Z,consumer\n"
    )
    counts = split_landing(source, tmp_path / "history", tmp_path / "day", DAY, 0.0, progress=False)
    with duckdb.connect() as con:
        history, day = (
            {r[0] for r in con.execute(f"select customer_id from read_csv('{p}')").fetchall()}
            for p in (
                tmp_path / "history" / "customers" / deliveries.HISTORY_FILE,
                next((tmp_path / "day" / "customers").iterdir()),
            )
        )
    assert history == {"cu_empty", "cu_bad", "cu_old"}
    assert day == {"cu_new"}
    assert [(c.history_rows, c.day_rows) for c in counts] == [(3, 1)]


def test_command_refuses_a_source_without_entities_and_overlapping_folders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "landing" / "tickets").mkdir(parents=True)
    common = ["--day-dir", str(tmp_path / "day"), "--day", "2025-01-01"]
    for source, history, words in [
        (tmp_path / "empty", tmp_path / "h", "holds no entity folder"),
        (tmp_path / "landing", tmp_path / "landing" / "h", "overlaps --source"),
    ]:
        source.mkdir(exist_ok=True)
        with pytest.raises(SystemExit) as exited:
            deliveries.main(["--source", str(source), "--history", str(history), *common])
        assert exited.value.code == 2
        assert words in capsys.readouterr().err
    with pytest.raises(SystemExit):
        deliveries.main(["--source", str(tmp_path / "landing"), "--history", "h", *common[:2]])
    assert "--day" in capsys.readouterr().err
