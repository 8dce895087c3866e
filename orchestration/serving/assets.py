"""The Dagster asset that publishes the marts to the serving copy, last in the nightly job."""

import dagster as dg

from orchestration.dbt.assets import warehouse_dbt_models
from orchestration.dbt.project import dbt_project
from orchestration.resources import WarehouseResource
from orchestration.serving.publish import load_manifest, publish
from orchestration.serving.settings import ServingSettings

SERVED_SCHEMAS = ("marts",)

# Every dbt asset keyed marts/<model>: marts added later are included without editing this file.
MART_KEYS = sorted(
    (key for key in warehouse_dbt_models.keys if key.path[0] in SERVED_SCHEMAS),
    key=lambda k: k.to_user_string(),
)


@dg.asset(
    group_name="serving",
    deps=MART_KEYS,
    kinds={"duckdb"},
    description=(
        "Publishes the marts (minus personal and free-text columns) to the read-only serving "
        "copy for BI tools, via a temporary file and an atomic replace (docs/serving.md). "
        "Runs only when every mart and its blocking checks succeeded."
    ),
)
def publish_serving(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    # The run's warehouse lock is held (resource); dbt has closed the file: read it read-only.
    settings = ServingSettings.from_env()
    report = publish(warehouse.path, load_manifest(dbt_project.manifest_path), settings)
    for mode, target in report.targets.items():
        context.log.info(f"Published {len(report.tables)} tables ({mode}) to {target}")
    return dg.MaterializeResult(
        metadata={
            "targets": dg.MetadataValue.json(report.targets),
            "tables": dg.MetadataValue.json(report.tables),
            "pseudonymized_customers": settings.pseudonymize_key is not None,
            "seconds": round(report.seconds, 2),
        }
    )
