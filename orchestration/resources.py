"""Resources shared by the assets: the dbt CLI and the warehouse (path + run-level write lock +
the working copy of build-then-swap, see orchestration/warehouse_build.py)."""

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
from orchestration.warehouse_build import BuildFiles, active_file, keep_failed_build
from orchestration.warehouse_lock import hold_warehouse_lock


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse file. While a run uses it, the run holds the exclusive write lock.

    The dbt step builds a working copy (`files.building`); checks on dbt models read
    `models_path` (that copy while it exists), and the copy replaces the warehouse only when
    `promote_warehouse_build` runs. A working copy still there when the run ends (a gate failed,
    or the run crashed) is moved to `files.failed` for inspection.
    """

    lock_timeout_seconds: float = float(os.environ.get("WAREHOUSE_LOCK_TIMEOUT_SECONDS", "3600"))

    @property
    def settings(self) -> Settings:
        return Settings.from_env()

    @property
    def path(self) -> Path:
        """The live warehouse: ingest writes it, raw checks and the serving publish read it."""
        return self.settings.warehouse_path

    @property
    def files(self) -> BuildFiles:
        return BuildFiles(self.path)

    @property
    def models_path(self) -> Path:
        """Where this run's dbt models are: the working copy while it exists, else the warehouse."""
        return active_file(self.path)

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator[WarehouseResource]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with hold_warehouse_lock(self.path, self.lock_timeout_seconds):
            kept = keep_failed_build(self.path)
            if kept and context.log:
                context.log.warning(f"An interrupted run left a working copy: moved to {kept}")
            try:
                yield self
            finally:
                kept = keep_failed_build(self.path)
                if kept and context.log:
                    context.log.warning(
                        f"The build of this run was not promoted: {self.path} keeps its previous "
                        f"models; the build is kept as {kept} for inspection"
                    )


def dbt_executable() -> str:
    """The dbt installed beside this Python (the venv's), else the one on PATH."""
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def build_resources() -> dict[str, object]:
    return {
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable()),
        "warehouse": WarehouseResource(),
    }
