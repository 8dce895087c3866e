"""A BI-like reader: open the serving file read-only, run one query, close; repeat; report JSON.

Standalone on purpose (only `duckdb` and the standard library), so it runs under any interpreter,
e.g. the DuckDB 1.x of .venv-bi:  python orchestration/serving/probe.py FILE SECONDS [SQL]
Prints {"answers": {repr(row): count}, "errors": [...], "queries": n, "duckdb": version}.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter

import duckdb

DEFAULT_SQL = (
    "select (select count(*) from marts.fct_tickets) as tickets, "
    "(select sum(new_tickets) from marts.kpi_support_daily) as kpi_new_tickets"
)


def probe(path: str, seconds: float, sql: str = DEFAULT_SQL, pause: float = 0.0) -> dict:
    answers: Counter[str] = Counter()
    errors: list[str] = []
    queries = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        queries += 1
        try:
            con = duckdb.connect(path, read_only=True)
            try:
                answers[repr(con.execute(sql).fetchone())] += 1
            finally:
                con.close()
        except Exception as exc:  # every failure is reported, none retried
            errors.append(f"{type(exc).__name__}: {exc}"[:300])
        if pause:
            time.sleep(pause)
    return {
        "answers": dict(answers),
        "errors": errors,
        "queries": queries,
        "duckdb": duckdb.__version__,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python orchestration/serving/probe.py",
        description="Act as a BI tool reading the serving file: open it read-only, run one query, "
        "close, again and again for SECONDS; print each distinct answer with its count, every "
        "error, the number of queries and DuckDB's version as JSON (used by `make bi-test` to "
        "show that a publish never breaks a reader).",
    )
    parser.add_argument("path", help="the serving DuckDB file")
    parser.add_argument("seconds", type=float, help="how long to keep querying")
    parser.add_argument("sql", nargs="?", default=DEFAULT_SQL, help="the query (default: counts)")
    args = parser.parse_args(argv)
    print(json.dumps(probe(args.path, args.seconds, args.sql)))


if __name__ == "__main__":
    main(sys.argv[1:])
