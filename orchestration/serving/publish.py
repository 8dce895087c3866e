"""One entry point: publish the servable marts of a warehouse to every configured target."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orchestration.serving.columns import served_tables
from orchestration.serving.duckdb_file import publish_file, publish_versioned
from orchestration.serving.parquet import publish_parquet
from orchestration.serving.postgres import publish_postgres
from orchestration.serving.settings import ServingSettings
from orchestration.serving.snapshot import open_source


@dataclass
class PublishReport:
    """What one publish wrote: tables with row counts and published columns, and the targets."""

    tables: dict[str, int] = field(default_factory=dict)
    columns: dict[str, list[str]] = field(default_factory=dict)
    targets: dict[str, str] = field(default_factory=dict)
    actions: dict[str, str] = field(default_factory=dict)
    """How the DuckDB serving file got each table: written, rewritten, or `N keys updated`."""
    seconds: float = 0.0


def summarize_actions(actions: Mapping[str, str]) -> str:
    """One line for the run log: how many tables were updated by key, rewritten or written."""
    updated = [t for t, a in actions.items() if a.endswith("keys updated")]
    rewritten = [t for t, a in actions.items() if a.startswith("rewritten")]
    written = len(actions) - len(updated) - len(rewritten)
    parts = []
    if updated:
        parts.append(f"{len(updated)} updated by key ({', '.join(sorted(updated))})")
    if rewritten:
        parts.append(f"{len(rewritten)} rewritten")
    if written:
        parts.append(f"{written} written from scratch")
    return "; ".join(parts) or "no tables"


def load_manifest(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def publish(
    warehouse: Path,
    manifest: Mapping[str, Any],
    settings: ServingSettings,
    stamp: str | None = None,
) -> PublishReport:
    """Copy the marts of `warehouse` (read-only) to each target of `settings.modes`.

    Every target is written completely aside and swapped in atomically; an error before the swap
    leaves the previous serving copy untouched. The DuckDB file is updated from a copy of the
    current one when `settings.incremental` is on and customer ids are not pseudonymised (a new
    key would leave the unchanged rows with the old pseudonyms).
    """
    started = time.perf_counter()
    incremental = settings.incremental and settings.pseudonymize_key is None
    report = PublishReport()
    tables = served_tables(manifest)
    with open_source(warehouse, tables, settings.pseudonymize_key) as (con, relations):
        if not relations:
            raise RuntimeError(f"no mart tables found in {warehouse}; nothing to publish")
        for r in relations:
            key = f"{r.table.schema}.{r.table.name}"
            report.tables[key] = r.row_count
            report.columns[key] = [c for c, _ in r.columns]
        for mode in settings.modes:
            if mode == "duckdb":
                report.actions = publish_file(con, relations, settings.path, incremental)
                report.targets[mode] = str(settings.path)
            elif mode == "versioned":
                written, report.actions = publish_versioned(
                    con, relations, settings.path, settings.keep_versions, stamp, incremental
                )
                report.targets[mode] = str(written)
            elif mode == "parquet":
                snapshot = publish_parquet(
                    con, relations, settings.parquet_dir, settings.keep_versions, stamp
                )
                report.targets[mode] = str(snapshot)
            elif mode == "postgres":
                assert settings.postgres_dsn
                publish_postgres(con, relations, settings.postgres_dsn, settings.postgres_readers)
                report.targets[mode] = "postgres"
    report.seconds = time.perf_counter() - started
    return report
