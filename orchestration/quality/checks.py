"""Dagster asset checks: each GX suite of expectations/ on its asset, plus raw freshness.

- `raw_quality_checks`: one step after the ingest step; for every `landing/<entity>` a blocking
  `gx_suite` check on the rows of the latest load run (error-level expectations failing = ERROR:
  the dbt step does not run) and a `freshness` check (WARN, or ERROR with
  QUALITY_FRESHNESS_SEVERITY=error). Reads the warehouse file.
- `mart_quality_checks`: one step after the dbt step; a blocking `gx_suite` check per mart suite,
  on the working copy dbt built (build-then-swap: the warehouse file is replaced only after them).
Both open their file read-only and close it before returning (DuckDB: one writer), write a
Markdown report to QUALITY_REPORTS_DIR/<run_id>/<layer>.md, and fail the step with a message
naming each failed check, its asset and the failing rows when an error-level check failed.
"""

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.dbt.assets import warehouse_dbt_models
from orchestration.dbt.build import build_kept_message
from orchestration.ingest.contract import ENTITIES
from orchestration.ingest.loader import latest_load_run
from orchestration.quality.freshness import Freshness, FreshnessPolicy, measure
from orchestration.quality.report import render_report, write_report
from orchestration.quality.suites import (
    ERROR,
    Suite,
    SuiteOutcome,
    gate_failure_lines,
    gate_failure_message,
    load_suites,
)
from orchestration.resources import WarehouseResource
from orchestration.settings import duckdb_config
from orchestration.warehouse_build import build_in_progress

GX_CHECK = "gx_suite"
FRESHNESS_CHECK = "freshness"


def asset_key(suite: Suite) -> dg.AssetKey:
    return dg.AssetKey.from_user_string(suite.asset_key)


def suite_check_result(
    outcome: SuiteOutcome, report_path: str, extra: dict[str, int | str] | None = None
) -> dg.AssetCheckResult:
    """Passed when every expectation passed; ERROR when an error-level one failed, else WARN.

    `rows_validated` is the size of the batch (for raw suites: the rows of the latest load run,
    0 when that run loaded nothing for the entity and the suite was skipped);
    `latest_run_rows_validated` the rows the latest run wrote, read by the row-level
    expectations of a mart table refreshed by scope."""
    failed = outcome.failed
    failing = [
        {
            "level": f.level,
            "expectation": f.description,
            "failing": f.failures,
            "sample": f.sample,
            **({"error": f.error} if f.error else {}),
        }
        for f in failed
    ]
    return dg.AssetCheckResult(
        asset_key=asset_key(outcome.suite),
        check_name=GX_CHECK,
        passed=outcome.passed,
        severity=(
            dg.AssetCheckSeverity.ERROR if outcome.level == ERROR else dg.AssetCheckSeverity.WARN
        ),
        description=outcome.summary(),
        metadata={
            "suite": outcome.suite.name,
            "expectations_evaluated": len(outcome.outcomes),
            "expectations_failed": len(failed),
            "error_level_failures": sum(1 for f in failed if f.level == ERROR),
            "failures": dg.MetadataValue.json(failing),
            "skipped": outcome.skipped_reason or "",
            **({} if outcome.batch_rows is None else {"rows_validated": outcome.batch_rows}),
            **(
                {}
                if outcome.latest_rows is None
                else {"latest_run_rows_validated": outcome.latest_rows}
            ),
            **(extra or {}),
            "report": dg.MetadataValue.path(report_path),
        },
    )


def freshness_check_result(fresh: Freshness, policy: FreshnessPolicy) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        asset_key=dg.AssetKey(["landing", fresh.entity]),
        check_name=FRESHNESS_CHECK,
        passed=fresh.fresh,
        severity=(
            dg.AssetCheckSeverity.ERROR if policy.level == ERROR else dg.AssetCheckSeverity.WARN
        ),
        description="; ".join(fresh.problems) or "fresh",
        metadata={
            "latest_load_utc": str(fresh.latest_load),
            "latest_event_utc": str(fresh.latest_event),
            "event_column": fresh.event_column or "",
            "load_age_hours": round(fresh.load_age_hours or 0.0, 1),
            "event_age_hours": round(fresh.event_age_hours or 0.0, 1),
        },
    )


def _selected(context: dg.AssetCheckExecutionContext, layer: str) -> list[Suite]:
    """The selected checks' suites, read now (an edited suite applies without a reload)."""
    keys = {key.asset_key for key in context.selected_asset_check_keys if key.name == GX_CHECK}
    return [s for s in load_suites(layer) if asset_key(s) in keys]


