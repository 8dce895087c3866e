"""Runtime settings read from the environment (one place, no Dagster imports).

Relative paths resolve against the repository root (the folder holding dbt_project.yml), never
against the current working directory, so Dagster, dbt and tests agree on where files are.
"""

from __future__ import annotations

import difflib
import functools
import os
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
"""The repository root: the folder holding dbt_project.yml."""

DEFAULTS: dict[str, str] = {
    "LANDING_DIR": "data/landing",
    "WAREHOUSE_PATH": "data/warehouse.duckdb",
    "REPORTING_TIMEZONE": "UTC",
    "LANDING_DEFAULT_TIMEZONE": "UTC",
}


def env_flag(value: str | None) -> bool:
    """An on/off environment setting: 1, true, yes or on (any case) is on; anything else off."""
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def resolve_path(value: str | os.PathLike[str], root: Path = REPO_ROOT) -> Path:
    """Expand `~` and resolve a relative path against `root` (the repository root by default)."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else root / path


WAREHOUSE_SCHEMAS = ("raw", "staging", "quarantine", "intermediate", "marts", "reference")
"""The schemas the ingest and dbt create (dbt_project.yml, macros/generate_schema_name.sql)."""


def check_duckdb_file_name(variable: str, path: Path) -> Path:
    """`path`, unless its name would clash with a schema of the warehouse: DuckDB names an opened
    file's database after the file, so in `raw.duckdb` the name `raw.tickets` is ambiguous
    (database raw or schema raw) and every query of it fails with a binder error."""
    if path.stem.lower() in WAREHOUSE_SCHEMAS:
        refused = ", ".join(WAREHOUSE_SCHEMAS)
        raise ValueError(
            f"{variable}={path}: a DuckDB file named {path.name!r} clashes with the warehouse's "
            f"schema {path.stem.lower()!r} (DuckDB names the database after the file, so "
            f"'{path.stem.lower()}.<table>' becomes ambiguous). Pick another file name, e.g. "
            f"{path.with_name('warehouse.duckdb')}; names not allowed: {refused}"
        )
    return path


@functools.cache
def time_zone_names() -> frozenset[str]:
    """The IANA time zone names (Python's zoneinfo: the system database and the tzdata package).
    Read once per process: listing them walks the zone files (10-30 ms)."""
    return frozenset(zoneinfo.available_timezones() - {"localtime"})  # localtime: no name


def check_time_zone(variable: str, name: str) -> str:
    """`name`, when it is a zone of the IANA time zone database (exactly as spelled there: every
    engine the project runs on knows those names). Otherwise a ValueError naming the variable and
    the closest names: a typo would otherwise surface only as a failing dbt model, or not until the
    first naive landing time arrives."""
    zones = time_zone_names()
    if name in zones:
        return name
    by_lower = {zone.lower(): zone for zone in zones}
    close = [by_lower[name.lower()]] if name.lower() in by_lower else []
    close += difflib.get_close_matches(name, sorted(zones), n=3, cutoff=0.6)
    hint = f" Did you mean {' or '.join(dict.fromkeys(close))}?" if close else ""
    raise ValueError(
        f"{variable}={name!r} is not a time zone of the IANA database (such as UTC, "
        f"Europe/Berlin or America/New_York).{hint}"
    )


@dataclass(frozen=True)
class Settings:
    """Where the landing files and the warehouse live, and which time zones apply."""

    landing_dir: Path
    warehouse_path: Path
    reporting_timezone: str
    landing_default_timezone: str
    dagster_home: Path | None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        """Build settings from environment variables, with the documented defaults.

        Empty values count as unset. `DAGSTER_HOME` is optional (None when unset). A warehouse
        file named after one of its schemas is refused (`check_duckdb_file_name`), and so is a
        time zone that is not an IANA name (`check_time_zone`).
        """

        def get(name: str) -> str:
            value = (environ.get(name) or "").strip()
            return value or DEFAULTS[name]

        dagster_home = (environ.get("DAGSTER_HOME") or "").strip()
        return cls(
            landing_dir=resolve_path(get("LANDING_DIR")),
            warehouse_path=check_duckdb_file_name(
                "WAREHOUSE_PATH", resolve_path(get("WAREHOUSE_PATH"))
            ),
            reporting_timezone=check_time_zone("REPORTING_TIMEZONE", get("REPORTING_TIMEZONE")),
            landing_default_timezone=check_time_zone(
                "LANDING_DEFAULT_TIMEZONE", get("LANDING_DEFAULT_TIMEZONE")
            ),
            dagster_home=resolve_path(dagster_home) if dagster_home else None,
        )


DUCKDB_DEFAULTS: dict[str, str] = {"DUCKDB_MEMORY_LIMIT": "2.5GB", "DUCKDB_THREADS": "2"}


def full_build_threads(environ: Mapping[str, str] = os.environ) -> int:
    """Nodes dbt runs at once in a full build (`DBT_FULL_BUILD_THREADS`, default 1).

    In a full build every ticket model reads every event with window functions; two of them at
    once share one DuckDB `memory_limit` and ran out of it at 5M tickets (3GB, 2026-12-03). Nightly
    incremental runs keep `DBT_THREADS` (their nodes are small)."""
    value = (environ.get("DBT_FULL_BUILD_THREADS") or "").strip() or "1"
    threads = int(value) if value.isdigit() else 0
    if threads < 1:
        raise ValueError(
            f"DBT_FULL_BUILD_THREADS must be a whole number of at least 1, not {value!r}"
        )
    return threads


def duckdb_config(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """Settings for every DuckDB connection the nightly job opens (ingest, checks, publish): the
    `memory_limit` and `threads` dbt's profile uses (`DUCKDB_MEMORY_LIMIT`, `DUCKDB_THREADS`), so
    no step falls back to DuckDB's default of 80 % of the machine's memory."""

    def get(name: str) -> str:
        return (environ.get(name) or "").strip() or DUCKDB_DEFAULTS[name]

    return {"memory_limit": get("DUCKDB_MEMORY_LIMIT"), "threads": get("DUCKDB_THREADS")}
