"""Incremental nights versus one full refresh on generated data: a developer's fuzz check.

Usage: python -m orchestration.incremental_check [--seed N] [--nights N] [--timezone ZONE] ...

Generates demo data (orchestration/demo), splits it into a history and one delivery per day
(orchestration/demo/deliveries.py: new records, late events and surveys, changed, identical and
moved re-deliveries, customers in another segment; each night draws its own share of keys, so a
customer may change segment on several nights), then builds two throw-away warehouses:

- A: the history as of the first night, then each day's delivery night after night as of the end
  of that day, refreshed incrementally (optionally a full refresh on one night, a night without a
  new file, nights after the data's end that only re-deliver older records);
- B: every delivery loaded at once and built with `full_refresh: true` as of the last night.

Every table dbt builds must hold the same rows in A and B apart from load metadata
(orchestration/warehouse_compare.py, as tests/test_incremental_refresh_e2e.py checks for one fixed
scenario). Exit status 0 when they are equal, 1 when some table differs (a sample of the rows only
one warehouse holds is printed and written to `report.json` in the work folder).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import time
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from tqdm import tqdm

from orchestration.cli import (
    USER_ERRORS,
    folder,
    iso_date,
    non_negative_int,
    positive_int,
    run,
    share,
)
from orchestration.settings import check_time_zone
from orchestration.warehouse_compare import NightFailed

PROG = "python -m orchestration.incremental_check"


@dataclass(frozen=True)
class Scenario:
    """What one check generates and how it delivers and builds it."""

    seed: int = 11
    tickets: int = 400
    first_day: dt.date = dt.date(2026, 6, 28)
    """The day of the first night's delivery (the history is everything before it, UTC)."""
    nights: int = 3
    """Nights after the history night, one day each."""
    history_days: int = 120
    late_share: float = 0.02
    """The last night's late share; each earlier night draws 1/(1/share + k) (other keys)."""
    timezone: str = "UTC"
    """The reporting time zone."""
    landing_timezone: str = "UTC"
    """The zone of naive landing times (the demo writes offsets, so it rarely matters)."""
    as_of_time: dt.time = dt.time(0, 0)
    """Each night runs as of this wall-clock time (reporting zone) of the day after its delivery's
    day (the history night: of the first day)."""
    full_refresh_night: int | None = None
    """This night (1..nights) runs with `full_refresh: true` in warehouse A too."""
    empty_night: int | None = None
    """This night (1..nights) brings no file: its day comes with the next night (after the last
    night, never)."""
    changes_only_nights: int = 0
    """The last N nights' days lie after the data's end: they only re-deliver older records
    (late, changed, moved), no new ones."""
    naive_entities: tuple[str, ...] = ()
    """Entities whose `*_at` times are delivered as naive wall-clock times of the landing zone
    (as a chat or phone tool exporting local time sends them), not with offsets."""
    corrections_night: int | None = None
    """This night (1..nights) also re-delivers a share of the history's survey responses with
    another score, reopens a share of the history's closed tickets (months old: the ticket again
    as open, and a status change event), and has one agent leave (left_at on that day) who is
    back in the next night's agent list."""

    def __post_init__(self) -> None:
        for name in ("full_refresh_night", "empty_night", "corrections_night"):
            value = getattr(self, name)
            if value is not None and not 1 <= value <= self.nights:
                raise ValueError(f"{name} must be between 1 and {self.nights}, not {value}")
        if not 0 <= self.changes_only_nights < self.nights:
            raise ValueError(
                f"changes_only_nights must be between 0 and {self.nights - 1} (the first night "
                f"brings the data's last day), not {self.changes_only_nights}"
            )
        if not 0 < self.late_share <= 0.5:
            raise ValueError(f"late_share must be above 0 and at most 0.5, not {self.late_share}")
        from orchestration.demo.deliveries import RULES

        unknown = sorted(set(self.naive_entities) - set(RULES))
        if unknown:
            raise ValueError(f"naive_entities: no such entity {', '.join(unknown)}")
        check_time_zone("--timezone", self.timezone)
        check_time_zone("--landing-timezone", self.landing_timezone)

    @property
    def days(self) -> list[dt.date]:
        """The day of each night's delivery, oldest first."""
        return [self.first_day + dt.timedelta(days=i) for i in range(self.nights)]

    @property
    def data_end(self) -> dt.date:
        """The last day the generated data covers."""
        return self.days[-1 - self.changes_only_nights]


