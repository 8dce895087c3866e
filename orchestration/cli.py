"""What the project's commands share: argument types that say what is wrong, and a runner that
ends a user's mistake with a one-line error instead of a traceback."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import duckdb

from orchestration.settings import resolve_path

TRACEBACK_VARIABLE = "CLI_TRACEBACK"
"""Set to 1 to see the traceback of an error the runner would print as one line."""

USER_ERRORS: tuple[type[BaseException], ...] = (OSError, duckdb.Error, ValueError)
"""What a user's mistake raises: a path that is missing, not a folder or not writable, a file that
is not a DuckDB database, a setting that is not valid (its message says which)."""


def run(
    main: Callable[[], int | None],
    prog: str,
    user_errors: tuple[type[BaseException], ...] = USER_ERRORS,
) -> NoReturn:
    """Run a command's `main()` and exit with its status; `user_errors` end as `<prog>: error:
    <message>` with status 2 (argparse's status for a usage error), unless CLI_TRACEBACK is set."""
    try:
        status = main()
    except KeyboardInterrupt:
        sys.exit(130)
    except user_errors as exc:
        if os.environ.get(TRACEBACK_VARIABLE):
            raise
        print(f"{prog}: error: {exc}", file=sys.stderr)
        print(f"{prog}: (set {TRACEBACK_VARIABLE}=1 to see where)", file=sys.stderr)
        sys.exit(2)
    sys.exit(status or 0)


def iso_date(text: str) -> dt.date:
    """An argparse type: a YYYY-MM-DD date."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}") from exc


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from exc


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    value = _integer(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def non_negative_int(text: str) -> int:
    """An argparse type: a whole number of at least 0."""
    value = _integer(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be at least 0, not {value}")
    return value


def share(text: str) -> float:
    """An argparse type: a share between 0 and 1."""
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from exc
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, not {value}")
    return value


def folder(text: str) -> Path:
    """An argparse type: a folder path as a command argument (it need not exist yet; relative to
    the current folder, as arguments are). An empty one is refused: it would mean the current
    folder. Defaults that come from settings resolve against the repository root instead
    (`landing_default`)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path; give a folder")
    return Path(text).expanduser()


def landing_default() -> Path:
    """The landing folder the nightly job reads: $LANDING_DIR, else data/landing, relative to the
    repository root whatever the current folder (orchestration/settings.py)."""
    return resolve_path(os.environ.get("LANDING_DIR") or "data/landing")


def existing_folder(text: str) -> Path:
    """An argparse type: a folder that exists."""
    path = folder(text)
    if not path.is_dir():
        state = "is not a folder" if path.exists() else "does not exist"
        raise argparse.ArgumentTypeError(f"{path} {state}")
    return path


def warehouse_file(text: str) -> Path:
    """An argparse type: an existing DuckDB database file (DuckDB writes `DUCK` at byte 8)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path; give a DuckDB file")
    path = Path(text).expanduser()
    check_warehouse_file(path, lambda message: argparse.ArgumentTypeError(message))
    return path


def check_warehouse_file(path: Path, error: Callable[[str], Exception] = SystemExit) -> None:
    """Raise `error(message)` unless `path` is an existing DuckDB database file."""
    if not path.exists():
        raise error(f"No warehouse at {path}: run `make run` first (or set WAREHOUSE_PATH).")
    if not path.is_file():
        raise error(f"{path} is not a file but a folder; give the warehouse's .duckdb file")
    with path.open("rb") as handle:
        header = handle.read(12)
    if header[8:12] != b"DUCK":
        raise error(f"{path} is not a DuckDB database file")
