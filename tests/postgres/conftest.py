"""The Postgres comparison test is collected only by `make postgres-test` (POSTGRES_TEST=1): it
needs the `postgres` extra (dbt-postgres) and PostgreSQL server binaries, so `make test` leaves it
out."""

from __future__ import annotations

import os

if os.environ.get("POSTGRES_TEST") != "1":
    collect_ignore_glob = ["test_*.py"]