@dataclass(frozen=True)
class Night:
    """One nightly run of warehouse A."""

    label: str
    deliveries: tuple[str, ...]
    """Delivery folders (names under the deliveries folder) loaded before this night's run."""
    as_of: str
    """The as-of instant, naive UTC (the dbt var `as_of`)."""
    full_refresh: bool = False


@dataclass
class Plan:
    """The deliveries to split (name, day, late share; newest first, as they are split) and the
    nights that load them."""

    splits: list[tuple[str, dt.date, float]] = field(default_factory=list)
    nights: list[Night] = field(default_factory=list)


def as_of_instant(day: dt.date, at: dt.time, zone: str) -> str:
    """`day` at wall-clock time `at` in `zone`, as naive UTC text (a nonexistent wall time in a
    DST gap is read with the offset before the gap, as zoneinfo does)."""
    local = dt.datetime.combine(day, at, tzinfo=zoneinfo.ZoneInfo(zone))
    return local.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def night_shares(late_share: float, nights: int) -> list[float]:
    """Each night's late share, oldest first: the last night's is `late_share`, an earlier one
    1/(1/late_share + k) k nights before it, so each night's hashed keys are other ones."""
    modulo = max(1, round(1 / late_share))
    return [1 / (modulo + nights - 1 - i) for i in range(nights)]


def plan(scenario: Scenario) -> Plan:
    """The splits and nights of `scenario` (pure: nothing is written)."""
    result = Plan()
    shares = night_shares(scenario.late_share, scenario.nights)
    for index in reversed(range(scenario.nights)):
        day = scenario.days[index]
        result.splits.append((f"day_{day.isoformat()}", day, shares[index]))
    first = scenario.days[0]
    result.nights.append(
        Night(
            "history",
            ("history",),
            as_of_instant(first, scenario.as_of_time, scenario.timezone),
            False,
        )
    )
    held_back: tuple[str, ...] = ()
    for number, day in enumerate(scenario.days, start=1):
        deliveries = (*held_back, f"day_{day.isoformat()}")
        held_back = ()
        if number == scenario.empty_night:
            held_back, deliveries = deliveries, ()
        as_of = as_of_instant(day + dt.timedelta(days=1), scenario.as_of_time, scenario.timezone)
        label = f"night {number}: {day}" + (" (no file)" if not deliveries else "")
        full = number == scenario.full_refresh_night
        result.nights.append(
            Night(label + (" full refresh" if full else ""), deliveries, as_of, full)
        )
    return result


def write_deliveries(scenario: Scenario, the_plan: Plan, root: Path) -> Path:
    """Generate the data and split it into `root/deliveries/<name>/`; returns that folder."""
    from orchestration.demo import generate
    from orchestration.demo.deliveries import as_naive_local_times, split_landing

    generated = root / "generated"
    generate(
        out_dir=generated,
        tickets=scenario.tickets,
        seed=scenario.seed,
        fmt="csv",
        end_date=scenario.data_end,
        days=scenario.history_days + scenario.nights - scenario.changes_only_nights,
        files_per_entity=1,
        progress=False,
    )
    deliveries = root / "deliveries"
    current = generated
    for name, day, late_share in the_plan.splits:
        rest = root / "split" / f"before_{day.isoformat()}"
        split_landing(current, rest, deliveries / name, day, late_share, progress=False)
        current = rest
    shutil.move(current, deliveries / "history")
    shutil.rmtree(root / "split", ignore_errors=True)
    shutil.rmtree(generated)
    for entity in scenario.naive_entities:
        for csv_file in sorted(deliveries.glob(f"*/{entity}/*.csv")):
            as_naive_local_times(csv_file, scenario.landing_timezone)
    return deliveries


SCORE_SCALES = {"csat": 6, "nps": 10, "ces": 8}
"""Survey type: the sum a score and its mirrored score make (csat 1-5, nps 0-10, ces 1-7)."""


