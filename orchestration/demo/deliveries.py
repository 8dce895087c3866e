"""Split a generated landing folder into two deliveries: the history before a day, and that day.

Usage: python -m orchestration.demo.deliveries --source DIR --history DIR --day-dir DIR --day D

A nightly refresh sees the second delivery as one day of new data, with what real exports carry:
- new records of the day (tickets, events, chats, messages, calls, surveys, views, customers, ...);
- **changed re-deliveries**: a ticket updated on the day was delivered in the history as its state
  the evening before (updated_at one second before the day, solved/closed shown as open) and comes
  again with its final version;
- **identical re-deliveries**: conversations that ended on the day, and the full agent, team and
  macro lists, come again unchanged;
- **late records**: a share of older ticket events and survey responses (chosen by a hash of the
  id, so the split is reproducible) arrives only with the day's delivery;
- **changed dimensions**: a share of older customers (chosen the same way) showed another segment
  in the history and comes again with the day in its current segment;
- **moved re-deliveries**: a share of older ticket events, chat messages and survey responses
  (chosen the same way) was delivered in the history under another ticket or conversation, and
  comes again with the day under its own: the parent it left must lose it; likewise a share of
  older calls was delivered under another customer (the customer it left loses the contact, and
  the knowledge-base views it followed may become deflections).

Loading the history, refreshing, then loading the day and refreshing incrementally must give the
same warehouse as loading both and rebuilding from scratch: the incremental-refresh test and
`make bench` use this split. Input files must be CSV (`.csv` or `.csv.gz`, as the demo generator
writes them); the deliveries are written as CSV.
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
from tqdm import tqdm

from orchestration.cli import existing_folder, folder, iso_date, positive_int, run, share

HISTORY_FILE = "delivery_1_history.csv"
DAY_FILE = "delivery_2_{day}.csv"


@dataclass(frozen=True)
class SplitRule:
    """How one entity is split: the column that dates a row, and what goes into both deliveries."""

    time_column: str | None
    late_key: str | None = None
    """Rows dated before the day whose key hashes into the late share arrive with the day."""
    redeliver_after_column: str | None = None
    """Rows with this column on or after the day are delivered again with the day."""
    changed: tuple[str, str] | None = None
    """(key, column): older rows whose key hashes into the late share showed another value of the
    column in the history, and come again with the day as they are now."""
    moved: tuple[str, str] | None = None
    """(key, parent column): older rows whose key hashes into the moved share named another
    parent in the history (that of the row before them in time), and come again with the day
    under their own."""
    moved_rarity: int = 1
    """The moved share is the late share divided by this (a ticket has many events: moving as
    many of them as of the other records would touch most tickets of a small data set)."""

    def __post_init__(self) -> None:
        if self.changed and self.moved and self.changed[1] == self.moved[1]:
            raise ValueError(
                f"split rule: column {self.changed[1]!r} cannot be both changed and moved"
            )


RULES: dict[str, SplitRule] = {
    "tickets": SplitRule("created_at", redeliver_after_column="updated_at"),
    "ticket_events": SplitRule(
        "created_at", late_key="event_id", moved=("event_id", "ticket_id"), moved_rarity=4
    ),
    "chat_conversations": SplitRule("started_at", redeliver_after_column="ended_at"),
    "chat_messages": SplitRule("sent_at", moved=("message_id", "conversation_id")),
    "calls": SplitRule("queued_at", moved=("call_id", "customer_id")),
    "survey_responses": SplitRule(
        "responded_at", late_key="response_id", moved=("response_id", "ticket_id")
    ),
    "kb_article_views": SplitRule("viewed_at"),
    "customers": SplitRule("created_at", changed=("customer_id", "segment")),
    "subscriptions": SplitRule("started_at"),
    "returns": SplitRule("returned_at"),
    "agents": SplitRule(None),
    "teams": SplitRule(None),
    "macros": SplitRule(None),
}


@dataclass(frozen=True)
class SplitCounts:
    entity: str
    history_rows: int
    day_rows: int


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _ts(column: str) -> str:
    return f"try_cast({column} as timestamptz)"


def _recent(rule: SplitRule, late_window_days: int | None) -> str:
    """Rows the late, changed and moved shares are drawn from: all, or those dated within the
    window before the day (a row without a readable date is never in it)."""
    if late_window_days is None or rule.time_column is None:
        return "true"
    return f"coalesce({_ts(rule.time_column)} >= $window_start, false)"


def _late(key: str, late_modulo: int, recent: str) -> str:
    """Rows whose key hashes into the late share."""
    return f"(hash({key}) % {late_modulo} = 0 and {recent})"


def _changed(key: str, late_modulo: int, recent: str) -> str:
    """Rows whose key hashes into the changed share (disjoint from the late share)."""
    return f"(hash({key}) % {late_modulo} = 1 and {recent})"


def _moved(key: str, late_modulo: int, rarity: int, recent: str) -> str:
    """Rows whose key hashes into the moved share (disjoint from the late and changed shares)."""
    return f"(hash({key}) % {late_modulo * rarity} = 2 and {recent})"


def _history_replacements(entity: str, rule: SplitRule, late_modulo: int, recent: str) -> list[str]:
    """The columns the history delivers with other values than the source, as `expr as column`
    items of one `select * replace (...)` (each rule's changes compose)."""
    replaced = []
    if rule.changed:
        key, column = rule.changed
        # The value before the change: any other known value (the day delivers the current one).
        replaced.append(
            f"case when {_changed(key, late_modulo, recent)} then"
            f" case when {column} = 'consumer' then 'smb' else 'consumer' end"
            f" else {column} end as {column}"
        )
    if rule.moved:
        key, parent = rule.moved
        # The parent of the row before it in time (seldom the same one): a parent that existed
        # then, so the wrong delivery does not make times negative.
        replaced.append(
            f"case when {_moved(key, late_modulo, rule.moved_rarity, recent)}"
            f" then coalesce(lag({parent})"
            f" over (order by {_ts(rule.time_column)}, {key}), {parent})"
            f" else {parent} end as {parent}"
        )
    if entity == "tickets":
        # The state the evening before: not yet solved, last updated one second before the day.
        updated = _ts("updated_at")
        replaced.append(
            f"case when {updated} >= $cutoff and status in ('solved', 'closed') then 'open'"
            " else status end as status"
        )
        replaced.append(
            f"case when {updated} >= $cutoff"
            " then strftime(($cutoff - interval 1 second) at time zone 'UTC', '%Y-%m-%dT%H:%M:%SZ')"
            " else updated_at end as updated_at"
        )
    return replaced


def _history_select(
    entity: str, rule: SplitRule, late_modulo: int, late_window_days: int | None = None
) -> str:
    """Rows of the history delivery, from the view `src` (all columns text)."""
    if rule.time_column is None:
        return "select * from src"
    recent = _recent(rule, late_window_days)
    # A row without a readable date stays with the history (the warehouse quarantines it there).
    conditions = [f"coalesce({_ts(rule.time_column)} < $cutoff, true)"]
    if rule.late_key:
        conditions.append(f"not {_late(rule.late_key, late_modulo, recent)}")
    replaced = _history_replacements(entity, rule, late_modulo, recent)
    select = "select * from src"
    if replaced:
        select = f"select * replace ({', '.join(replaced)}) from src"
    return f"{select} where " + " and ".join(conditions)


def _day_select(rule: SplitRule, late_modulo: int, late_window_days: int | None = None) -> str:
    """Rows of the day's delivery, from the view `src`."""
    if rule.time_column is None:
        return "select * from src"
    recent = _recent(rule, late_window_days)
    conditions = [f"{_ts(rule.time_column)} >= $cutoff"]
    if rule.late_key:
        conditions.append(_late(rule.late_key, late_modulo, recent))
    if rule.redeliver_after_column:
        conditions.append(f"{_ts(rule.redeliver_after_column)} >= $cutoff")
    if rule.changed:
        conditions.append(_changed(rule.changed[0], late_modulo, recent))
    if rule.moved:
        conditions.append(_moved(rule.moved[0], late_modulo, rule.moved_rarity, recent))
    # A row without a readable date is in it only as a late, changed or moved record.
    return "select * from src where " + " or ".join(conditions)


def _source_files(folder: Path) -> list[Path]:
    files = sorted(p for p in folder.rglob("*") if p.name.endswith((".csv", ".csv.gz")))
    others = [
        p for p in folder.rglob("*") if p.is_file() and not p.name.endswith((".csv", ".csv.gz"))
    ]
    if others:
        raise ValueError(f"{folder}: only CSV files can be split, found {others[0].name}")
    return files


def split_landing(
    source: Path,
    history: Path,
    day_dir: Path,
    day: dt.date,
    late_share: float = 0.005,
    progress: bool = True,
    late_window_days: int | None = None,
) -> list[SplitCounts]:
    """Write the history (everything before `day`, 00:00 UTC) and the day's delivery.

    The late, changed and moved shares are drawn from every older row, or, with
    `late_window_days`, from the rows dated within that many days before `day` (late data of a
    real help desk is mostly recent)."""
    if late_window_days is not None and late_window_days < 1:
        raise ValueError(f"late_window_days must be at least 1, not {late_window_days}")
    late_modulo = max(1, round(1 / late_share)) if late_share > 0 else 2**62
    cutoff = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    window_start = cutoff - dt.timedelta(days=late_window_days or 0)
    counts: list[SplitCounts] = []
    entities = [e for e in RULES if (source / e).is_dir()]
    with duckdb.connect() as con:
        con.execute("set timezone = 'UTC'")
        for entity in tqdm(entities, desc="split deliveries", unit="entity", disable=not progress):
            files = _source_files(source / entity)
            if not files:
                continue
            file_list = "[" + ", ".join(_quoted(p) for p in files) + "]"
            con.execute(
                f"create or replace temp view src as select * from read_csv({file_list},"
                " all_varchar = true, header = true, union_by_name = true)"
            )
            rule = RULES[entity]
            day_file = DAY_FILE.format(day=day.isoformat())
            written = []
            for folder, name, select in (
                (
                    history,
                    HISTORY_FILE,
                    _history_select(entity, rule, late_modulo, late_window_days),
                ),
                (day_dir, day_file, _day_select(rule, late_modulo, late_window_days)),
            ):
                target = folder / entity / name
                target.parent.mkdir(parents=True, exist_ok=True)
                params = {
                    param: value
                    for param, value in (("cutoff", cutoff), ("window_start", window_start))
                    if f"${param}" in select
                }
                con.execute(f"copy ({select}) to {_quoted(target)} (header)", params)
                rows = con.execute(f"select count(*) from ({select})", params)
                written.append(int(rows.fetchone()[0]))  # type: ignore[index]
            counts.append(SplitCounts(entity, written[0], written[1]))
    return counts


def as_naive_local_times(csv_file: Path, zone: str) -> None:
    """Rewrite every `*_at` column of a CSV file as naive wall-clock time in `zone`."""
    with duckdb.connect() as con:
        relation = f"read_csv('{csv_file}', all_varchar = true)"
        columns = [row[0] for row in con.execute(f"describe select * from {relation}").fetchall()]
        naive = ", ".join(
            f"strftime(timezone('{zone}', cast(nullif({c}, '') as timestamptz)),"
            f" '%Y-%m-%d %H:%M:%S') as {c}"
            for c in columns
            if c.endswith("_at")
        )
        rewritten = csv_file.with_suffix(".naive")
        con.execute(f"copy (select * replace ({naive}) from {relation}) to '{rewritten}' (header)")
    rewritten.replace(csv_file)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m orchestration.demo.deliveries",
        description=(
            "Split a demo landing folder into two deliveries: the history before --day, and "
            "--day itself with changed, moved and identical re-deliveries and late records. Used "
            "to test and benchmark the incremental nightly refresh."
        ),
    )
    p.add_argument(
        "--source", type=existing_folder, required=True, help="generated landing folder (CSV)"
    )
    p.add_argument("--history", type=folder, required=True, help="folder for the history delivery")
    p.add_argument("--day-dir", type=folder, required=True, help="folder for the day's delivery")
    p.add_argument("--day", type=iso_date, required=True, help="the new day, YYYY-MM-DD (UTC)")
    p.add_argument(
        "--late-share",
        type=share,
        default=0.005,
        help="share of older events and surveys delivered late, with the day (default: 0.005)",
    )
    p.add_argument(
        "--late-window-days",
        type=positive_int,
        default=None,
        help="draw the late, changed and moved shares only from rows dated within this many "
        "days before --day (default: from every older row)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    return p


def main(argv: list[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    source = args.source.resolve()
    for option, target in (("--history", args.history), ("--day-dir", args.day_dir)):
        resolved = target.resolve()
        if resolved == source or source in resolved.parents or resolved in source.parents:
            p.error(f"{option} {target} overlaps --source {args.source}: use a folder of its own")
    if not any((args.source / entity).is_dir() for entity in RULES):
        p.error(f"--source {args.source} holds no entity folder ({', '.join(RULES)})")
    counts = split_landing(
        args.source,
        args.history,
        args.day_dir,
        args.day,
        args.late_share,
        not args.quiet,
        args.late_window_days,
    )
    if not args.quiet:
        for c in counts:
            print(f"{c.entity:<20} history {c.history_rows:>10,}  day {c.day_rows:>8,}")
    return 0


if __name__ == "__main__":
    run(main, "python -m orchestration.demo.deliveries")
