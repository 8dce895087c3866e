"""The Great Expectations suites of expectations/ and the outcome of validating them (no GX here).

A suite file is GX 1.x suite JSON (`name`, `expectations` with `type`, `kwargs`, `severity`,
`meta`) plus project keys in `meta`: `asset_key` (the Dagster asset it checks, e.g.
`landing/tickets`), `query` (the SQL batch it validates, run inside DuckDB) and `layer`; optional
`batch` (what the query selects, in words) and `skip_if_empty` (an empty batch is reported as
skipped, not validated: the raw suites, whose batch is the rows of the latest load run).
GX severity `critical` is an error (blocks downstream assets); `warning` and `info` warn.

On a table refreshed by scope (it carries `_refreshed_at`: the marts' incremental models), each
expectation reads what it needs of the rows the latest run wrote, as dbt's tests do
(macros/test_scope.sql): a row-level expectation reads the rows with the newest stamp, `unique`
every row whose value the newest rows have, anything else the whole table. Which rows an
expectation needs is `expectation_scope`; an SQL expectation is row-level only when its `meta`
says `"scope": "latest_rows"`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orchestration.settings import REPO_ROOT, env_flag, resolve_path

EXPECTATIONS_DIR = REPO_ROOT / "expectations"


def expectations_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """QUALITY_EXPECTATIONS_DIR, else expectations/ of the repository (suites are read at run
    time, so an edited suite applies to the next run; new suite files need a code reload)."""
    value = (environ.get("QUALITY_EXPECTATIONS_DIR") or "").strip()
    return resolve_path(value) if value else EXPECTATIONS_DIR


ERROR = "error"
WARN = "warn"
SAMPLE_SIZE = 5

REFRESH_STAMP = "_refreshed_at"
"""The column a model refreshed by scope stamps its rows with (macros/refresh_scope.sql)."""
LATEST_ROWS = "latest_rows"
KEYS_OF_LATEST_ROWS = "keys_of_latest_rows"
WHOLE_TABLE = "whole_table"
ROW_LEVEL_TYPES = frozenset(
    {
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_null",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_not_be_in_set",
        "expect_column_values_to_be_between",
        "expect_column_pair_values_a_to_be_greater_than_b",
        "expect_column_pair_values_to_be_equal",
    }
)
"""GX expectations that judge each row on its own (without `mostly`, which judges a share)."""


@dataclass(frozen=True)
class Suite:
    name: str
    asset_key: str
    query: str
    layer: str
    expectations: list[dict[str, Any]]
    path: Path | None = None
    batch: str = ""
    """What the query selects, in words (e.g. 'rows of raw.tickets loaded by the latest load
    run'); empty for a whole table."""
    skip_if_empty: bool = False

    @property
    def model(self) -> str:
        """The table the suite reads: the last part of its asset key."""
        return self.asset_key.split("/")[-1]


def level_of(severity: str | None) -> str:
    """GX severity -> check level: `critical` (GX's default) is an error, others warn."""
    return ERROR if (severity or "critical") == "critical" else WARN


def load_suite(path: Path) -> Suite:
    data = json.loads(path.read_text())
    meta = data.get("meta") or {}
    missing = [k for k in ("asset_key", "query", "layer") if not meta.get(k)]
    if missing:
        raise ValueError(f"{path}: suite meta lacks {', '.join(missing)}")
    for e in data.get("expectations") or []:
        scope = (e.get("meta") or {}).get("scope")
        if scope not in (None, LATEST_ROWS, WHOLE_TABLE):
            raise ValueError(
                f"{path}: {e.get('type')} has meta scope {scope!r}; "
                f"use {LATEST_ROWS!r} or {WHOLE_TABLE!r}"
            )
    return Suite(
        name=str(data["name"]),
        asset_key=str(meta["asset_key"]),
        query=str(meta["query"]),
        layer=str(meta["layer"]),
        expectations=list(data.get("expectations") or []),
        path=path,
        batch=str(meta.get("batch") or ""),
        skip_if_empty=bool(meta.get("skip_if_empty")),
    )


def load_suites(layer: str | None = None, folder: Path | None = None) -> list[Suite]:
    """Every suite of the folder (of one layer when given), sorted by file name."""
    suites = [load_suite(p) for p in sorted((folder or expectations_dir()).glob("*.json"))]
    return [s for s in suites if layer is None or s.layer == layer]


def expectation_scope(expectation: dict[str, Any]) -> str:
    """Which rows of a table refreshed by scope the expectation must read.

    `latest_rows`: it judges each row on its own (a row-level GX type, or SQL marked so in its
    `meta`), so the rows the latest run wrote suffice: every older row passed when its run was
    promoted. `keys_of_latest_rows`: `unique`, which must also see the older rows sharing a value
    with a new one. `whole_table`: everything else (counts, reconciliations, anomalies, `mostly`).
    """
    kwargs = expectation.get("kwargs") or {}
    declared = (expectation.get("meta") or {}).get("scope")
    if declared in (LATEST_ROWS, WHOLE_TABLE):
        return str(declared)
    kind = str(expectation.get("type"))
    if kwargs.get("mostly") is not None:
        return WHOLE_TABLE
    if kind in ROW_LEVEL_TYPES:
        return LATEST_ROWS
    if kind == "expect_column_values_to_be_unique":
        return KEYS_OF_LATEST_ROWS
    return WHOLE_TABLE


def scoped_query(
    query: str, scope: str, newest: str | None = None, column: str | None = None
) -> str:
    """The suite's batch query narrowed to what `scope` reads (for a table with REFRESH_STAMP).

    `latest_rows`: the rows whose stamp is `newest` (the latest run's, an SQL literal read once
    per run by gx_runner.newest_stamps, so that GX's metric queries compare with a constant);
    `keys_of_latest_rows`: every row whose `column` value occurs among them; `whole_table`: the
    query itself."""
    if scope == WHOLE_TABLE:
        return query
    if not newest:
        raise ValueError(f"{scope} needs the newest {REFRESH_STAMP}")
    newest_rows = f"select * from ({query}) as batch_rows where {REFRESH_STAMP} = {newest}"
    if scope == LATEST_ROWS:
        return newest_rows
    if not column:
        raise ValueError("keys_of_latest_rows needs a column")
    return (
        f"select * from ({query}) as batch_rows where {column} in "
        f"(select {column} from ({newest_rows}) as latest_rows)"
    )


def validate_all_rows(environ: Mapping[str, str] = os.environ) -> bool:
    """QUALITY_ALL_ROWS=true: every expectation reads whole tables (an audit of the warehouse,
    like dbt's `--vars '{test_all_rows: true}'`)."""
    return env_flag(environ.get("QUALITY_ALL_ROWS"))


@dataclass(frozen=True)
class ExpectationOutcome:
    """One evaluated expectation: what it checks, at which level, and what failed."""

    kind: str
    description: str
    level: str
    success: bool
    failures: int | None = None
    """Failing rows (or values) when GX reports a count."""
    sample: list[Any] = field(default_factory=list)
    error: str | None = None
    """Set when the expectation could not be evaluated (counted as a failure)."""


@dataclass(frozen=True)
class SuiteOutcome:
    suite: Suite
    outcomes: list[ExpectationOutcome]
    skipped_reason: str | None = None
    batch_rows: int | None = None
    """Rows in the validated batch (None when not counted: the suite was not run)."""
    latest_rows: int | None = None
    """Rows the latest run wrote, read by the row-level expectations (None when every
    expectation read the whole batch: a table not refreshed by scope or under 100,000 rows, a
    full build that wrote every row, or QUALITY_ALL_ROWS)."""

    @property
    def failed(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success]

    @property
    def passed(self) -> bool:
        return not self.failed

    @property
    def level(self) -> str:
        """ERROR when an error-level expectation failed, else WARN."""
        return ERROR if any(o.level == ERROR for o in self.failed) else WARN

    def summary(self) -> str:
        if self.skipped_reason:
            return f"{self.suite.name}: skipped ({self.skipped_reason})"
        scope = ""
        if self.latest_rows is not None:
            scope = f" (row-level ones on the {self.latest_rows:,} rows the latest run wrote)"
        if self.passed:
            return f"{self.suite.name}: {len(self.outcomes)} expectations passed{scope}"
        lines = [
            f"{self.suite.name}: {len(self.failed)} of {len(self.outcomes)} expectations "
            f"failed{scope}"
        ]
        for o in self.failed:
            count = "" if o.failures is None else f" ({o.failures} failing)"
            lines.append(
                f"  [{o.level}] {o.description}{count}" + (f": {o.error}" if o.error else "")
            )
        return "\n".join(lines)


def describe_expectation(expectation: dict[str, Any]) -> str:
    """A one-line human description: the suite's note, else type and column."""
    meta = expectation.get("meta") or {}
    if meta.get("notes"):
        return str(meta["notes"])
    kwargs = expectation.get("kwargs") or {}
    column = kwargs.get("column")
    return f"{expectation.get('type')}" + (f" on {column}" if column else "")


def outcome_from_result(expectation: dict[str, Any], result: dict[str, Any]) -> ExpectationOutcome:
    """Turn one GX validation result (as a JSON dict) into an ExpectationOutcome."""
    details = result.get("result") or {}
    exception = result.get("exception_info") or {}
    error = None
    if exception.get("raised_exception"):
        error = str(exception.get("exception_message") or "error")
    else:
        for value in exception.values() if isinstance(exception, dict) else []:
            if isinstance(value, dict) and value.get("raised_exception"):
                error = str(value.get("exception_message") or "error")
                break
    failures = details.get("unexpected_count")
    sample: list[Any] = list(details.get("partial_unexpected_list") or [])
    if expectation.get("type") == "unexpected_rows_expectation":
        failures = details.get("observed_value")
        rows = (details.get("details") or {}).get("unexpected_rows") or []
        sample = [dict(r) if isinstance(r, dict) else r for r in rows]
    elif "observed_value" in details and failures is None:
        sample = [{"observed_value": details["observed_value"]}]
    return ExpectationOutcome(
        kind=str(expectation.get("type")),
        description=describe_expectation(expectation),
        level=level_of(expectation.get("severity")),
        success=bool(result.get("success")) and error is None,
        failures=int(failures) if isinstance(failures, int | float) else None,
        sample=[_jsonable(s) for s in sample[:SAMPLE_SIZE]],
        error=error,
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _failure_detail(outcome: ExpectationOutcome) -> str:
    text = outcome.description
    if outcome.failures is not None:
        text += f" ({outcome.failures} failing row(s))"
    if outcome.error:
        text += f": {outcome.error}"
    elif outcome.sample:
        text += f", e.g. {json.dumps(outcome.sample[0], default=str)[:200]}"
    return text


def gate_failure_lines(outcomes: Iterable[SuiteOutcome], check_name: str) -> list[str]:
    """One line per suite that failed at error level: the check, its asset, the failing
    error-level expectations with their failing rows and a sample."""
    lines = []
    for o in outcomes:
        errors = [f for f in o.failed if f.level == ERROR]
        if not errors:
            continue
        lines.append(
            f"check '{check_name}' on asset '{o.suite.asset_key}' failed, {len(errors)} "
            f"error-level expectation(s): " + "; ".join(_failure_detail(f) for f in errors)
        )
    return lines


def gate_failure_message(layer: str, lines: Iterable[str], after: str = "") -> str | None:
    """The run's failure message when a blocking check of `layer` failed, else None."""
    lines = list(lines)
    if not lines:
        return None
    message = (
        f"Data-quality gate stopped the run at the {layer} layer; downstream assets were not "
        "materialized.\n" + "\n".join(f"- {line}" for line in lines)
    )
    return message + (f"\n{after}" if after else "")
