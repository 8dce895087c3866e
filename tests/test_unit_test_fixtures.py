"""dbt unit tests that run on a fresh warehouse.

`dbt build` on an empty warehouse runs a model's unit tests before it builds the model. A dict or
CSV fixture takes its column types from the relation it stands for, so a dict fixture for `this`
(the model itself, in an incremental test) fails there with "Not able to get columns ... because
the relation doesn't exist": the first nightly build, and the Spark and Postgres builds, would
fail. Such fixtures must be SQL. Fast: reads the dbt manifest.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def dict_fixtures_for_this(manifest: dict[str, Any]) -> list[str]:
    """Names of unit tests whose `this` fixture is not SQL."""
    return sorted(
        test["name"]
        for test in manifest["unit_tests"].values()
        for given in test.get("given") or []
        if given.get("input") == "this" and given.get("format", "dict") != "sql"
    )


def test_this_fixtures_are_sql(dbt_manifest: Path) -> None:
    manifest = json.loads(dbt_manifest.read_text())
    assert any(
        given.get("input") == "this"
        for test in manifest["unit_tests"].values()
        for given in test.get("given") or []
    ), "no incremental unit test found: is the manifest complete?"
    assert dict_fixtures_for_this(manifest) == []


def test_a_dict_fixture_for_this_is_reported() -> None:
    manifest = {
        "unit_tests": {
            "a": {"name": "ut_dict", "given": [{"input": "this", "format": "dict"}]},
            "b": {"name": "ut_default", "given": [{"input": "this"}]},
            "c": {"name": "ut_sql", "given": [{"input": "this", "format": "sql"}]},
            "d": {"name": "ut_ref", "given": [{"input": "ref('x')", "format": "dict"}]},
        }
    }
    assert dict_fixtures_for_this(manifest) == ["ut_default", "ut_dict"]


def test_unit_test_names_fit_postgres(dbt_manifest: Path) -> None:
    """dbt names a relation after each unit test; PostgreSQL cuts identifiers at 63 bytes and
    dbt-postgres refuses longer ones (make postgres-test runs every unit test there)."""
    manifest = json.loads(dbt_manifest.read_text())
    too_long = [t["name"] for t in manifest["unit_tests"].values() if len(t["name"]) > 63]
    assert too_long == []
