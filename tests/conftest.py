"""Shared fixtures: throw-away warehouses and landing folders, a fresh dbt manifest."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT = str(Path(sys.executable).with_name("dbt"))

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


@pytest.fixture(scope="session")
def dbt_manifest() -> Path:
    """Parse the dbt project once per session so the Dagster definitions see current models."""
    subprocess.run(
        [
            DBT,
            "parse",
            "--quiet",
            "--project-dir",
            str(REPO_ROOT),
            "--profiles-dir",
            str(REPO_ROOT),
        ],
        check=True,
        cwd=REPO_ROOT,
    )
    return REPO_ROOT / "target" / "manifest.json"


@pytest.fixture(scope="module")
def pipeline_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """Environment variables pointing the whole pipeline at a temporary folder."""
    root = tmp_path_factory.mktemp("pipeline")
    paths = {
        "root": root,
        "landing": root / "landing",
        "warehouse": root / "warehouse.duckdb",
        "dagster_home": root / "dagster",
    }
    paths["landing"].mkdir()
    paths["dagster_home"].mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LANDING_DIR", str(paths["landing"]))
        mp.setenv("WAREHOUSE_PATH", str(paths["warehouse"]))
        mp.setenv("DAGSTER_HOME", str(paths["dagster_home"]))
        mp.setenv("REPORTING_TIMEZONE", "UTC")
        mp.setenv("LANDING_DEFAULT_TIMEZONE", "UTC")
        mp.setenv("SERVING_PATH", str(root / "analytics.duckdb"))
        mp.setenv("QUALITY_REPORTS_DIR", str(root / "quality-reports"))
        yield paths
