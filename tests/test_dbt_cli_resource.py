"""The dbt CLI resource skips dagster-dbt's `dbt --version` subprocess and its in-process adapter
(orchestration/resources.py); these tests fail when an upgrade of dagster-dbt moves the hooks."""

from __future__ import annotations

import sys
from pathlib import Path

from dagster_dbt import DbtCliResource

from orchestration.dbt.project import dbt_project
from orchestration.resources import WarehouseDbtCliResource, build_resources, dbt_executable


def test_the_overridden_hooks_are_still_dagster_dbts() -> None:
    for name in ("_cli_version", "_initialize_dbt_core_adapter"):
        assert name in vars(DbtCliResource), f"dagster-dbt no longer has DbtCliResource.{name}"
    assert isinstance(build_resources()["dbt"], WarehouseDbtCliResource)


def test_the_version_is_the_one_the_dbt_executable_runs() -> None:
    """The executable beside this Python runs the dbt-core installed here (not `dbt --version`:
    it asks PyPI for the latest release, the very call the resource avoids)."""
    from dbt.version import __version__

    resource = WarehouseDbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())
    assert Path(resource.dbt_executable) == Path(sys.executable).with_name("dbt")
    assert str(resource._cli_version) == __version__


def test_no_adapter_is_loaded_in_process() -> None:
    resource = WarehouseDbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())
    assert resource._initialize_dbt_core_adapter(["build"]) is None
