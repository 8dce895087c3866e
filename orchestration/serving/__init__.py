"""Publish the marts to BI tools: a separate, read-only serving copy swapped in atomically.

See docs/serving.md. Modules: `columns` (what BI may see), `naming` (file names, versions),
`settings` (environment), `duckdb_file`, `parquet`, `postgres` (the publish targets), `publish`
(one entry point), `assets` (the Dagster asset), `bench_queries` (dashboard query latencies).
"""
