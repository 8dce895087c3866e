"""Latency of ten typical dashboard queries on the serving file (median and 95th percentile).

`dashboard_query_latencies(serving_path)` is what `make bench` (orchestration/bench.py) calls.
Each query runs on a fresh read-only connection, as a BI tool's pooled connection would after a
refresh, `repeats` times after one warm-up run.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import duckdb

DASHBOARD_QUERIES: dict[str, str] = {
    "kpi_new_tickets_total": "select sum(new_tickets) from marts.kpi_support_daily",
    "kpi_weekly_volume": (
        "select date_trunc('week', date_day) as week, sum(new_tickets) as new_tickets, "
        "sum(solved_tickets) as solved_tickets from marts.kpi_support_daily group by 1 order by 1"
    ),
    "kpi_backlog_by_team_last_day": (
        "select team_id, sum(backlog_tickets) as backlog from marts.kpi_support_daily "
        "where date_day = (select max(date_day) from marts.kpi_support_daily) "
        "group by 1 order by 2 desc"
    ),
    "median_first_response_by_channel": (
        "select channel, percentile_cont(0.5) within group (order by first_response_minutes) "
        "as median_minutes from marts.fct_tickets group by 1 order by 1"
    ),
    "p90_first_response_by_month": (
        "select date_trunc('month', created_at) as month, percentile_cont(0.9) within group "
        "(order by first_response_business_minutes) as p90 from marts.fct_tickets "
        "group by 1 order by 1"
    ),
    "sla_attainment_by_metric_and_priority": (
        "select sla_metric, priority, 100.0 * sum(case when not is_breached then 1 else 0 end) / "
        "nullif(sum(case when is_breached is not null then 1 else 0 end), 0) as met_pct "
        "from marts.fct_sla_events group by 1, 2 order by 1, 2"
    ),
    "one_touch_by_segment": (
        "select c.segment, 100.0 * avg(case when t.is_one_touch_resolution then 1 else 0 end) "
        "as one_touch_pct from marts.fct_tickets as t join marts.dim_customers as c "
        "on c.customer_id = t.customer_id where t.is_solved group by 1 order by 1"
    ),
    "replies_per_agent_last_30_days": (
        "select a.agent_id, a.team_id, count(*) as replies, median(r.reply_minutes) as median_min "
        "from marts.fct_ticket_replies as r join marts.dim_agents as a on a.agent_id = r.agent_id "
        "where r.replied_at >= (select max(replied_at) from marts.fct_ticket_replies) "
        "- interval 30 day group by 1, 2 order by 3 desc limit 50"
    ),
    "tickets_by_channel_and_status": (
        "select channel, status, count(*) as tickets from marts.fct_tickets group by 1, 2 "
        "order by 1, 2"
    ),
    "ticket_drilldown_page": (
        "select ticket_id, channel, priority, status, created_at, first_response_minutes, "
        "full_resolution_business_minutes from marts.fct_tickets "
        "where channel = 'email' and priority = 'high' order by created_at desc limit 100"
    ),
}


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..1) of a non-empty list."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def dashboard_query_latencies(
    serving_path: str | Path, repeats: int = 10, queries: dict[str, str] | None = None
) -> dict[str, dict[str, float]]:
    """{query name: {"median_ms", "p95_ms", "rows"}} plus "_all" over every run of every query."""
    results: dict[str, dict[str, float]] = {}
    everything: list[float] = []
    for name, sql in (queries or DASHBOARD_QUERIES).items():
        timings: list[float] = []
        rows = 0
        for attempt in range(repeats + 1):
            started = time.perf_counter()
            con = duckdb.connect(str(serving_path), read_only=True)
            try:
                rows = len(con.execute(sql).fetchall())
            finally:
                con.close()
            if attempt:  # the first run warms the OS page cache
                timings.append((time.perf_counter() - started) * 1000)
        everything += timings
        results[name] = {
            "median_ms": round(statistics.median(timings), 2),
            "p95_ms": round(percentile(timings, 0.95), 2),
            "rows": rows,
        }
    results["_all"] = {
        "median_ms": round(statistics.median(everything), 2),
        "p95_ms": round(percentile(everything, 0.95), 2),
        "rows": len(everything),
    }
    return results


def main(argv: list[str] | None = None) -> None:
    import argparse
    import json

    parser = argparse.ArgumentParser(
        prog="python -m orchestration.serving.bench_queries",
        description="Time ten typical dashboard queries on a serving file (each on a fresh "
        "read-only connection, after one warm-up run) and print the median and 95th percentile "
        "per query as JSON, as `make bench` reports them.",
    )
    parser.add_argument("serving_path", help="the serving DuckDB file, e.g. data/analytics.duckdb")
    parser.add_argument("--repeats", type=int, default=10, help="timed runs per query (default 10)")
    args = parser.parse_args(argv)
    if not Path(args.serving_path).is_file():
        parser.error(f"no serving file at {args.serving_path} (run `make run` first)")
    print(json.dumps(dashboard_query_latencies(args.serving_path, args.repeats), indent=2))


if __name__ == "__main__":
    main()
