"""A BI-like reader: open the serving file read-only, run one query, close; repeat; report JSON.

Standalone on purpose (only `duckdb` and the standard library), so it runs under any interpreter,
e.g. the DuckDB 1.x of .venv-bi:  python orchestration/serving/probe.py FILE SECONDS [SQL]
Prints {"answers": {repr(row): count}, "errors": [...], "queries": n, "duckdb": version}.
"""

from __future__ import annotations

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


if __name__ == "__main__":
    result = probe(sys.argv[1], float(sys.argv[2]), *(sys.argv[3:4] or [DEFAULT_SQL]))
    print(json.dumps(result))
