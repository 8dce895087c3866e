"""A tiny warehouse with mart-shaped tables and its manifest, for tests of the publish step.

`generation` changes every number, so a reader can tell which publish it saw: generation g has
100 * g tickets and kpi rows whose new_tickets add up to the same total.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb


def synthetic_manifest() -> dict[str, Any]:
    def model(name: str, columns: dict[str, dict[str, Any]], schema: str = "marts") -> dict:
        return {
            "resource_type": "model",
            "name": name,
            "schema": schema,
            "config": {"materialized": "table"},
            "columns": {c: {"name": c, "meta": m} for c, m in columns.items()},
        }

    nodes = {
        "model.x.dim_customers": model(
            "dim_customers",
            {"customer_id": {}, "customer_name": {"contains_pii": True}, "email": {}},
        ),
        "model.x.fct_tickets": model("fct_tickets", {"ticket_id": {}, "subject": {}}),
        "model.x.kpi_support_daily": model("kpi_support_daily", {"date_day": {}}),
        "model.x.stg_tickets": model("stg_tickets", {}, schema="staging"),
    }
    return {"nodes": nodes}


def make_warehouse(path: Path, generation: int, scale: int = 100) -> tuple[int, int]:
    """(Re)write `path` with generation `generation`; returns (tickets, kpi new_tickets total)."""
    tickets = scale * generation
    con = duckdb.connect(str(path))
    try:
        for schema in ("marts", "staging"):
            con.execute(f"create schema if not exists {schema}")
        con.execute(
            "create or replace table marts.dim_customers as select 'c' || i::varchar as "
            "customer_id, 'Name ' || i::varchar as customer_name, 'p' || i::varchar || "
            "'@example.org' as email, case when i % 2 = 0 then 'smb' else 'ent' end as segment "
            "from range(50) t(i)"
        )
        con.execute(
            "create or replace table marts.fct_tickets as select 't' || i::varchar as ticket_id, "
            "'c' || (i % 50)::varchar as customer_id, 'Subject ' || i::varchar as subject, "
            f"{generation} as generation, (i % 97)::double as first_response_minutes, "
            "timestamp '2026-06-01' + to_minutes(i::bigint) as created_at "
            f"from range({tickets}) t(i)"
        )
        con.execute(
            "create or replace table marts.kpi_support_daily as select date '2026-06-01' + "
            f"i::integer as date_day, {generation} as generation, "
            f"case when i < 9 then {tickets // 10} else {tickets - 9 * (tickets // 10)} end "
            "as new_tickets from range(10) t(i)"
        )
        con.execute("create or replace table staging.stg_tickets as select 1 as secret")
    finally:
        con.close()
    return tickets, tickets
