"""File names of the serving copies: temporary files, versioned files, which versions to prune."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from orchestration.serving.columns import SERVING_SCHEMAS

VERSION_FORMAT = "%Y%m%dT%H%M%S%fZ"
_VERSION_RE = r"\d{8}T\d{12}Z"


def check_serving_name(path: Path, schemas: Iterable[str] = SERVING_SCHEMAS) -> None:
    """Refuse a serving file named after a schema inside it (DuckDB: 'Ambiguous reference')."""
    stem = path.name.split(".")[0].lower()
    reserved = {s.lower() for s in schemas} | {"main", "information_schema", "pg_catalog", "temp"}
    if stem in reserved:
        raise ValueError(
            f"serving file {path.name!r} is named after a schema inside it; "
            "choose another name such as analytics.duckdb"
        )


def temporary_path(path: Path) -> Path:
    """Where a new serving file is written before the atomic replace (same folder)."""
    return path.with_name(path.name + ".next")


def version_stamp(now: datetime | None = None) -> str:
    """A sortable UTC stamp, e.g. 20260701T020000123456Z."""
    return (now or datetime.now(UTC)).astimezone(UTC).strftime(VERSION_FORMAT)


def versioned_path(path: Path, stamp: str) -> Path:
    """analytics.duckdb + stamp -> analytics-<stamp>.duckdb beside it."""
    return path.with_name(f"{path.stem}-{stamp}{path.suffix}")


def pointer_path(path: Path) -> Path:
    """The small text file naming the current versioned file (analytics.current)."""
    return path.with_name(path.stem + ".current")


def is_version_of(path: Path, candidate: str) -> bool:
    pattern = re.escape(path.stem) + "-" + _VERSION_RE + re.escape(path.suffix)
    return re.fullmatch(pattern, candidate) is not None


def versions_to_prune(path: Path, names: Iterable[str], keep: int) -> list[str]:
    """Versioned file names beyond the newest `keep` (oldest first). keep < 1 counts as 1."""
    versions = sorted(n for n in names if is_version_of(path, n))
    return versions[: max(0, len(versions) - max(1, keep))]
