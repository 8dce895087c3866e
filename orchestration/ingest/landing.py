"""The landing folder: which files are there, for which entity, in which format.

Layout: `<LANDING_DIR>/<entity>/**/<name>.csv|.csv.gz|.jsonl|.parquet`, one folder per entity of
the contract (contract.py). Hidden files and folders (a name starting with `.`) and files with
other suffixes are ignored and logged. Pure helpers, no DuckDB and no Dagster here.
"""

from __future__ import annotations

import logging
from pathlib import Path

from orchestration.ingest.contract import ENTITIES, FILE_SUFFIXES

logger = logging.getLogger(__name__)

EXPECTED_LAYOUT = (
    "<LANDING_DIR>/<entity>/<name>.csv | .csv.gz | .jsonl | .parquet, "
    f"with <entity> one of: {', '.join(ENTITIES)}"
)


class EmptyLandingError(RuntimeError):
    """The landing folder holds no data file at all (or does not exist)."""


def file_format(path: Path) -> str | None:
    """The landing format of a file name (`csv`, `csv.gz`, `jsonl`, `parquet`), or None.

    Suffixes match case-insensitively; `.csv.gz` wins over a bare `.gz`.
    """
    name = path.name.lower()
    for suffix in sorted(FILE_SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            return suffix.lstrip(".")
    return None


def relative_name(path: Path, landing_dir: Path) -> str:
    """The path of a file relative to the landing folder, with forward slashes."""
    return path.relative_to(landing_dir).as_posix()


def _is_hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def discover_files(landing_dir: Path) -> dict[str, list[Path]]:
    """Data files per entity, each list sorted by path relative to the landing folder.

    Every entity of the contract is a key (an empty list when it has no file). Entity folders are
    searched recursively. Unknown folders, loose files, hidden files and unsupported suffixes are
    ignored with a log message. A missing landing folder gives empty lists (see
    `require_files` for the error).
    """
    landing_dir = Path(landing_dir)
    found: dict[str, list[Path]] = {name: [] for name in ENTITIES}
    if not landing_dir.is_dir():
        logger.warning("Landing folder %s does not exist", landing_dir)
        return found
    for child in sorted(landing_dir.iterdir()):
        if child.name.startswith("."):
            continue
        if child.is_file():
            logger.warning(
                "Ignoring %s: files must sit in an entity folder (%s)", child.name, EXPECTED_LAYOUT
            )
            continue
        if child.name not in ENTITIES:
            logger.warning(
                "Ignoring folder %s: not an entity of the landing contract (%s)",
                child.name,
                ", ".join(ENTITIES),
            )
            continue
        files = []
        for path in child.rglob("*"):
            if not path.is_file():
                continue
            rel = relative_name(path, landing_dir)
            if _is_hidden(path, child):
                logger.info("Ignoring hidden file %s", rel)
            elif file_format(path) is None:
                logger.warning(
                    "Ignoring %s: unsupported suffix (expected %s)", rel, ", ".join(FILE_SUFFIXES)
                )
            else:
                files.append(path)
        found[child.name] = sorted(files, key=lambda p: relative_name(p, landing_dir))
    return found


def require_files(landing_dir: Path, files: dict[str, list[Path]]) -> None:
    """Raise EmptyLandingError when `files` (from discover_files) holds no data file at all."""
    if not any(files.values()):
        state = "does not exist" if not Path(landing_dir).is_dir() else "holds no data file"
        raise EmptyLandingError(
            f"Landing folder {landing_dir} {state}. Expected layout: {EXPECTED_LAYOUT}. "
            "Set LANDING_DIR to the folder holding the exports (or run `make demo`)."
        )