def correction_queries(day: dt.date, modulo: int, remainder: int = 3) -> dict[str, str]:
    """Per entity, the query (over the view `history`, that entity's history rows, all text) of
    the rows a corrections night re-delivers: surveys whose key hashes into the share (hash %
    `modulo` = `remainder`, disjoint from the late, changed and moved shares) with a
    mirrored score; closed tickets of the share reopened on `day` at 10:00 UTC (the ticket again
    as open, and a status change event from solved, which the models count as a reopen; event id
    `EV9` + the ticket's number)."""
    reopened_at = f"{day.isoformat()}T10:00:00Z"
    mirrored = " ".join(
        f"when '{t}' then {total} - cast(score as integer)" for t, total in SCORE_SCALES.items()
    )
    reopened = f"hash(ticket_id) % {modulo} = {remainder} and status = 'closed'"
    return {
        "survey_responses": (
            f"select * replace (cast(case survey_type {mirrored} else cast(score as integer)"
            " end as varchar) as score) from history"
            f" where hash(response_id) % {modulo} = {remainder} and score is not null"
        ),
        "tickets": (
            f"select * replace ('open' as status, '{reopened_at}' as updated_at) from history"
            f" where {reopened}"
        ),
        "ticket_events": (
            "select 'EV9' || lpad(regexp_extract(ticket_id, '[0-9]+$'), 8, '0') as event_id,"
            f" ticket_id, '{reopened_at}' as created_at, 'status_change' as event_type,"
            " customer_id as actor_id, 'customer' as actor_role, 'true' as is_public,"
            " 'solved' as from_value, 'open' as to_value, null as macro_id,"
            " 'Reopening this: the problem is back.' as body"
            f" from history_tickets where {reopened}"
        ),
    }


def write_corrections(deliveries: Path, night_day: dt.date, next_day: dt.date | None) -> None:
    """Add the corrections (see `Scenario.corrections_night`) to the delivery of `night_day`,
    as files named after its own (so they load after it); the agent who leaves on it is back in
    the delivery of `next_day`, when there is one."""
    import duckdb

    day_dir = deliveries / f"day_{night_day.isoformat()}"
    suffix = f"delivery_2_{night_day.isoformat()}_corrections.csv"
    with duckdb.connect() as con:
        con.execute("set timezone = 'UTC'")

        def read(entity: str) -> str:
            return f"read_csv('{deliveries}/history/{entity}/*.csv', all_varchar = true)"

        con.execute(f"create view history_tickets as select * from {read('tickets')}")
        for entity, select in correction_queries(night_day, 7).items():
            source = "tickets" if entity == "ticket_events" else entity
            con.execute(f"create or replace view history as select * from {read(source)}")
            con.execute(f"copy ({select}) to '{day_dir / entity / suffix}' (header)")
        agents = day_dir / "agents"
        (agents_file,) = agents.glob("delivery_2_*[0-9].csv")
        listed = f"read_csv('{agents_file}', all_varchar = true)"
        leaving = f"(select min(agent_id) from {listed} where left_at is null)"
        left_at = f"{night_day.isoformat()}T09:00:00Z"
        con.execute(
            f"copy (select * replace (case when agent_id = {leaving} then '{left_at}'"
            f" else left_at end as left_at) from {listed}) to '{agents / suffix}' (header)"
        )
        if next_day is not None:
            # Back the next night: the generated list again, byte for byte (a copy of a file
            # loaded before, which loads again because its agents came again since).
            back = deliveries / f"day_{next_day.isoformat()}" / "agents"
            back_file = back / f"delivery_2_{next_day.isoformat()}_corrections.csv"
            back.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(agents_file, back_file)


def night_folders(the_plan: Plan, deliveries: Path, root: Path) -> list[tuple[Path | None, str]]:
    """(delivery folder or None, as-of) per night: a night loading several deliveries gets one
    folder holding them all (their file names differ by day)."""
    nights: list[tuple[Path | None, str]] = []
    for index, night in enumerate(the_plan.nights):
        if not night.deliveries:
            nights.append((None, night.as_of))
        elif len(night.deliveries) == 1:
            nights.append((deliveries / night.deliveries[0], night.as_of))
        else:
            merged = root / "merged" / f"night_{index}"
            for name in night.deliveries:
                shutil.copytree(deliveries / name, merged, dirs_exist_ok=True)
            nights.append((merged, night.as_of))
    return nights


@contextmanager
def output_to(log: Path | None) -> Iterator[IO[str]]:
    """Send this process's and its children's (dbt's) standard output and error to `log` for
    the block (nothing is redirected when it is None); yields a stream to the terminal's standard
    error for the progress bar."""
    if log is None:
        yield sys.stderr
        return
    sys.stdout.flush()
    sys.stderr.flush()
    saved = {fd: os.dup(fd) for fd in (1, 2)}
    terminal = os.fdopen(os.dup(saved[2]), "w")
    with log.open("a", buffering=1) as handle, redirect_stdout(handle), redirect_stderr(handle):
        for fd in (1, 2):
            os.dup2(handle.fileno(), fd)
        try:
            yield terminal
        finally:
            for fd, copy in saved.items():
                os.dup2(copy, fd)
                os.close(copy)
            terminal.close()


