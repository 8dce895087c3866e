"""dim_customers is refreshed per customer: an incremental run gives the rows a full build gives.

The awkward case: a ticket re-delivered under another customer leaves the customer it named
before, an inferred customer (not in the customers data) that nothing names any more. A full build
has no row for them; the incremental run must drop theirs (their key is in scope through the
ticket's earlier delivered version). dbt runs on a throw-away DuckDB with hand-written raw rows.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from test_staging_dbt import create_raw_tables, insert_rows, query, run_dbt

pytestmark = pytest.mark.slow

TICKET = {"channel": "email", "status": "open", "created_at": "2024-03-01T10:00:00Z"}
COLUMNS = "customer_id, segment, is_inferred"


def run(tmp_path: Path, warehouse: Path, *extra: str) -> None:
    result = run_dbt(tmp_path, warehouse, "run", "--select", "+dim_customers", *extra)
    assert result.returncode == 0, result.stdout[-6000:]


def customers(warehouse: Path) -> list[tuple]:
    return query(warehouse, f"select {COLUMNS} from marts.dim_customers order by customer_id")


def deliver_tickets(
    warehouse: Path, file_id: int, tickets: list[tuple[str, str, str]], load_run_id: int = 1
) -> None:
    """One tickets file of (ticket_id, customer_id, updated_at) rows."""
    rows = [
        {**TICKET, "ticket_id": ticket, "customer_id": customer, "updated_at": updated}
        for ticket, customer, updated in tickets
    ]
    with duckdb.connect(str(warehouse)) as con:
        insert_rows(con, "tickets", f"t{file_id}.csv", file_id, rows, load_run_id=load_run_id)


def test_a_customer_no_record_names_any_more_leaves_the_dimension(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        create_raw_tables(con)
        insert_rows(con, "customers", "c1.csv", 1, [{"customer_id": "C1", "segment": "smb"}])
    history = [("T1", "CX", "2024-03-01"), ("T2", "C1", "2024-03-01"), ("T4", "CZ", "2024-03-01")]
    deliver_tickets(warehouse, 2, history)
    run(tmp_path, warehouse)
    assert customers(warehouse) == [
        ("C1", "smb", False),
        ("CX", "unknown", True),
        ("CZ", "unknown", True),
    ]

    # The next night: T1 re-delivered under C1 (CX was named by T1 alone), a new ticket for CY.
    deliver_tickets(warehouse, 3, [("T1", "C1", "2024-03-02"), ("T3", "CY", "2024-03-02")], 2)
    rebuilt = tmp_path / "rebuilt.duckdb"
    shutil.copyfile(warehouse, rebuilt)
    run(tmp_path, warehouse)
    run(tmp_path, rebuilt, "--full-refresh")
    expected = [("C1", "smb", False), ("CY", "unknown", True), ("CZ", "unknown", True)]
    assert customers(rebuilt) == expected
    assert customers(warehouse) == expected  # CX left; CZ, not in scope, kept its row
    stamps = query(
        warehouse,
        "select customer_id from marts.dim_customers "
        "where _refreshed_at = (select max(_refreshed_at) from marts.dim_customers) "
        "order by customer_id",
    )
    # C1 was recomputed (T1 names it now) but came out the same: only CY's row was written.
    assert stamps == [("CY",)]
