"""The landing folder: which files are there, for which entity, in which format.

Layout: `<LANDING_DIR>/<entity>/**/<name>.csv|.csv.gz|.jsonl|.jsonl.gz|.parquet`, one folder
per entity of the contract (contract.py). Hidden files and folders (a name starting with `.`)
are skipped; files with other suffixes, loose files and unknown folders are ignored, logged and
listed by `scan_landing` (the ingest step reports them). Pure helpers, no DuckDB and no
Dagster here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from orchestration.ingest.contract import ENTITIES, FILE_SUFFIXES

logger = logging.getLogger(__name__)

EXPECTED_LAYOUT = (
    "<LANDING_DIR>/<entity>/<name>.csv | .csv.gz | .jsonl | .jsonl.gz | .parquet, "
    f"with <entity> one of: {', '.join(ENTITIES)}"
)


class EmptyLandingError(RuntimeError):
    """The landing folder holds no data file at all (or does not exist)."""


def file_format(path: Path) -> str | None:
    """The landing format of a file name (`csv`, `csv.gz`, `jsonl`, `jsonl.gz`, `parquet`), or None.

    Suffixes match case-insensitively; `.csv.gz` and `.jsonl.gz` win over a bare `.gz`.
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


@dataclass(frozen=True)
class IgnoredFile:
    """A file in the landing folder that is not loaded, and why."""

    entity: str | None
    """The entity folder it sits in; None for a loose file or a folder of no entity."""
    path: str
    """Relative to the landing folder (a folder's name for a folder of no entity)."""
    reason: str
    hidden: bool = False
    """A hidden file (a name starting with `.` below the entity folder): skipped on purpose."""


def _scan(landing_dir: Path) -> tuple[dict[str, list[Path]], list[IgnoredFile]]:
    found: dict[str, list[Path]] = {name: [] for name in ENTITIES}
    ignored: list[IgnoredFile] = []
    if not landing_dir.is_dir():
        return found, ignored
    for child in sorted(landing_dir.iterdir()):
        if child.name.startswith("."):
            continue
        if child.is_file():
            reason = f"files must sit in an entity folder ({EXPECTED_LAYOUT})"
            ignored.append(IgnoredFile(None, child.name, reason))
            continue
        if child.name not in ENTITIES:
            reason = f"not an entity of the landing contract ({', '.join(ENTITIES)})"
            ignored.append(IgnoredFile(None, child.name + "/", reason))
            continue
        files = []
        for path in child.rglob("*"):
            if not path.is_file():
                continue
            if _is_hidden(path, child):
                rel = relative_name(path, landing_dir)
                ignored.append(IgnoredFile(child.name, rel, "hidden file", hidden=True))
            elif file_format(path) is None:
                reason = f"unsupported suffix (expected {', '.join(FILE_SUFFIXES)})"
                ignored.append(IgnoredFile(child.name, relative_name(path, landing_dir), reason))
            else:
                files.append(path)
        found[child.name] = sorted(files, key=lambda p: relative_name(p, landing_dir))
    ignored.sort(key=lambda f: f.path)
    return found, ignored


def scan_landing(landing_dir: Path) -> tuple[dict[str, list[Path]], list[IgnoredFile]]:
    """The data files per entity (as `discover_files`) and the files and folders it ignores,
    hidden ones aside, from one walk of the folder; logs what it ignores."""
    landing_dir = Path(landing_dir)
    if not landing_dir.is_dir():
        logger.warning("Landing folder %s does not exist", landing_dir)
    found, ignored = _scan(landing_dir)
    for item in ignored:
        if item.hidden:
            logger.info("Ignoring hidden file %s", item.path)
        else:
            logger.warning("Ignoring %s: %s", item.path, item.reason)
    return found, [item for item in ignored if not item.hidden]


def discover_files(landing_dir: Path) -> dict[str, list[Path]]:
    """Data files per entity, each list sorted by path relative to the landing folder.

    Every entity of the contract is a key (an empty list when it has no file). Entity folders are
    searched recursively. Hidden files and folders (a name starting with `.`) are skipped;
    unknown folders, loose files and unsupported suffixes are ignored with a log message
    (`scan_landing` lists them for the ingest step). A missing landing folder gives
    empty lists (see `require_files` for the error).
    """
    return scan_landing(landing_dir)[0]


def require_files(landing_dir: Path, files: dict[str, list[Path]]) -> None:
    """Raise EmptyLandingError when `files` (from discover_files) holds no data file at all."""
    if not any(files.values()):
        state = "does not exist" if not Path(landing_dir).is_dir() else "holds no data file"
        raise EmptyLandingError(
            f"Landing folder {landing_dir} {state}. Expected layout: {EXPECTED_LAYOUT}. "
            "Set LANDING_DIR to the folder holding the exports (or run `make demo`)."
        )
