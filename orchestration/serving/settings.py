"""Serving settings from the environment (documented in docs/serving.md)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from orchestration.settings import check_duckdb_file_name, env_flag, resolve_path

MODES = ("duckdb", "versioned", "parquet", "postgres")


@dataclass(frozen=True)
class ServingSettings:
    """Where and how the marts are published.

    SERVING_MODE        comma list of duckdb (default), versioned, parquet, postgres
    SERVING_PATH        serving DuckDB file (default data/analytics.duckdb); in versioned mode the
                        stable symlink, beside analytics-<stamp>.duckdb and analytics.current
    SERVING_KEEP_VERSIONS  versioned files / parquet snapshots kept (default 3)
    SERVING_PARQUET_DIR parquet root (default data/serving_parquet)
    SERVING_POSTGRES_DSN  libpq connection string for the postgres mode
    SERVING_POSTGRES_READERS  comma list of roles granted read access to the new schema
    SERVING_PSEUDONYMIZE_CUSTOMERS  true: customer ids become keyed pseudonyms
    SERVING_PSEUDONYMIZE_KEY        the secret key of those pseudonyms (required then)
    SERVING_INCREMENTAL  true (default): the DuckDB file starts from a copy of the current one and
                        gets only the keys the warehouse rewrote; false: written from scratch
    """

    modes: tuple[str, ...]
    path: Path
    keep_versions: int
    parquet_dir: Path
    postgres_dsn: str | None
    postgres_readers: tuple[str, ...]
    pseudonymize_key: bytes | None
    incremental: bool = True

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> ServingSettings:
        modes = tuple(
            m.strip().lower()
            for m in (environ.get("SERVING_MODE") or "duckdb").split(",")
            if m.strip()
        )
        unknown = sorted(set(modes) - set(MODES))
        if unknown:
            raise ValueError(f"unknown SERVING_MODE {unknown}; use any of {list(MODES)}")
        if {"duckdb", "versioned"} <= set(modes):
            raise ValueError("SERVING_MODE: duckdb and versioned both own SERVING_PATH; pick one")
        key: bytes | None = None
        if env_flag(environ.get("SERVING_PSEUDONYMIZE_CUSTOMERS")):
            secret = environ.get("SERVING_PSEUDONYMIZE_KEY") or ""
            if not secret:
                raise ValueError(
                    "SERVING_PSEUDONYMIZE_CUSTOMERS is on but SERVING_PSEUDONYMIZE_KEY is empty"
                )
            key = secret.encode("utf-8")
        dsn = (environ.get("SERVING_POSTGRES_DSN") or "").strip() or None
        if "postgres" in modes and not dsn:
            raise ValueError("SERVING_MODE postgres needs SERVING_POSTGRES_DSN")
        return cls(
            modes=modes or ("duckdb",),
            path=check_duckdb_file_name(
                "SERVING_PATH", resolve_path(environ.get("SERVING_PATH") or "data/analytics.duckdb")
            ),
            keep_versions=max(1, int(environ.get("SERVING_KEEP_VERSIONS") or "3")),
            parquet_dir=resolve_path(environ.get("SERVING_PARQUET_DIR") or "data/serving_parquet"),
            postgres_dsn=dsn,
            postgres_readers=tuple(
                r.strip()
                for r in (environ.get("SERVING_POSTGRES_READERS") or "").split(",")
                if r.strip()
            ),
            pseudonymize_key=key,
            incremental=env_flag(environ.get("SERVING_INCREMENTAL") or "true"),
        )
