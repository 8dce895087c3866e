"""Convert the selected public data sets into one landing folder."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from tqdm import tqdm

from orchestration.public_data import cfpb, github_issues, olist, twcs
from orchestration.settings import REPO_ROOT

CONVERTERS: dict[str, Callable[[Path, Path], dict[str, int]]] = {
    "twcs": twcs.convert,
    "olist_reviews": olist.convert,
    "github_issues": github_issues.convert,
    "cfpb_complaints": cfpb.convert,
}
DEFAULT_DATASETS = REPO_ROOT.parent / "shared" / "datasets"


def datasets_dir() -> Path:
    """`PUBLIC_DATASETS_DIR`, else `../shared/datasets` beside the repository."""
    return Path(os.environ.get("PUBLIC_DATASETS_DIR") or DEFAULT_DATASETS)


def convert_all(
    datasets: Path, landing: Path, names: list[str] | None = None, progress: bool = True
) -> dict[str, dict[str, int]]:
    """Run each converter whose data set folder exists; returns its counts per data set (rows
    written per entity, and what it reports). A missing folder is reported, not an error."""
    report: dict[str, dict[str, int]] = {}
    for name in tqdm(names or list(CONVERTERS), desc="public data sets", disable=not progress):
        if not (datasets / name).is_dir():
            report[name] = {}
            continue
        report[name] = CONVERTERS[name](datasets, landing)
    return report
