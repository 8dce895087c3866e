"""Create the dashboard defined in dashboards/superset/*.json through Superset's REST API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from superset_api import SupersetClient

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFINITION = REPO_ROOT / "dashboards" / "superset" / "support_kpis.json"


def load_definition(path: Path = DEFINITION) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def position_json(rows: list[list[int]], names: dict[int, str]) -> dict[str, Any]:
    """Superset's dashboard layout: one ROW per list, charts sharing the 12-column grid."""
    position: dict[str, Any] = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"type": "ROOT", "id": "ROOT_ID", "children": ["GRID_ID"]},
        "GRID_ID": {"type": "GRID", "id": "GRID_ID", "children": [], "parents": ["ROOT_ID"]},
    }
    for r, chart_ids in enumerate(rows):
        row_id = f"ROW-{r}"
        position["GRID_ID"]["children"].append(row_id)
        position[row_id] = {
            "type": "ROW",
            "id": row_id,
            "children": [],
            "parents": ["ROOT_ID", "GRID_ID"],
            "meta": {"background": "BACKGROUND_TRANSPARENT"},
        }
        width = max(2, 12 // max(1, len(chart_ids)))
        for chart_id in chart_ids:
            cell = f"CHART-{chart_id}"
            position[row_id]["children"].append(cell)
            position[cell] = {
                "type": "CHART",
                "id": cell,
                "children": [],
                "parents": ["ROOT_ID", "GRID_ID", row_id],
                "meta": {
                    "chartId": chart_id,
                    "sliceName": names[chart_id],
                    "width": width,
                    "height": 40 if r == 0 else 70,
                },
            }
    return position


def create_datasets(
    client: SupersetClient, database_id: int, definition: dict[str, Any]
) -> dict[str, int]:
    """One Superset dataset per mart table the charts use; ids by table name."""
    return {
        table: client.create_dataset(database_id, definition["schema"], table)
        for table in sorted({c["dataset"] for c in definition["charts"]})
    }


def headline_where(chart: dict[str, Any]) -> str:
    """The chart's SQL filters joined with AND (what Superset adds to its WHERE)."""
    filters = chart["params"].get("adhoc_filters") or []
    return " and ".join(f"({f['sqlExpression']})" for f in filters if f.get("clause") == "WHERE")


def create_dashboard(
    client: SupersetClient, database_id: int, definition: dict[str, Any]
) -> tuple[int, dict[str, int]]:
    """Datasets, charts and the dashboard; returns (dashboard id, chart ids by key)."""
    datasets = create_datasets(client, database_id, definition)
    chart_ids: dict[str, int] = {}
    for chart in definition["charts"]:
        chart_ids[chart["key"]] = client.create_chart(
            chart["name"], chart["viz_type"], datasets[chart["dataset"]], chart["params"]
        )
    names = {chart_ids[c["key"]]: c["name"] for c in definition["charts"]}
    rows = [[chart_ids[key] for key in row] for row in definition["rows"]]
    dashboard_id = client.create_dashboard(
        definition["dashboard_title"],
        definition["slug"],
        position_json(rows, names),
        list(chart_ids.values()),
    )
    return dashboard_id, chart_ids
