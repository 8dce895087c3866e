"""How dbt nodes appear in Dagster: the group is the layer folder (staging, intermediate, marts)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings


def group_for_node(dbt_resource_props: Mapping[str, Any]) -> str | None:
    """Seeds go to `reference`; models to their layer folder (models/<layer>/...)."""
    resource_type = dbt_resource_props.get("resource_type")
    if resource_type == "seed":
        return "reference"
    fqn = dbt_resource_props.get("fqn") or []
    if resource_type == "model" and len(fqn) > 2:
        return str(fqn[1])
    return None


class WarehouseDbtTranslator(DagsterDbtTranslator):
    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return group_for_node(dbt_resource_props) or super().get_group_name(dbt_resource_props)


# Source tests as checks stay OFF: turning them on exempts the dbt step from its own upstream
# checks, which silently disables gating (see ../shared/notes/stack.md).
translator = WarehouseDbtTranslator(
    settings=DagsterDbtTranslatorSettings(
        enable_asset_checks=True,
        enable_source_tests_as_checks=False,
    )
)
