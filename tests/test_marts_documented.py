"""Every mart is documented for BI: model and column descriptions, Metabase semantic types.

Fast (no warehouse): reads the dbt manifest. That the documented columns equal the real output
columns needs a built warehouse: see test_contacts_e2e.py::test_every_mart_column_is_documented.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

MARTS_PREFIX = "models/marts/"
# Semantic types the mart YAML may use (Metabase's type hierarchy; see docs/serving.md).
KNOWN_SEMANTIC_TYPES = {
    None,
    "type/PK",
    "type/FK",
    "type/Category",
    "type/Name",
    "type/Title",
    "type/Quantity",
    "type/Score",
    "type/Currency",
    "type/CreationTimestamp",
    "type/CreationDate",
    "type/JoinTimestamp",
    "type/UpdatedTimestamp",
}

Node = dict[str, Any]


def mart_models(manifest: dict[str, Any]) -> dict[str, Node]:
    """Model nodes defined under models/marts, by name."""
    return {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["original_file_path"].startswith(MARTS_PREFIX)
    }


def undocumented(models: dict[str, Node]) -> list[str]:
    """Models without description or columns, and columns without description."""
    problems: list[str] = []
    for name, node in sorted(models.items()):
        if not (node.get("description") or "").strip():
            problems.append(f"{name}: no model description")
        if not node["columns"]:
            problems.append(f"{name}: no columns in YAML")
        for column, spec in node["columns"].items():
            if not (spec.get("description") or "").strip():
                problems.append(f"{name}.{column}: no description")
    return problems


def column_meta(spec: Node) -> dict[str, Any]:
    return {**(spec.get("meta") or {}), **((spec.get("config") or {}).get("meta") or {})}


def semantic_type_problems(models: dict[str, Node]) -> list[str]:
    """Unknown semantic types, FKs without a documented target, percentages typed as such."""
    targets = {f"{node['schema']}.{node['alias']}": node for node in models.values()}
    problems: list[str] = []
    for name, node in sorted(models.items()):
        for column, spec in node["columns"].items():
            meta = column_meta(spec)
            where = f"{name}.{column}"
            semantic = meta.get("metabase.semantic_type")
            if semantic not in KNOWN_SEMANTIC_TYPES:
                problems.append(f"{where}: unknown semantic type {semantic!r}")
            if column.endswith("_pct") and semantic is not None:
                problems.append(f"{where}: 0-100 percentages carry no semantic type")
            if meta.get("contains_pii") and semantic is not None:
                problems.append(f"{where}: personal data gets no semantic type")
            if semantic != "type/FK":
                continue
            table = meta.get("metabase.fk_target_table")
            field = meta.get("metabase.fk_target_field")
            target = targets.get(table or "")
            if target is None:
                problems.append(f"{where}: FK target table {table!r} is not a mart")
            elif field not in target["columns"]:
                problems.append(f"{where}: FK target field {table}.{field} is not documented")
    return problems


@pytest.fixture(scope="module")
def marts(dbt_manifest: Path) -> dict[str, Node]:
    models = mart_models(json.loads(dbt_manifest.read_text()))
    assert len(models) >= 20, sorted(models)
    return models


def test_every_mart_and_column_has_a_description(marts: dict[str, Node]) -> None:
    assert undocumented(marts) == []


def test_metabase_semantic_types_are_valid(marts: dict[str, Node]) -> None:
    assert semantic_type_problems(marts) == []


def test_every_mart_has_a_primary_key_or_typed_columns(marts: dict[str, Node]) -> None:
    """Each mart tells Metabase something: a PK, an FK, a category or a quantity."""
    untyped = [
        name
        for name, node in sorted(marts.items())
        if not any(
            column_meta(spec).get("metabase.semantic_type") for spec in node["columns"].values()
        )
    ]
    assert untyped == []


def test_checks_catch_missing_descriptions_and_bad_targets() -> None:
    """The helpers themselves: a hand-made manifest with one problem of each kind."""
    good = {"description": "Customer.", "meta": {"metabase.semantic_type": "type/PK"}}
    models = {
        "dim_x": {
            "name": "dim_x",
            "schema": "marts",
            "alias": "dim_x",
            "description": "One row per x.",
            "columns": {"x_id": good},
        },
        "fct_y": {
            "name": "fct_y",
            "schema": "marts",
            "alias": "fct_y",
            "description": " ",
            "columns": {
                "x_id": {
                    "description": "",
                    "config": {
                        "meta": {
                            "metabase.semantic_type": "type/FK",
                            "metabase.fk_target_table": "marts.dim_z",
                            "metabase.fk_target_field": "x_id",
                        }
                    },
                },
                "share_pct": {
                    "description": "Share.",
                    "meta": {"metabase.semantic_type": "type/Percentage"},
                },
            },
        },
    }
    assert undocumented(models) == ["fct_y: no model description", "fct_y.x_id: no description"]
    assert semantic_type_problems(models) == [
        "fct_y.x_id: FK target table 'marts.dim_z' is not a mart",
        "fct_y.share_pct: unknown semantic type 'type/Percentage'",
        "fct_y.share_pct: 0-100 percentages carry no semantic type",
    ]