def check(
    scenario: Scenario, work: Path, progress: bool = True, sample: int = 5, verbose: bool = False
) -> dict[str, Any]:
    """Build warehouses A (incremental nights) and B (one full refresh) of `scenario` under
    `work` and compare them; the report (scenario, nights, seconds, differences). The runs' output
    (Dagster's and dbt's logs) goes to `work/nights.log` unless `verbose`."""
    from orchestration.warehouse_compare import build_warehouse, warehouse_differences

    started = time.perf_counter()
    the_plan = plan(scenario)
    deliveries = write_deliveries(scenario, the_plan, work)
    if scenario.corrections_night:
        number = scenario.corrections_night
        following = scenario.days[number] if number < scenario.nights else None
        write_corrections(deliveries, scenario.days[number - 1], following)
    nights = night_folders(the_plan, deliveries, work)
    timezones = (scenario.timezone, scenario.landing_timezone)
    full_nights = frozenset(i for i, n in enumerate(the_plan.nights) if n.full_refresh)
    with (
        output_to(None if verbose else work / "nights.log") as terminal,
        tqdm(
            total=len(nights) + 1,
            unit="night",
            desc="incremental check",
            disable=not progress,
            file=terminal,
        ) as bar,
    ):

        def done(label: str) -> None:
            bar.set_postfix_str(label)
            bar.update(1)

        bar.set_postfix_str(f"A {the_plan.nights[0].label}")
        build_warehouse(
            work / "incremental",
            nights,
            incremental=True,
            timezones=timezones,
            full_refresh_nights=full_nights,
            log_level="ERROR",
            on_night=lambda i: done(
                f"A {the_plan.nights[i + 1].label}" if i + 1 < len(nights) else "B full refresh"
            ),
        )
        build_warehouse(
            work / "full",
            nights,
            incremental=False,
            timezones=timezones,
            log_level="ERROR",
            on_night=lambda _: done("comparing"),
        )
    differences = warehouse_differences(
        work / "incremental" / "warehouse.duckdb", work / "full" / "warehouse.duckdb", sample
    )
    return {
        "scenario": {k: str(v) for k, v in asdict(scenario).items()},
        "nights": [asdict(n) for n in the_plan.nights],
        "seconds": round(time.perf_counter() - started, 1),
        "differences": differences,
    }


def _time_of_day(text: str) -> dt.time:
    try:
        return dt.time.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a HH:MM[:SS] time: {text!r}") from exc


