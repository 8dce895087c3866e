"""Resources shared by the assets: the dbt CLI and the warehouse (path + run-level write lock +
the working copy of build-then-swap, see orchestration/warehouse_build.py)."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource
from packaging.version import Version

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


class WarehouseDbtCliResource(DbtCliResource):
    """dagster-dbt's dbt CLI resource without two start-up costs that buy this project nothing
    (about 4 s of every run, measured 2026-12-04):

    - `dbt --version` in a subprocess (2.4 s: dbt's imports, and a request to PyPI for the latest
      release, which a nightly job has no business making) to learn which dbt will run: when the
      executable is the one beside this Python, it is the dbt-core installed here, whose version
      the package metadata gives;
    - an in-process dbt adapter (profile, project and every macro loaded, 1.7 s) that dagster-dbt
      uses only for `fetch_row_counts()` / `fetch_column_metadata()`, which `@dbt_assets` here
      does not call.

    Both are private hooks of dagster-dbt (pinned in constraints.txt);
    tests/test_dbt_cli_resource.py fails when an upgrade renames them.
    """

    @cached_property
    def _cli_version(self) -> Version:
        if Path(self.dbt_executable) == Path(sys.executable).with_name("dbt"):
            return Version(installed_version("dbt-core"))
        return super()._cli_version

    def _initialize_dbt_core_adapter(self, args: Any) -> None:
        return None


def build_resources() -> dict[str, object]:
    return {
        "dbt": WarehouseDbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable()),
        "warehouse": WarehouseResource(),
    }
