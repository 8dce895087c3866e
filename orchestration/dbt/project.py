"""The dbt project, built once. Import `dbt_project` from here; never build another DbtProject."""

from __future__ import annotations

import os

from dagster_dbt import DbtProject

from orchestration.settings import REPO_ROOT

dbt_project = DbtProject(
    project_dir=REPO_ROOT,
    profiles_dir=REPO_ROOT,
    target=os.environ.get("DBT_TARGET", "duckdb"),
)
# `dagster dev` re-parses on load; everywhere else `make` runs `dbt parse` first. A missing manifest
# (fresh clone, first import) is built here so that importing the definitions never fails.
dbt_project.prepare_if_dev()
if not dbt_project.manifest_path.exists():
    dbt_project.preparer.prepare(dbt_project)
