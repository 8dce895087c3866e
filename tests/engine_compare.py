"""Compare two result sets of the same mart from different engines, tolerating type differences.

Values are normalised before comparing: every number becomes a float (DuckDB decimals and hugeints,
Spark doubles and longs), timestamps become naive UTC datetimes, dates stay dates. Rows are matched
by sorting both sides on their normalised values (floats rounded, NULLs first), then compared cell
by cell with a relative and absolute tolerance for floats.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

REL_TOL = 1e-6
ABS_TOL = 1e-6
MAX_REPORTED = 15


def normalise(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float | Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value
    return value


def _sort_key(row: Sequence[Any]) -> tuple[Any, ...]:
    key: list[Any] = []
    for value in row:
        if value is None:
            key.append((0, ""))
        elif isinstance(value, float):
            key.append((1, "nan" if math.isnan(value) else f"{round(value, 3):020.3f}"))
        else:
            key.append((1, str(value)))
    return tuple(key)


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, float) and isinstance(right, float):
        if math.isnan(left) or math.isnan(right):
            return math.isnan(left) and math.isnan(right)
        return math.isclose(left, right, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    return left == right


def compare_tables(
    name: str,
    columns: Sequence[str],
    expected: Sequence[Sequence[Any]],
    actual: Sequence[Sequence[Any]],
    expected_label: str = "duckdb",
    actual_label: str = "spark",
) -> list[str]:
    """Differences between two row sets with the same columns, as readable lines (empty = same)."""
    problems: list[str] = []
    if len(expected) != len(actual):
        problems.append(
            f"{name}: {len(expected)} rows on {expected_label}, {len(actual)} on {actual_label}"
        )
    left = sorted(([normalise(v) for v in row] for row in expected), key=_sort_key)
    right = sorted(([normalise(v) for v in row] for row in actual), key=_sort_key)
    for index, (lrow, rrow) in enumerate(zip(left, right, strict=False)):
        for column, lval, rval in zip(columns, lrow, rrow, strict=True):
            if not _same(lval, rval):
                problems.append(
                    f"{name} row {index} ({_describe(columns, lrow)}): {column} = {lval!r} on "
                    f"{expected_label}, {rval!r} on {actual_label}"
                )
                break
        if len(problems) >= MAX_REPORTED:
            problems.append(f"{name}: ... (first {MAX_REPORTED} differences shown)")
            break
    return problems


def _describe(columns: Sequence[str], row: Sequence[Any], width: int = 4) -> str:
    return ", ".join(f"{c}={v!r}" for c, v in list(zip(columns, row, strict=True))[:width])
