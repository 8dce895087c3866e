"""Print what the warehouse holds: rows per mart and a few headline KPIs.

Usage: python -m orchestration.summary [--warehouse PATH]
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from pathlib import Path

import duckdb

from orchestration.cli import check_warehouse_file, run
from orchestration.serving.settings import ServingSettings
from orchestration.settings import Settings

HEADLINES: dict[str, str] = {
    "tickets": "select count(*) from marts.fct_tickets",
    "tickets solved or closed (%)": "select round(100.0 * avg(case when is_solved then 1"
    " else 0 end), 1) from marts.fct_tickets",
    "tickets: median first response (calendar minutes)": "select"
    " round(median(first_response_minutes), 1) from marts.fct_tickets",
    "tickets: median full resolution (calendar hours)": "select"
    " round(median(full_resolution_minutes) / 60, 1) from marts.fct_tickets",
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


NO_DATA = "no data"
"""Shown for a KPI with nothing to measure (e.g. no survey response); 'n/a' when its mart is
missing."""


def headline_kpis(con: duckdb.DuckDBPyConnection) -> list[tuple[str, object]]:
    values: list[tuple[str, object]] = []
    for label, sql in HEADLINES.items():
        try:
            value = con.execute(sql).fetchone()[0]
        except duckdb.Error:
            value = "n/a"
        values.append((label, NO_DATA if value is None else value))
    return values


def serving_file(environ: Mapping[str, str] = os.environ) -> Path | None:
    """The serving DuckDB file BI tools open (SERVING_PATH), when the publish writes one."""
    try:
        settings = ServingSettings.from_env(environ)
    except ValueError:  # the nightly job reports bad serving settings itself
        return None
    return settings.path if {"duckdb", "versioned"} & set(settings.modes) else None


def render_summary(warehouse_path: Path, serving_path: Path | None = None) -> str:
    check_warehouse_file(warehouse_path)
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        counts = mart_row_counts(con)
        kpis = headline_kpis(con) if counts else []
    finally:
        con.close()
    width = max([len(n) for n, _ in counts] + [len(k) for k, _ in kpis] + [10])
    lines = [f"Warehouse: {warehouse_path}"]
    if serving_path is not None and serving_path.exists():
        lines.append(f"Serving file for BI tools (the published marts): {serving_path}")
    lines += ["", "Rows per mart:"]
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
    print(render_summary(args.warehouse or Settings.from_env().warehouse_path, serving_file()))


if __name__ == "__main__":
    run(main, "python -m orchestration.summary")
