"""dbt as Dagster assets: one thin @dbt_assets that streams `dbt build` (models, seeds, tests)."""

import json
import shutil

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.dbt.build import dbt_build_args, describe_failures, failed_nodes
from orchestration.dbt.project import dbt_project
from orchestration.dbt.translator import translator
from orchestration.resources import WarehouseResource


class DbtBuildConfig(dg.Config):
    """Run config of the dbt step (set it in the launchpad or with `dagster job execute -c`)."""

    full_refresh: bool = False
    as_of: str | None = None
    """Stop open tickets' clocks at this UTC instant instead of the build time (ISO-8601)."""


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    name="warehouse_dbt_models",
)
def warehouse_dbt_models(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: WarehouseResource,
    config: DbtBuildConfig,
):
    # `warehouse` holds the run's write lock while dbt writes the file.
    context.log.info(f"Building {warehouse.path}")
    dbt_vars = {"as_of": config.as_of} if config.as_of else None
    invocation = dbt.cli(
        dbt_build_args(config.full_refresh, dbt_vars), context=context, raise_on_error=False
    )
    yield from invocation.stream()
    ok = invocation.is_successful()
    message = ""
    if not ok:
        run_results = invocation.get_artifact("run_results.json")
        manifest = json.loads(dbt_project.manifest_path.read_text())
        message = describe_failures(failed_nodes(run_results, manifest))
    shutil.rmtree(invocation.target_path, ignore_errors=True)
    if not ok:
        context.log.error(message)
        raise dg.Failure(description=message)
