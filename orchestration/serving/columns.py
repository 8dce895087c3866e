"""What BI tools may see: the mart tables of the dbt manifest, minus personal and free-text columns.

Pure functions over the parsed `manifest.json` (no DuckDB, no Dagster), unit-tested.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

SERVING_SCHEMAS: tuple[str, ...] = ("marts",)
"""Schemas published, named as in the dbt manifest (dbt-metabase matches schema/table names)."""

FREE_TEXT_COLUMNS: frozenset[str] = frozenset(
    {
        "subject",
        "body",
        "comment",
        "comment_body",
        "message",
        "message_body",
        "text",
        "html_body",
        "plain_body",
        "transcript",
        "description",
        "free_text",
        "feedback_text",
        "survey_comment",
    }
)
"""Free-text columns (message bodies, subjects, comments) never published, tagged or not."""

PERSONAL_NAME_PARTS: tuple[str, ...] = ("email", "e_mail", "phone", "first_name", "last_name")
"""Column-name parts that mark personal data even when the YAML forgot the tag."""

CUSTOMER_ID_COLUMNS: frozenset[str] = frozenset({"customer_id", "requester_id"})
"""Columns pseudonymised when customer pseudonymisation is on (plus meta `pseudonymize: true`)."""

PSEUDONYM_PREFIX = "cust_"
PSEUDONYM_HEX_CHARS = 24


@dataclass(frozen=True)
class ServedTable:
    """One published relation: schema and name (as in the manifest) and its column meta."""

    schema: str
    name: str
    column_meta: Mapping[str, Mapping[str, Any]]
    refresh_key: str | None = None
    """The key of a model refreshed by scope (`refresh_scope.key`, macros/refresh_scope.sql): a
    nightly run replaced every row of some keys and stamped them `_refreshed_at`."""


def _column_meta(column: Mapping[str, Any]) -> dict[str, Any]:
    meta = dict(column.get("meta") or {})
    meta.update((column.get("config") or {}).get("meta") or {})
    return meta


def served_tables(
    manifest: Mapping[str, Any], schemas: Iterable[str] = SERVING_SCHEMAS
) -> list[ServedTable]:
    """Every non-ephemeral dbt model in the serving schemas, sorted by schema and name."""
    wanted = set(schemas)
    tables = []
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") != "model" or node.get("schema") not in wanted:
            continue
        if (node.get("config") or {}).get("materialized") == "ephemeral":
            continue
        meta = {
            name.lower(): _column_meta(column)
            for name, column in (node.get("columns") or {}).items()
        }
        name = str(node.get("alias") or node["name"])
        scope = (node.get("config") or {}).get("refresh_scope") or {}
        key = scope.get("key") if isinstance(scope, Mapping) else None
        tables.append(
            ServedTable(
                schema=str(node["schema"]),
                name=name,
                column_meta=meta,
                refresh_key=str(key) if key else None,
            )
        )
    return sorted(tables, key=lambda t: (t.schema, t.name))


def _truthy(value: Any) -> bool:
    return value is True or str(value).strip().lower() in ("true", "1", "yes")


def is_withheld(column: str, meta: Mapping[str, Any] | None = None) -> bool:
    """True when a column must never reach BI: tagged contains_pii, free text, or e-mail/phone."""
    name = column.lower()
    if meta and _truthy(meta.get("contains_pii")):
        return True
    if name in FREE_TEXT_COLUMNS:
        return True
    return any(part in name for part in PERSONAL_NAME_PARTS)


def published_columns(table: ServedTable, warehouse_columns: Iterable[str]) -> list[str]:
    """The table's columns (warehouse order) that BI may see."""
    return [c for c in warehouse_columns if not is_withheld(c, table.column_meta.get(c.lower()))]


def is_customer_id(column: str, meta: Mapping[str, Any] | None = None) -> bool:
    """Columns replaced by a keyed pseudonym when customer pseudonymisation is on."""
    if meta and _truthy(meta.get("pseudonymize")):
        return True
    return column.lower() in CUSTOMER_ID_COLUMNS


def pseudonymize(value: str | None, key: bytes) -> str | None:
    """A stable keyed pseudonym (HMAC-SHA256) of an id: same id and key, same pseudonym.

    Joins across tables still work; without the key the id cannot be recomputed from a guess.
    """
    if value is None:
        return None
    if not key:
        raise ValueError("pseudonymisation needs a non-empty key")
    digest = hmac.new(key, str(value).encode("utf-8"), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:PSEUDONYM_HEX_CHARS]