def _entities(text: str) -> tuple[str, ...]:
    return tuple(e.strip() for e in text.split(",") if e.strip())


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG,
        description=(
            "Check that incremental nightly refreshes build the same warehouse as one full "
            "refresh: generate demo data, split it into a history and one delivery per day (new, "
            "late, changed, identical and moved records), build warehouse A night by night and "
            "warehouse B in one full refresh of all deliveries, and compare every table dbt "
            "builds. Exit status 1 when a table differs. Takes about 40 s per night on 2 cores."
        ),
        epilog=(
            "Example: %(prog)s --seed 3 --nights 6 --first-day 2026-11-24 --timezone "
            "Asia/Kolkata --as-of-time 23:59:59 --late-share 0.5 --full-refresh-night 3"
        ),
    )
    p.add_argument(
        "--seed",
        type=non_negative_int,
        default=Scenario.seed,
        help="generator seed (default %(default)s)",
    )
    p.add_argument(
        "--tickets",
        type=positive_int,
        default=Scenario.tickets,
        help="tickets to generate (default %(default)s)",
    )
    p.add_argument(
        "--history-days",
        type=positive_int,
        default=Scenario.history_days,
        help="days of data before the first night's day (default %(default)s)",
    )
    p.add_argument(
        "--first-day",
        type=iso_date,
        default=Scenario.first_day,
        help="the day the first night delivers, YYYY-MM-DD (default %(default)s)",
    )
    p.add_argument(
        "--nights",
        type=positive_int,
        default=Scenario.nights,
        help="incremental nights after the history night, one day each (default %(default)s)",
    )
    p.add_argument(
        "--late-share",
        type=share,
        default=Scenario.late_share,
        help="the last night's share of older events and surveys delivered late (and of "
        "customers changed, records moved); earlier nights draw other keys (default "
        "%(default)s, at most 0.5)",
    )
    p.add_argument(
        "--timezone",
        default=Scenario.timezone,
        help="the reporting time zone, an IANA name (default %(default)s)",
    )
    p.add_argument(
        "--landing-timezone",
        default=Scenario.landing_timezone,
        help="the zone of naive landing times (LANDING_DEFAULT_TIMEZONE, default %(default)s)",
    )
    p.add_argument(
        "--as-of-time",
        type=_time_of_day,
        default=Scenario.as_of_time,
        help="each night runs as of this wall-clock time in the reporting zone, on the day after "
        "its delivery's day (default 00:00: local midnight)",
    )
    p.add_argument(
        "--full-refresh-night",
        type=positive_int,
        default=None,
        metavar="N",
        help="night N runs with full_refresh in warehouse A too",
    )
    p.add_argument(
        "--empty-night",
        type=positive_int,
        default=None,
        metavar="N",
        help="night N brings no file (its day comes with the next night)",
    )
    p.add_argument(
        "--changes-only-nights",
        type=non_negative_int,
        default=0,
        metavar="N",
        help="the last N nights lie after the data's end and only re-deliver older records "
        "(late, changed, moved), no new ones (default 0)",
    )
    p.add_argument(
        "--naive-entities",
        type=_entities,
        default=(),
        metavar="E1,E2",
        help="deliver these entities' times as naive wall-clock times of --landing-timezone, "
        "e.g. chat_conversations,chat_messages,calls (default: all with offsets)",
    )
    p.add_argument(
        "--corrections-night",
        type=positive_int,
        default=None,
        metavar="N",
        help="night N also re-delivers some older survey responses with another score, reopens "
        "some months-old closed tickets, and has an agent leave who is back the next night",
    )
    p.add_argument(
        "--sample", type=positive_int, default=5, help="differing rows shown per table (default 5)"
    )
    p.add_argument(
        "--keep",
        metavar="DIR",
        type=folder,
        default=None,
        help="work in DIR and keep it (deliveries, both warehouses, report.json); default: a "
        "temporary folder, removed at the end",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--verbose",
        action="store_true",
        help="show Dagster's and dbt's output (default: written to nights.log in the work folder)",
    )
    return p


def scenario_from_args(args: argparse.Namespace) -> Scenario:
    """The scenario the parsed arguments describe (ValueError when they contradict)."""
    return Scenario(
        seed=args.seed,
        tickets=args.tickets,
        first_day=args.first_day,
        nights=args.nights,
        history_days=args.history_days,
        late_share=args.late_share,
        timezone=args.timezone,
        landing_timezone=args.landing_timezone,
        as_of_time=args.as_of_time,
        full_refresh_night=args.full_refresh_night,
        empty_night=args.empty_night,
        changes_only_nights=args.changes_only_nights,
        naive_entities=args.naive_entities,
        corrections_night=args.corrections_night,
    )


def print_report(report: dict[str, Any]) -> None:
    for night in report["nights"]:
        print(f"  {night['label']:<40} as of {night['as_of']} UTC  loads {night['deliveries']}")
    differences = report["differences"]
    if not differences:
        print(f"equal: every built table the same ({report['seconds']} s)")
        return
    print(f"DIFFERENCES in {len(differences)} table(s) ({report['seconds']} s):")
    for table, rows in differences.items():
        print(f"  {table}")
        for side in ("only incremental", "only full"):
            for row in rows[side]:
                print(f"    {side}: {row}")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    scenario = scenario_from_args(args)
    if args.keep:
        if args.keep.exists() and any(args.keep.iterdir()):
            raise ValueError(f"--keep {args.keep} is not empty: give a new or empty folder")
        work = args.keep
        work.mkdir(parents=True, exist_ok=True)
    else:
        work = Path(tempfile.mkdtemp(prefix="incremental-check-"))
    try:
        report = check(
            scenario, work, progress=not args.quiet, sample=args.sample, verbose=args.verbose
        )
    except BaseException:
        print(f"{PROG}: stopped; the work folder is kept: {work}", file=sys.stderr)
        raise
    (work / "report.json").write_text(json.dumps(report, indent=2, default=str))
    print_report(report)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if report["differences"] else 0


if __name__ == "__main__":
    run(main, PROG, (*USER_ERRORS, NightFailed))
