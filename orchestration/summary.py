"""Print what the warehouse holds: rows per mart and a few headline KPIs.

Usage: python -m orchestration.summary [--warehouse PATH]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb

from orchestration.cli import check_warehouse_file, run
from orchestration.settings import Settings

HEADLINES: dict[str, str] = {
    "tickets": "select count(*) from marts.fct_tickets",
    "solved or closed (%)": "select round(100.0 * avg(case when is_solved then 1 else 0 end), 1)"
    " from marts.fct_tickets",
    "median first response (calendar minutes)": "select round(median(first_response_minutes), 1)"
    " from marts.fct_tickets",
    "median full resolution (calendar hours)": "select round(median(full_resolution_minutes)"
    " / 60, 1) from marts.fct_tickets",
    "tickets reopened (%)": "select round(100.0 * avg(case when reopens_count > 0 then 1 else 0"
    " end), 1) from marts.fct_tickets",
    "tickets with an unknown customer": "select count(*) from marts.fct_tickets"
    " where not has_known_customer",
    "contacts (tickets, chats, inbound calls)": "select count(*) from marts.fct_contacts",
    "CSAT, all months (%)": "select round(100.0 * sum(satisfied) / nullif(sum(responses), 0), 1)"
    " from marts.kpi_survey_monthly where survey_type = 'csat'",
    "NPS, all months": "select round(100.0 * (sum(promoters) - sum(detractors))"
    " / nullif(sum(responses), 0), 1) from marts.kpi_survey_monthly where survey_type = 'nps'",
}


def mart_row_counts(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    tables = con.execute(
        "select table_name from information_schema.tables "
        "where table_schema = 'marts' order by table_name"
    ).fetchall()
    return [
        (name, int(con.execute(f'select count(*) from marts."{name}"').fetchone()[0]))
        for (name,) in tables
    ]


def headline_kpis(con: duckdb.DuckDBPyConnection) -> list[tuple[str, object]]:
    values = []
    for label, sql in HEADLINES.items():
        try:
            values.append((label, con.execute(sql).fetchone()[0]))
        except duckdb.Error:
            values.append((label, "n/a"))
    return values


def render_summary(warehouse_path: Path) -> str:
    check_warehouse_file(warehouse_path)
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        counts = mart_row_counts(con)
        kpis = headline_kpis(con) if counts else []
    finally:
        con.close()
    width = max([len(n) for n, _ in counts] + [len(k) for k, _ in kpis] + [10])
    lines = [f"Warehouse: {warehouse_path}", "", "Rows per mart:"]
    lines += [f"  {name:<{width}}  {rows:>12,}" for name, rows in counts]
    lines += ["", "Headline KPIs:"]
    lines += [f"  {label:<{width}}  {value!s:>12}" for label, value in kpis]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m orchestration.summary",
        description="Print rows per mart and headline support KPIs from the DuckDB warehouse.",
    )
    parser.add_argument(
        "--warehouse",
        type=Path,
        default=None,
        help="warehouse file (default: WAREHOUSE_PATH or data/warehouse.duckdb)",
    )
    args = parser.parse_args(argv)
    print(render_summary(args.warehouse or Settings.from_env().warehouse_path))


if __name__ == "__main__":
    run(main, "python -m orchestration.summary")
