"""The as-of instant of converted public data: the end of its last day, not today.

The public data sets end years ago (the newest, 2025). Built as of today, every window that ends at
the as-of instant is empty: the hourly peaks of the last weeks, the 90-day contact counts, the
open tickets' clocks run for years. `make public-data` therefore pins the as-of instant to the
start of the day after the newest contact or survey response (UTC) through the job's run config.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import yaml

CONTACT_TIMES = {
    "tickets": "created_at",
    "chat_conversations": "started_at",
    "chat_messages": "sent_at",
    "calls": "queued_at",
    "survey_responses": "responded_at",
}
"""Landing entity -> the time that starts a contact or response (landing contract names)."""


def newest_contact(landing: Path) -> dt.datetime | None:
    """The newest contact or survey response time (UTC) in the landing CSV files, if any."""
    con = duckdb.connect()
    try:
        con.execute("set timezone = 'UTC'")
        newest: list[dt.datetime] = []
        for entity, column in CONTACT_TIMES.items():
            files = sorted((landing / entity).glob("*.csv"))
            if not files:
                continue
            value = con.execute(
                f"select max(try_cast({column} as timestamptz)) from read_csv(?, header = true, "
                "all_varchar = true, union_by_name = true)",
                [[str(f) for f in files]],
            ).fetchone()[0]
            if value is not None:
                newest.append(value.astimezone(dt.UTC))
    finally:
        con.close()
    return max(newest) if newest else None


def as_of_after(newest: dt.datetime) -> str:
    """The start of the day after `newest` (UTC), as the dbt step's `as_of` text."""
    day = newest.astimezone(dt.UTC).date() + dt.timedelta(days=1)
    return f"{day.isoformat()} 00:00:00"


def write_run_config(path: Path, as_of: str) -> None:
    """A Dagster run config for `dagster job execute -c` that pins the dbt step's as-of instant."""
    path.parent.mkdir(parents=True, exist_ok=True)
    config = {"ops": {"warehouse_dbt_models": {"config": {"as_of": as_of}}}}
    path.write_text(
        "# Written by python -m orchestration.public_data: the data's as-of instant (the day\n"
        "# after its newest contact), so that windows ending at the as-of instant hold data.\n"
        + yaml.safe_dump(config, sort_keys=False)
    )