def _run_and_report(
    context: dg.AssetCheckExecutionContext,
    path: Path,
    layer: str,
    suites: list[Suite],
    extra: list[str],
) -> tuple[list[SuiteOutcome], str]:
    from orchestration.quality.gx_runner import run_suites  # GX import costs ~3-6 s

    context.log.info(f"Validating the {layer} suites on {path}")
    outcomes = run_suites(path, suites)
    title = f"Data quality, {layer} layer, run {context.run.run_id}"
    path = write_report(context.run.run_id, layer, render_report(title, outcomes, extra))
    for o in outcomes:
        (context.log.info if o.passed else context.log.warning)(o.summary())
    context.log.info(f"Quality report: {path}")
    return outcomes, str(path)


RAW_SUITES = load_suites("raw")
MART_SUITES = [s for s in load_suites("mart") if asset_key(s) in warehouse_dbt_models.keys]


@dg.multi_asset_check(
    name="raw_quality_checks",
    specs=[
        dg.AssetCheckSpec(
            name=GX_CHECK,
            asset=asset_key(s),
            blocking=True,
            description=f"Great Expectations suite expectations/{s.name}.json "
            "(error-level failures block dbt).",
        )
        for s in RAW_SUITES
    ]
    + [
        dg.AssetCheckSpec(
            name=FRESHNESS_CHECK,
            asset=dg.AssetKey(["landing", name]),
            blocking=True,
            description="Latest load and latest event time are recent (warning by default).",
        )
        for name in ENTITIES
    ],
    can_subset=True,
)
def raw_quality_checks(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
) -> Iterator[dg.AssetCheckResult]:
    policy = FreshnessPolicy.from_env()
    fresh_keys = {
        key.asset_key.path[-1]
        for key in context.selected_asset_check_keys
        if key.name == FRESHNESS_CHECK
    }
    now = datetime.now(UTC).replace(tzinfo=None)
    con = duckdb.connect(str(warehouse.path), read_only=True, config=duckdb_config())
    try:
        freshness = [measure(con, ENTITIES[name], now, policy) for name in sorted(fresh_keys)]
        load_run = latest_load_run(con)
    finally:
        con.close()
    extra = [f"- freshness of {f.entity}: {'; '.join(f.problems) or 'fresh'}" for f in freshness]
    extra.append(f"- suites judged the rows of load run {load_run} (raw._load_runs)")
    suites = _selected(context, "raw")
    outcomes, report = _run_and_report(context, warehouse.path, "raw", suites, extra)
    run_metadata: dict[str, int | str] = {"load_run_id": -1 if load_run is None else load_run}
    for outcome in outcomes:
        yield suite_check_result(outcome, report, run_metadata)
    for fresh in freshness:
        yield freshness_check_result(fresh, policy)
    lines = gate_failure_lines(outcomes, GX_CHECK)
    if policy.level == ERROR:
        lines += [
            f"check '{FRESHNESS_CHECK}' on asset 'landing/{f.entity}' failed: "
            + "; ".join(f.problems)
            for f in freshness
            if not f.fresh
        ]
    message = gate_failure_message("raw", lines, "The dbt step does not run; no model is rebuilt.")
    if message:
        context.log.error(message)
        raise dg.Failure(description=message)


@dg.multi_asset_check(
    name="mart_quality_checks",
    specs=[
        dg.AssetCheckSpec(
            name=GX_CHECK,
            asset=asset_key(s),
            blocking=True,
            description=f"Great Expectations suite expectations/{s.name}.json "
            "(ranges, reconciliation with staging; volume anomaly as a warning).",
        )
        for s in MART_SUITES
    ],
    can_subset=True,
)
def mart_quality_checks(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
) -> Iterator[dg.AssetCheckResult]:
    path = warehouse.models_path
    outcomes, report = _run_and_report(context, path, "mart", _selected(context, "mart"), [])
    for outcome in outcomes:
        yield suite_check_result(outcome, report, {"validated_file": str(path)})
    after = ""
    if build_in_progress(warehouse.path):
        after = build_kept_message(warehouse.path, warehouse.files.failed)
    message = gate_failure_message("mart", gate_failure_lines(outcomes, GX_CHECK), after)
    if message:
        context.log.error(message)
        raise dg.Failure(description=message)


quality_checks = [raw_quality_checks, mart_quality_checks]


def suites_as_json() -> str:
    """Every suite's name and asset, for `python -m orchestration.quality.checks`."""
    return json.dumps({s.name: s.asset_key for s in RAW_SUITES + MART_SUITES}, indent=2)


if __name__ == "__main__":
    import argparse

    argparse.ArgumentParser(
        prog="python -m orchestration.quality.checks",
        description="List the Great Expectations suites of expectations/ that gate the nightly "
        "job, each with the Dagster asset it checks, as JSON (suite name: asset key).",
    ).parse_args()
    print(suites_as_json())
