"""Command line: `python -m orchestration.public_data [options]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from orchestration.cli import run
from orchestration.demo.writer import add_landing_out_argument, has_data_files
from orchestration.public_data.as_of import as_of_after, newest_contact, write_run_config
from orchestration.public_data.convert import CONVERTERS, convert_all, datasets_dir


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m orchestration.public_data",
        description=(
            "Convert real public customer-support data sets (Customer Support on Twitter, Olist "
            "reviews, huggingface/datasets GitHub issues, CFPB complaints; kept outside the "
            "repository) into landing files, to try the warehouse on data nobody on this project "
            "wrote. Renames and reformats only: the sources' own errors reach the warehouse."
        ),
    )
    p.add_argument(
        "--datasets",
        type=Path,
        default=datasets_dir(),
        help="folder holding the data sets' folders (default: $PUBLIC_DATASETS_DIR, else "
        "../shared/datasets beside the repository)",
    )
    add_landing_out_argument(p, "; it must not hold data files yet")
    p.add_argument(
        "--run-config",
        type=Path,
        help="also write a Dagster run config (for `dagster job execute -c`) that builds the "
        "warehouse as of the start of the day after the data's newest contact (UTC) instead of "
        "today, so that the windows ending at the as-of instant (hourly peaks, 90-day counts) "
        "hold data",
    )
    p.add_argument(
        "--only",
        nargs="+",
        choices=sorted(CONVERTERS),
        help="convert only these data sets (default: every one whose folder exists)",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not args.datasets.is_dir():
        print(
            f"no data set folder at {args.datasets}: set PUBLIC_DATASETS_DIR (e.g. "
            "`PUBLIC_DATASETS_DIR=/path/to/datasets make public-data`) or pass --datasets",
            file=sys.stderr,
        )
        return 2
    if has_data_files(args.out):
        print(
            f"{args.out} already holds landing files; convert into an empty folder "
            "(--out or LANDING_DIR) so that demo and public data do not mix",
            file=sys.stderr,
        )
        return 2
    report = convert_all(args.datasets, args.out, args.only)
    for name, counts in report.items():
        if not counts:
            print(f"{name}: folder not found under {args.datasets}, skipped")
            continue
        print(f"{name}: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    if not any(sum(counts.values()) for counts in report.values()):
        print(
            f"no data set converted: none of {', '.join(sorted(CONVERTERS))} was found under "
            f"{args.datasets} with rows to convert",
            file=sys.stderr,
        )
        return 2
    print(f"landing files written to {args.out}")
    if args.run_config:
        newest = newest_contact(args.out)
        if newest is None:
            print("no contact with a readable time: no run config written", file=sys.stderr)
            return 2
        as_of = as_of_after(newest)
        write_run_config(args.run_config, as_of)
        print(f"run config {args.run_config}: as of {as_of} UTC (newest contact {newest})")
    return 0


if __name__ == "__main__":
    run(main, "python -m orchestration.public_data")
