"""Command line: `python -m orchestration.demo [options]`."""

from __future__ import annotations

import argparse
import datetime as dt
import time

from orchestration.cli import iso_date, non_negative_int, positive_int, run
from orchestration.demo.generator import (
    DEFAULT_DAYS,
    DEFAULT_SEED,
    DEFAULT_TICKETS,
    MAX_DAYS,
    generate,
)
from orchestration.demo.writer import FORMATS, add_landing_out_argument, has_data_files

EARLIEST_END_DATE = dt.date(2000, 1, 1)
LATEST_END_DATE = dt.date(2199, 12, 31)
"""The range --end-date accepts: data a help desk could have (the generator's timestamps are
pandas nanosecond timestamps, which end in 2262)."""


def _end_date(text: str) -> dt.date:
    value = iso_date(text)
    if not EARLIEST_END_DATE <= value <= LATEST_END_DATE:
        raise argparse.ArgumentTypeError(
            f"must be between {EARLIEST_END_DATE} and {LATEST_END_DATE}, not {value}"
        )
    return value


def _days(text: str) -> int:
    value = positive_int(text)
    if value > MAX_DAYS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_DAYS}, not {value}")
    return value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m orchestration.demo",
        description=(
            "Generate realistic, coherent demo help-desk data (tickets, ticket events, chats, "
            "calls, surveys, agents, teams, customers, subscriptions, returns, knowledge-base "
            "views, macros) and write one folder per landing entity into the landing folder. "
            "The same options always produce byte-identical files."
        ),
    )
    add_landing_out_argument(p)
    p.add_argument(
        "--tickets",
        type=positive_int,
        default=DEFAULT_TICKETS,
        help=f"number of tickets; other entities scale with it (default: {DEFAULT_TICKETS})",
    )
    p.add_argument(
        "--seed",
        type=non_negative_int,
        default=DEFAULT_SEED,
        help=f"random seed, 0 or more (default: {DEFAULT_SEED})",
    )
    p.add_argument(
        "--format", dest="fmt", choices=FORMATS, default="csv", help="file format (default: csv)"
    )
    p.add_argument(
        "--end-date",
        type=_end_date,
        default=None,
        help="last day of data, YYYY-MM-DD; nothing is later than its 23:59:59 UTC "
        "(default: yesterday, UTC: the last complete day, so that no record lies in the future)",
    )
    p.add_argument(
        "--days",
        type=_days,
        default=DEFAULT_DAYS,
        help=f"number of days of data ending on --end-date (default: {DEFAULT_DAYS}, two years)",
    )
    p.add_argument(
        "--files-per-entity",
        type=positive_int,
        default=1,
        help="split each large entity into this many files, e.g. tickets_0001.csv (default: 1)",
    )
    p.add_argument(
        "--if-empty",
        action="store_true",
        help="do nothing (and say so) if the landing folder already holds any data file",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.if_empty and has_data_files(args.out):
        print(f"{args.out} already holds data files; leaving it alone (--if-empty).")
        return 0
    started = time.perf_counter()
    counts = generate(
        args.out,
        tickets=args.tickets,
        seed=args.seed,
        fmt=args.fmt,
        end_date=args.end_date,
        days=args.days,
        files_per_entity=args.files_per_entity,
        progress=not args.quiet,
    )
    if not args.quiet:
        width = max(map(len, counts))
        for entity, rows in counts.items():
            print(f"  {entity:<{width}}  {rows:>12,}")
        elapsed = time.perf_counter() - started
        print(
            f"Wrote {sum(counts.values()):,} rows as {args.fmt} into {args.out} in {elapsed:.1f} s."
        )
    return 0


if __name__ == "__main__":
    run(main, "python -m orchestration.demo")
