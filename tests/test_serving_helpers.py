"""Pure helpers of the serving publish: what BI may see, pseudonyms, names, settings, SQL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from orchestration.serving.columns import (
    ServedTable,
    is_customer_id,
    is_withheld,
    pseudonymize,
    published_columns,
    served_tables,
)
from orchestration.serving.naming import (
    check_serving_name,
    is_version_of,
    pointer_path,
    temporary_path,
    version_stamp,
    versioned_path,
    versions_to_prune,
)
from orchestration.serving.postgres import postgres_type, swap_script
from orchestration.serving.settings import ServingSettings
from orchestration.serving.snapshot import SourceRelation
from orchestration.serving.synthetic import synthetic_manifest


def test_served_tables_are_the_non_ephemeral_models_of_the_marts_schema() -> None:
    manifest = synthetic_manifest()
    manifest["nodes"]["model.x.eph"] = {
        "resource_type": "model",
        "name": "eph",
        "schema": "marts",
        "config": {"materialized": "ephemeral"},
    }
    manifest["nodes"]["test.x.t"] = {"resource_type": "test", "name": "t", "schema": "marts"}
    names = [(t.schema, t.name) for t in served_tables(manifest)]
    assert names == [
        ("marts", "dim_customers"),
        ("marts", "fct_tickets"),
        ("marts", "kpi_support_daily"),
    ]


def test_pii_tags_free_text_and_contact_columns_are_withheld() -> None:
    table = ServedTable(
        "marts",
        "dim_customers",
        {"customer_name": {"contains_pii": True}, "nickname": {"contains_pii": "true"}},
    )
    columns = [
        "customer_id",
        "customer_name",
        "nickname",
        "email",
        "phone_number",
        "subject",
        "comment",
        "body",
        "segment",
        "team_name",
    ]
    assert published_columns(table, columns) == ["customer_id", "segment", "team_name"]
    assert is_withheld("x", {"contains_pii": False}) is False
    # dbt >= 1.10 puts meta under config: the manifest helper merges both places
    manifest = {
        "nodes": {
            "m": {
                "resource_type": "model",
                "name": "d",
                "schema": "marts",
                "config": {"materialized": "table"},
                "columns": {"Alias": {"config": {"meta": {"contains_pii": True}}}},
            }
        }
    }
    assert served_tables(manifest)[0].column_meta == {"alias": {"contains_pii": True}}


def test_real_manifest_withholds_names_and_emails(dbt_manifest: Path) -> None:
    import json

    tables = {t.name: t for t in served_tables(json.loads(dbt_manifest.read_text()))}
    assert {"fct_tickets", "dim_customers", "dim_agents", "kpi_support_daily"} <= set(tables)
    customers = tables["dim_customers"]
    kept = published_columns(customers, ["customer_id", "customer_name", "email", "segment"])
    assert kept == ["customer_id", "segment"]
    assert published_columns(tables["fct_tickets"], ["ticket_id", "subject"]) == ["ticket_id"]


def test_real_manifest_names_the_key_of_each_mart_refreshed_by_scope(dbt_manifest: Path) -> None:
    import json

    tables = served_tables(json.loads(dbt_manifest.read_text()))
    keys = {t.name: t.refresh_key for t in tables if t.refresh_key}
    assert keys["fct_tickets"] == "ticket_id"
    assert keys["fct_contacts"] == "contact_id"
    assert keys["fct_kb_article_views"] == "coalesce(customer_id, view_id)"  # a customer's views
    assert keys["fct_survey_responses"] == "response_id"
    assert {"fct_ticket_replies", "fct_sla_events", "fct_chat_replies"} <= set(keys)
    # Eleven rollups are refreshed by period (or article), dim_customers by customer; the other
    # rollups and dimensions in full.
    assert keys["kpi_csat_by_dimension"] == keys["kpi_survey_monthly"] == "date_month"
    assert keys["kpi_workflow_usage"] == keys["kpi_complaints_monthly"] == "date_month"
    assert keys["kpi_support_overview_monthly"] == "date_month"
    assert keys["kpi_time_with_customer"] == "month_start_date"
    assert keys["kpi_segment_response_times"] == "week_start_date"
    assert keys["kpi_self_service"] == "date_week"
    assert keys["kpi_kb_articles"] == "article_id"
    assert keys["kpi_agent_daily"] == keys["kpi_support_daily"] == "date_day"
    assert keys["dim_customers"] == "customer_id"
    by_scope = {n for n in keys if n.startswith(("kpi_", "dim_"))}
    assert by_scope == {
        "dim_customers",
        "kpi_csat_by_dimension",
        "kpi_survey_monthly",
        "kpi_time_with_customer",
        "kpi_segment_response_times",
        "kpi_self_service",
        "kpi_kb_articles",
        "kpi_workflow_usage",
        "kpi_complaints_monthly",
        "kpi_support_overview_monthly",
        "kpi_agent_daily",
        "kpi_support_daily",
    }
    assert not any(n.endswith("_versions_replaced") for n in keys)  # logs are not published


def test_pseudonyms_are_keyed_stable_and_null_safe() -> None:
    a = pseudonymize("c-1", b"secret")
    assert a == pseudonymize("c-1", b"secret")
    assert a != pseudonymize("c-1", b"other") and a != pseudonymize("c-2", b"secret")
    assert a.startswith("cust_") and len(a) == 5 + 24 and "c-1" not in a
    assert pseudonymize(None, b"secret") is None
    with pytest.raises(ValueError):
        pseudonymize("c-1", b"")
    assert is_customer_id("customer_id") and is_customer_id("x", {"pseudonymize": True})
    assert not is_customer_id("ticket_id")


def test_serving_file_names() -> None:
    path = Path("/srv/analytics.duckdb")
    assert temporary_path(path) == Path("/srv/analytics.duckdb.next")
    stamp = version_stamp(datetime(2026, 7, 1, 2, 0, 0, 123456, tzinfo=UTC))
    assert stamp == "20260701T020000123456Z"
    assert versioned_path(path, stamp) == Path("/srv/analytics-20260701T020000123456Z.duckdb")
    assert pointer_path(path) == Path("/srv/analytics.current")
    assert is_version_of(path, "analytics-20260701T020000123456Z.duckdb")
    assert not is_version_of(path, "analytics-20260701T020000123456Z.duckdb.next")
    names = [f"analytics-2026070{d}T020000000000Z.duckdb" for d in range(1, 6)]
    names += ["analytics.duckdb", "other-20260701T020000000000Z.duckdb"]
    assert versions_to_prune(path, names, keep=3) == names[:2]
    assert versions_to_prune(path, names, keep=0) == names[:4]
    for bad in ("marts.duckdb", "main.duckdb"):
        with pytest.raises(ValueError, match="named after a schema"):
            check_serving_name(Path(bad))
    check_serving_name(path)


def test_settings_from_env(tmp_path: Path) -> None:
    s = ServingSettings.from_env({})
    assert s.modes == ("duckdb",) and s.path.name == "analytics.duckdb"
    assert s.pseudonymize_key is None and s.keep_versions == 3 and s.incremental
    assert not ServingSettings.from_env({"SERVING_INCREMENTAL": "false"}).incremental
    s = ServingSettings.from_env(
        {
            "SERVING_MODE": "versioned, parquet",
            "SERVING_PATH": str(tmp_path / "a.duckdb"),
            "SERVING_PSEUDONYMIZE_CUSTOMERS": "true",
            "SERVING_PSEUDONYMIZE_KEY": "k",
            "SERVING_KEEP_VERSIONS": "5",
        }
    )
    assert s.modes == ("versioned", "parquet") and s.pseudonymize_key == b"k"
    assert s.keep_versions == 5 and s.path == tmp_path / "a.duckdb"
    for bad in (
        {"SERVING_MODE": "excel"},
        {"SERVING_MODE": "duckdb,versioned"},
        {"SERVING_MODE": "postgres"},
        {"SERVING_PSEUDONYMIZE_CUSTOMERS": "1"},
    ):
        with pytest.raises(ValueError):
            ServingSettings.from_env(bad)


def test_postgres_types_and_swap_script(tmp_path: Path) -> None:
    assert postgres_type("VARCHAR") == "text"
    assert postgres_type("DOUBLE") == "double precision"
    assert postgres_type("DECIMAL(18,3)") == "numeric(18,3)"
    assert postgres_type("TIMESTAMP") == "timestamp"
    assert postgres_type("VARCHAR[]") == "text"
    relation = SourceRelation(
        ServedTable("marts", "fct_tickets", {}),
        "marts__fct_tickets",
        [("ticket_id", "VARCHAR"), ("n", "BIGINT")],
        2,
    )
    script = swap_script([relation], tmp_path, readers=("bi",))
    assert 'grant select on all tables in schema "marts__next" to "bi";' in script
    assert 'create table "marts__next"."fct_tickets" ("ticket_id" text, "n" bigint);' in script
    assert script.index('rename to "marts__old"') < script.index(
        'alter schema "marts__next" rename to "marts"'
    )


def test_percentile_and_query_latencies(tmp_path: Path) -> None:
    from orchestration.serving.bench_queries import (
        DASHBOARD_QUERIES,
        dashboard_query_latencies,
        percentile,
    )

    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 0.5) == 3.0
    assert percentile([1.0, 2.0], 0.95) == pytest.approx(1.95)
    assert len(DASHBOARD_QUERIES) == 10
    import duckdb

    path = tmp_path / "analytics.duckdb"
    duckdb.connect(str(path)).execute("create table t as select 1 as a").close()
    result = dashboard_query_latencies(path, repeats=3, queries={"one": "select * from t"})
    assert result["one"]["rows"] == 1 and result["_all"]["rows"] == 3
    assert 0 < result["one"]["median_ms"] <= result["one"]["p95_ms"]


def test_metabase_foreign_keys_point_at_published_columns(dbt_manifest: Path) -> None:
    import json

    tables = {
        f"{t.schema}.{t.name}": t for t in served_tables(json.loads(dbt_manifest.read_text()))
    }
    targets = 0
    for table in tables.values():
        for column, meta in table.column_meta.items():
            if meta.get("metabase.semantic_type") == "type/FK":
                target = tables[meta["metabase.fk_target_table"]]
                field = meta["metabase.fk_target_field"]
                assert target.column_meta[field]["metabase.semantic_type"] == "type/PK"
                targets += 1
            if meta.get("metabase.semantic_type"):
                assert not is_withheld(column, meta), (table.name, column)
    assert targets >= 5
