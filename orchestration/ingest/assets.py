"""Ingest: one Dagster asset per landing entity (group `raw`), loaded by a single step.

A single step because DuckDB allows one writer: the step opens the warehouse, loads the selected
entities, and closes the connection before dbt runs. Asset keys equal the dbt source keys
(`landing/<entity>`), so every staging model depends on its raw table.
"""

from collections.abc import Iterator

import dagster as dg
import duckdb

from orchestration.ingest.contract import ENTITIES
from orchestration.ingest.landing import EmptyLandingError
from orchestration.ingest.loader import EntityLoadResult, load_landing
from orchestration.resources import WarehouseResource
from orchestration.settings import duckdb_config

SOURCE_NAME = "landing"
FILES_ACCEPTED_CHECK = "landing_files_accepted"
COLUMN_TYPES_CHECK = "landing_column_types"
MANIFEST_KEY = dg.AssetKey([SOURCE_NAME, "_landing_files"])


def raw_asset_key(entity: str) -> dg.AssetKey:
    return dg.AssetKey([SOURCE_NAME, entity])


def load_result_metadata(result: EntityLoadResult) -> dict[str, dg.MetadataValue | int | str]:
    return {
        "files_loaded": len(result.files_loaded),
        "files_skipped": len(result.files_skipped),
        "files_rejected": len(result.files_rejected),
        "rows_loaded": result.rows_loaded,
        "rows_rejected": result.rows_rejected,
        "rows_total": result.rows_total,
        "load_run_id": result.load_run_id if result.load_run_id is not None else -1,
        "loaded_files": dg.MetadataValue.md(
            "\n".join(f"- {f}" for f in result.files_loaded) or "(none new)"
        ),
        "files_read_with_notes": dg.MetadataValue.md(
            "\n".join(f"- {note}" for _, note in result.files_with_notes) or "(none)"
        ),
    }


def rejected_files_check(result: EntityLoadResult) -> dg.AssetCheckResult:
    """Warning when a file was rejected as a whole (its rows are not in raw: fix and re-deliver),
    or when the entity's folder holds a file the loader ignores (an unsupported suffix, such as
    `.tsv` or `.json`: convert it, or it is never loaded)."""
    rejected = "\n".join(f"- {file}: {message}" for file, message in result.files_rejected)
    ignored = "\n".join(f"- {file}: ignored, {reason}" for file, reason in result.files_ignored)
    return dg.AssetCheckResult(
        asset_key=raw_asset_key(result.entity),
        check_name=FILES_ACCEPTED_CHECK,
        passed=not result.files_rejected and not result.files_ignored,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "files_rejected": len(result.files_rejected),
            "rejections": dg.MetadataValue.md(rejected or "(none)"),
            "files_ignored": len(result.files_ignored),
            "ignored": dg.MetadataValue.md(ignored or "(none)"),
        },
    )


def column_types_check(result: EntityLoadResult) -> dg.AssetCheckResult:
    """Warning when a file of this run loaded with a column of the wrong type (e.g. a Parquet
    timestamp column holding numbers): the values are kept as text, staging quarantines them."""
    found = "\n".join(f"- {warning}" for _, warning in result.files_with_warnings)
    return dg.AssetCheckResult(
        asset_key=raw_asset_key(result.entity),
        check_name=COLUMN_TYPES_CHECK,
        passed=not result.files_with_warnings,
        severity=dg.AssetCheckSeverity.WARN,
        description=found or "every loaded column has a type staging can read",
        metadata={
            "type_errors": len(result.files_with_warnings),
            "errors": dg.MetadataValue.md(found or "(none)"),
        },
    )


@dg.multi_asset(
    name="ingest_landing_files",
    specs=[
        dg.AssetSpec(
            key=raw_asset_key(name),
            group_name="raw",
            description=f"raw.{name}: every delivered row and column, as text. "
            + entity.description,
            kinds={"duckdb", "python"},
            skippable=True,
        )
        for name, entity in ENTITIES.items()
    ]
    + [
        dg.AssetSpec(
            key=MANIFEST_KEY,
            group_name="raw",
            description="raw._landing_files: every landed file, its status, rows and load run.",
            kinds={"duckdb", "python"},
            skippable=True,
        )
    ],
    check_specs=[
        dg.AssetCheckSpec(
            name=FILES_ACCEPTED_CHECK,
            asset=raw_asset_key(name),
            description="No landed file of this entity was rejected as a whole, and its folder "
            "holds no file the loader ignores (an unsupported suffix; warning).",
        )
        for name in ENTITIES
    ]
    + [
        dg.AssetCheckSpec(
            name=COLUMN_TYPES_CHECK,
            asset=raw_asset_key(name),
            description="Every column loaded in this run has a type the contract expects "
            "(a Parquet column of another type is kept as text; warning).",
        )
        for name in ENTITIES
    ],
    can_subset=True,
)
def ingest_landing_files(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    entities = [key.path[-1] for key in context.selected_asset_keys if key != MANIFEST_KEY]
    settings = warehouse.settings
    context.log.info(f"Loading {', '.join(entities)} from {settings.landing_dir}")
    con = duckdb.connect(str(settings.warehouse_path), config=duckdb_config())
    try:
        results = load_landing(con, settings.landing_dir, entities)
    except EmptyLandingError as error:
        raise dg.Failure(description=str(error)) from error
    finally:
        con.close()
    for item in results.ignored_outside_entities:
        context.log.warning(f"Landing folder: ignored {item.path}: {item.reason}")
    for entity in entities:
        result = results[entity]
        for file, message in result.files_rejected:
            context.log.error(f"{entity}: rejected {file}: {message}")
        for file, reason in result.files_ignored:
            context.log.warning(f"{entity}: ignored {file}: {reason}")
        for _, warning in result.files_with_warnings:
            context.log.warning(f"{entity}: {warning}")
        for _, note in result.files_with_notes:
            context.log.warning(f"{entity}: {note}")
        yield dg.MaterializeResult(
            asset_key=raw_asset_key(entity), metadata=load_result_metadata(result)
        )
        yield rejected_files_check(result)
        yield column_types_check(result)
    if MANIFEST_KEY in context.selected_asset_keys:
        yield dg.MaterializeResult(
            asset_key=MANIFEST_KEY,
            metadata={"files_handled": sum(len(r.files_loaded) for r in results.values())},
        )
