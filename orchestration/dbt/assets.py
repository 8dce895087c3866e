"""dbt as Dagster assets: one thin @dbt_assets that streams `dbt build` (models, seeds, tests)
into a working copy of the warehouse (build-then-swap, orchestration/warehouse_build.py)."""

import json

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.dbt.build import (
    KEEP_FLAGGED_TARGETS,
    build_kept_message,
    build_threads,
    dbt_build_args,
    describe_failures,
    describe_outdated,
    environ_override,
    failed_nodes,
    flagged_nodes,
    keep_or_remove_target,
    keep_parse_state,
    outdated_tables,
    parse_state_dir,
    promotes_later,
    reuse_parse_state,
)
from orchestration.dbt.project import dbt_project
from orchestration.dbt.translator import translator
from orchestration.resources import WarehouseResource
from orchestration.settings import full_build_threads
from orchestration.warehouse_build import (
    WarehouseChangedError,
    abandon_build,
    has_incremental_models,
    keep_failed_build,
    promote_build,
    start_build,
    stored_columns,
)

PROMOTE_KEY = dg.AssetKey("promote_warehouse_build")
"""The asset that swaps the checked working copy in (orchestration/dbt/promote.py)."""
PARSE_STATE_ROOT = dbt_project.project_dir / dbt_project.target_path / "nightly-parse-state"
"""Where the dbt step keeps its parse state between runs, one folder per warehouse
(orchestration/dbt/build.py)."""


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
    # `warehouse` holds the run's write lock; dbt writes only the working copy.
    started = start_build(warehouse.path)
    context.log.info(
        f"Copied {warehouse.path} to the working copy {started.copy} "
        f"({started.bytes_copied / 1e6:,.0f} MB in {started.seconds:.1f} s); dbt builds the copy"
    )
    stored = stored_columns(started.copy)
    if not config.full_refresh:
        manifest = json.loads(dbt_project.manifest_path.read_text())
        outdated = outdated_tables(manifest, stored)
        if outdated:
            abandon_build(warehouse.path)
            message = describe_outdated(outdated)
            context.log.error(message)
            raise dg.Failure(description=message)
    dbt_vars = {"as_of": config.as_of} if config.as_of else None
    threads = build_threads(
        config.full_refresh, has_incremental_models(stored), full_build_threads()
    )
    if threads is not None:
        context.log.info(
            f"Full build (every model from scratch): dbt runs {threads} node(s) at a time "
            "(DBT_FULL_BUILD_THREADS)"
        )
    target_path = dbt_project.project_dir / dbt_project.target_path / f"build-{context.run_id}"
    state_dir = parse_state_dir(PARSE_STATE_ROOT, warehouse.path)
    reuse_parse_state(state_dir, target_path)
    with environ_override(WAREHOUSE_PATH=str(started.copy)):  # read when dbt starts
        invocation = dbt.cli(
            dbt_build_args(config.full_refresh, dbt_vars, threads),
            context=context,
            raise_on_error=False,
            target_path=target_path,
        )
    yield from invocation.stream()
    keep_parse_state(invocation.target_path, state_dir)
    ok = invocation.is_successful()
    message = ""
    try:
        run_results = invocation.get_artifact("run_results.json")
    except FileNotFoundError:  # dbt stopped before running a node
        run_results = {}
    if not ok:
        manifest = json.loads(dbt_project.manifest_path.read_text())
        message = describe_failures(failed_nodes(run_results, manifest))
    flagged = flagged_nodes(run_results)
    compiled = f"{invocation.target_path}/compiled"
    if keep_or_remove_target(invocation.target_path, flagged):
        context.log.warning(
            f"{flagged} dbt node(s) failed or warned: their compiled SQL is kept in {compiled} "
            f"(the newest {KEEP_FLAGGED_TARGETS} such folders are kept)"
        )
    if not ok:
        kept = keep_failed_build(warehouse.path)
        message += "\n" + build_kept_message(warehouse.path, kept)
        if flagged:
            message += f"\nThe compiled SQL of the failing nodes is in {compiled}."
        context.log.error(message)
        raise dg.Failure(description=message)
    selection = context.run.asset_selection
    if not promotes_later(PROMOTE_KEY, selection, context.job_def.asset_layer.selected_asset_keys):
        # A run without the promote asset (e.g. a few models materialized from the UI): dbt's
        # own tests gated the build, swap it in now.
        try:
            promoted = promote_build(warehouse.path)
        except WarehouseChangedError as error:
            kept = keep_failed_build(warehouse.path)
            raise dg.Failure(
                description=f"{error}\n{build_kept_message(warehouse.path, kept)}"
            ) from error
        context.log.info(
            f"{PROMOTE_KEY.to_user_string()} is not part of this run: swapped the build into "
            f"{promoted.warehouse} after dbt's tests passed"
        )


# Every dbt asset keyed marts/<model>: marts added later are included without editing this file.
MART_KEYS = sorted(
    (key for key in warehouse_dbt_models.keys if key.path[0] == "marts"),
    key=lambda k: k.to_user_string(),
)
