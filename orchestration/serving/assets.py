"""The Dagster asset that publishes the marts to the serving copy, last in the nightly job."""

import dagster as dg

from orchestration.dbt.assets import MART_KEYS, PROMOTE_KEY
from orchestration.dbt.project import dbt_project
from orchestration.resources import WarehouseResource
from orchestration.serving.publish import load_manifest, publish, summarize_actions
from orchestration.serving.settings import ServingSettings

__all__ = ["MART_KEYS", "publish_serving"]


@dg.asset(
    group_name="serving",
    deps=[*MART_KEYS, PROMOTE_KEY],
    kinds={"duckdb"},
    description=(
        "Publishes the marts (minus personal and free-text columns) to the read-only serving "
        "copy for BI tools, via a temporary file and an atomic replace (docs/serving.md). "
        "Runs only when every mart and its blocking checks succeeded and the build was promoted."
    ),
)
def publish_serving(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    # The run's warehouse lock is held (resource); the build was swapped into the warehouse file
    # (promote_warehouse_build) and no connection is open on it: read it read-only.
    settings = ServingSettings.from_env()
    report = publish(warehouse.path, load_manifest(dbt_project.manifest_path), settings)
    for mode, target in report.targets.items():
        context.log.info(f"Published {len(report.tables)} tables ({mode}) to {target}")
    if report.actions:
        context.log.info(f"Serving file: {summarize_actions(report.actions)}")
    return dg.MaterializeResult(
        metadata={
            "targets": dg.MetadataValue.json(report.targets),
            "tables": dg.MetadataValue.json(report.tables),
            "table_actions": dg.MetadataValue.json(report.actions),
            "pseudonymized_customers": settings.pseudonymize_key is not None,
            "seconds": round(report.seconds, 2),
        }
    )
