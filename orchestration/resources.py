"""Resources shared by the assets: the dbt CLI and the warehouse (path + run-level write lock)."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.dbt.project import dbt_project
from orchestration.settings import Settings
from orchestration.warehouse_lock import hold_warehouse_lock


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse file. While a run uses it, the run holds the exclusive write lock."""

    lock_timeout_seconds: float = float(os.environ.get("WAREHOUSE_LOCK_TIMEOUT_SECONDS", "3600"))

    @property
    def settings(self) -> Settings:
        return Settings.from_env()

    @property
    def path(self) -> Path:
        return self.settings.warehouse_path

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator[WarehouseResource]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with hold_warehouse_lock(self.path, self.lock_timeout_seconds):
            yield self


def dbt_executable() -> str:
    """The dbt installed beside this Python (the venv's), else the one on PATH."""
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def build_resources() -> dict[str, object]:
    return {
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable()),
        "warehouse": WarehouseResource(),
    }
