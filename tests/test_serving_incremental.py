"""An incremental publish: the serving file starts from a copy of the live one and gets only the
keys the warehouse rewrote; whatever it cannot update safely it rewrites. Either way the result
must equal a publish from scratch."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from orchestration.serving.duckdb_file import STORAGE_VERSION
from orchestration.serving.publish import publish, summarize_actions
from orchestration.serving.settings import ServingSettings

FIRST = "2026-06-01 02:00:00"
SECOND = "2026-06-02 02:00:00"


def manifest(*, with_contacts: bool = True) -> dict[str, Any]:
    def model(name: str, columns: list[str], key: str | None = None) -> dict[str, Any]:
        config: dict[str, Any] = {"materialized": "incremental" if key else "table"}
        if key:
            config["refresh_scope"] = {"key": key, "upstream": []}
        return {
            "resource_type": "model",
            "name": name,
            "schema": "marts",
            "config": config,
            "columns": {c: {"name": c, "meta": {}} for c in columns},
        }

    nodes = {
        "model.x.fct_tickets": model("fct_tickets", ["ticket_id", "status"], "ticket_id"),
        "model.x.kpi_support_daily": model("kpi_support_daily", ["date_day"]),
    }
    if with_contacts:
        nodes["model.x.fct_contacts"] = model(
            "fct_contacts", ["contact_id", "customer_id"], "coalesce(customer_id, contact_id)"
        )
    return {"nodes": nodes}


def make_warehouse(path: Path, tickets: int = 200) -> None:
    """Tickets t0.. (one row each), contacts (several per customer, some without one) and a
    daily rollup, every keyed row stamped FIRST."""
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts")
        con.execute(
            "create table marts.fct_tickets as select 't' || i::varchar as ticket_id, "
            "'c' || (i % 20)::varchar as customer_id, "
            "case when i % 3 = 0 then 'solved' else 'open' end as status, "
            "(i % 97)::double as first_response_minutes, "
            f"timestamp '{FIRST}' as _refreshed_at from range({tickets}) t(i)"
        )
        con.execute(
            "create table marts.fct_contacts as select 'k' || i::varchar as contact_id, "
            "case when i % 10 = 0 then null else 'c' || (i % 20)::varchar end as customer_id, "
            f"i % 3 = 0 as is_first_contact_resolution, timestamp '{FIRST}' as _refreshed_at "
            "from range(300) t(i)"
        )
        con.execute(
            "create table marts.kpi_support_daily as select date '2026-06-01' + i::integer "
            "as date_day, 10 as new_tickets from range(10) t(i)"
        )
    finally:
        con.close()


def change(path: Path, *sql: str) -> None:
    con = duckdb.connect(str(path))
    try:
        for statement in sql:
            con.execute(statement)
    finally:
        con.close()


def rows(path: Path, table: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(f"select * from marts.{table} order by all").fetchall()
    finally:
        con.close()


def settings(tmp_path: Path, name: str = "serving", **env: str) -> ServingSettings:
    return ServingSettings.from_env(
        {"SERVING_PATH": str(tmp_path / name / "analytics.duckdb"), **env}
    )


def assert_same_as_from_scratch(tmp_path: Path, warehouse: Path, served: Path, m: dict) -> None:
    scratch = settings(tmp_path, "scratch", SERVING_INCREMENTAL="false")
    report = publish(warehouse, m, scratch)
    assert set(report.actions.values()) == {"written"}
    for table in report.tables:
        name = table.split(".")[1]
        assert rows(served, name) == rows(scratch.path, name), name
        assert rows(served, name) == rows(warehouse, name), name


# The night's changes to the warehouse, as a replace_scope run would leave them: the rows of the
# keys in scope deleted and recomputed with the new stamp.
RECOMPUTE_TICKETS = (
    "delete from marts.fct_tickets where ticket_id in ('t1', 't2', 't3')",
    "insert into marts.fct_tickets select 't' || i::varchar, 'c9', 'Changed', 1.5, "
    f"timestamp '{SECOND}' from range(1, 4) t(i)",
    f"insert into marts.fct_tickets values ('t999', 'c1', 'New', 3.0, timestamp '{SECOND}')",
)
# contact k12 moves from customer c12 to c5: both customers' groups are recomputed
MOVE_CONTACT = (
    "create temp table moved as select * replace (case when contact_id = 'k12' then 'c5' "
    f"else customer_id end as customer_id, timestamp '{SECOND}' as _refreshed_at) "
    "from marts.fct_contacts where customer_id in ('c12', 'c5')",
    "delete from marts.fct_contacts where customer_id in ('c12', 'c5')",
    "insert into marts.fct_contacts select * from moved",
    "update marts.kpi_support_daily set new_tickets = 11 where date_day = date '2026-06-02'",
)


def test_a_night_updates_only_the_rewritten_keys_and_equals_a_publish_from_scratch(
    tmp_path: Path,
) -> None:
    warehouse = tmp_path / "wh.duckdb"
    make_warehouse(warehouse)
    s = settings(tmp_path)
    first = publish(warehouse, manifest(), s)
    assert set(first.actions.values()) == {"written"}  # nothing to start from yet
    inode = s.path.stat().st_ino

    change(warehouse, *RECOMPUTE_TICKETS, *MOVE_CONTACT)
    second = publish(warehouse, manifest(), s)

    assert second.actions == {
        "marts.fct_tickets": "4 keys updated",
        "marts.fct_contacts": "2 keys updated",
        "marts.kpi_support_daily": "rewritten (rebuilt in full by dbt)",
    }
    assert s.path.stat().st_ino != inode  # still a new file swapped in atomically
    assert not list(s.path.parent.glob("*.next*"))
    assert_same_as_from_scratch(tmp_path, warehouse, s.path, manifest())
    con = duckdb.connect()
    con.execute(f"attach '{s.path}' as f (read_only)")
    tags = con.execute("select tags from duckdb_databases() where database_name = 'f'").fetchone()
    con.close()
    assert tags is not None and tags[0]["storage_version"].startswith(STORAGE_VERSION)

    third = publish(warehouse, manifest(), s)  # nothing new
    assert third.actions["marts.fct_tickets"] == "0 keys updated"
    assert "fct_tickets" in summarize_actions(third.actions)


@pytest.mark.parametrize(
    ("night", "why"),
    [
        (
            ("delete from marts.fct_tickets where ticket_id = 't7'",),
            "200 rows after the update, 199 in the warehouse",
        ),
        (
            (
                "delete from marts.fct_tickets where ticket_id = 't7'",
                f"insert into marts.fct_tickets values (null, 'c1', 'x', 1.0, '{SECOND}')",
            ),
            "a changed row has no key",
        ),
        (
            ("alter table marts.fct_tickets add column is_escalated boolean",),
            "new or other columns",
        ),
        (
            (f"update marts.fct_tickets set _refreshed_at = '{SECOND}' where ticket_id < 't5'",),
            "rows changed",  # more than REWRITE_SHARE of them
        ),
    ],
)
def test_what_cannot_be_updated_by_key_is_rewritten(
    tmp_path: Path, night: tuple[str, ...], why: str
) -> None:
    warehouse = tmp_path / "wh.duckdb"
    make_warehouse(warehouse)
    s = settings(tmp_path)
    publish(warehouse, manifest(), s)
    change(warehouse, *night)
    report = publish(warehouse, manifest(), s)
    action = report.actions["marts.fct_tickets"]
    assert action.startswith("rewritten (") and why in action, action
    assert report.actions["marts.fct_contacts"] == "0 keys updated"
    assert_same_as_from_scratch(tmp_path, warehouse, s.path, manifest())


def test_a_table_no_longer_served_is_dropped(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh.duckdb"
    make_warehouse(warehouse)
    s = settings(tmp_path)
    publish(warehouse, manifest(), s)
    report = publish(warehouse, manifest(with_contacts=False), s)
    assert set(report.actions) == {"marts.fct_tickets", "marts.kpi_support_daily"}
    con = duckdb.connect(str(s.path), read_only=True)
    tables = {
        t for (t,) in con.execute("select table_name from information_schema.tables").fetchall()
    }
    con.close()
    assert tables == {"fct_tickets", "kpi_support_daily"}


@pytest.mark.parametrize(
    "env",
    [
        {"SERVING_INCREMENTAL": "false"},
        {"SERVING_PSEUDONYMIZE_CUSTOMERS": "true", "SERVING_PSEUDONYMIZE_KEY": "k1"},
    ],
)
def test_switched_off_or_pseudonymised_publishes_write_from_scratch(
    tmp_path: Path, env: dict[str, str]
) -> None:
    warehouse = tmp_path / "wh.duckdb"
    make_warehouse(warehouse)
    s = settings(tmp_path, **env)
    publish(warehouse, manifest(), s)
    change(warehouse, *RECOMPUTE_TICKETS)
    report = publish(warehouse, manifest(), s)
    assert set(report.actions.values()) == {"written"}


def test_versioned_mode_starts_from_the_current_version(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh.duckdb"
    make_warehouse(warehouse)
    s = settings(tmp_path, SERVING_MODE="versioned")
    publish(warehouse, manifest(), s, stamp="20260601T020000000000Z")
    before = rows(s.path, "fct_tickets")
    change(warehouse, *RECOMPUTE_TICKETS)
    report = publish(warehouse, manifest(), s, stamp="20260602T020000000000Z")
    assert report.actions["marts.fct_tickets"] == "4 keys updated"
    assert os.readlink(s.path) == "analytics-20260602T020000000000Z.duckdb"
    assert rows(s.path.parent / "analytics-20260601T020000000000Z.duckdb", "fct_tickets") == before
    assert rows(s.path, "fct_tickets") == rows(warehouse, "fct_tickets")


def test_nightly_updates_do_not_grow_the_file_without_bound(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh.duckdb"
    make_warehouse(warehouse, tickets=100_000)
    s = settings(tmp_path)
    publish(warehouse, manifest(), s)
    first_size = s.path.stat().st_size
    for night in range(1, 15):
        stamp = f"2026-06-{night + 1:02d} 02:00:00"
        change(
            warehouse,
            f"update marts.fct_tickets set first_response_minutes = {night}, "
            f"_refreshed_at = '{stamp}' where hash(ticket_id, {night}) % 10 = 0",
        )
        report = publish(warehouse, manifest(), s)
        assert report.actions["marts.fct_tickets"].endswith("keys updated")
    assert s.path.stat().st_size < 3 * first_size
    assert rows(s.path, "fct_tickets") == rows(warehouse, "fct_tickets")


def test_a_live_file_of_another_storage_version_or_not_duckdb_is_not_reused(
    tmp_path: Path,
) -> None:
    warehouse = tmp_path / "wh.duckdb"
    make_warehouse(warehouse)
    s = settings(tmp_path)
    s.path.parent.mkdir()
    shutil.copyfile(warehouse, s.path)  # DuckDB 2.0's own storage version
    report = publish(warehouse, manifest(), s)
    assert set(report.actions.values()) == {"written"}
    s.path.write_bytes(b"not a database")
    report = publish(warehouse, manifest(), s)
    assert set(report.actions.values()) == {"written"}
    assert rows(s.path, "fct_tickets") == rows(warehouse, "fct_tickets")
    assert not list(s.path.parent.glob("*.next*"))
