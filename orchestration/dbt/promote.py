"""Build-then-swap, last half: the checked working copy replaces the warehouse file.

`promote_warehouse_build` depends on every mart, so it runs only when the dbt step succeeded
(every dbt test at error level passed) and every blocking check on a mart (the GX mart suites)
passed. It swaps the working copy in with one `os.replace`; the serving publish runs after it and
reads the swapped file. When a gate fails, it does not run: the warehouse keeps its previous
models and the run's end moves the working copy to `<warehouse>.failed.duckdb`.
"""

import dagster as dg

from orchestration.dbt.assets import MART_KEYS, PROMOTE_KEY
from orchestration.dbt.build import build_kept_message
from orchestration.resources import WarehouseResource
from orchestration.warehouse_build import (
    WarehouseChangedError,
    build_in_progress,
    keep_failed_build,
    promote_build,
)


@dg.asset(
    key=PROMOTE_KEY,
    group_name="warehouse",
    deps=MART_KEYS,
    kinds={"duckdb"},
    description=(
        "Swaps the working copy that dbt built and the mart checks passed into the warehouse "
        "file (atomic os.replace). Runs only when every mart and its blocking checks succeeded; "
        "otherwise the warehouse keeps its previous models (README, build-then-swap)."
    ),
)
def promote_warehouse_build(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    if not build_in_progress(warehouse.path):
        context.log.info(f"No working copy of {warehouse.path} in this run: nothing to promote")
        return dg.MaterializeResult(metadata={"promoted": False})
    try:
        promoted = promote_build(warehouse.path)
    except WarehouseChangedError as error:
        kept = keep_failed_build(warehouse.path)
        raise dg.Failure(
            description=f"{error}\n{build_kept_message(warehouse.path, kept)}"
        ) from error
    context.log.info(f"Promoted the build to {promoted.warehouse} in {promoted.seconds:.2f} s")
    return dg.MaterializeResult(
        metadata={
            "promoted": True,
            "warehouse": dg.MetadataValue.path(str(promoted.warehouse)),
            "size_mb": round(promoted.size_bytes / 1e6, 1),
            "seconds": round(promoted.seconds, 2),
        }
    )
