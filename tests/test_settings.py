from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.serving.settings import ServingSettings
from orchestration.settings import (
    REPO_ROOT,
    WAREHOUSE_SCHEMAS,
    Settings,
    check_time_zone,
    duckdb_config,
    full_build_threads,
    time_zone_names,
)


def test_duckdb_config_has_the_dbt_profile_defaults_and_reads_the_environment() -> None:
    assert duckdb_config({}) == {"memory_limit": "2.5GB", "threads": "2"}
    assert duckdb_config({"DUCKDB_MEMORY_LIMIT": " 1500MB ", "DUCKDB_THREADS": "1"}) == {
        "memory_limit": "1500MB",
        "threads": "1",
    }
    # dbt's connection and the job's other connections default to the same limits.
    profile = (REPO_ROOT / "profiles.yml").read_text()
    assert "env_var('DUCKDB_MEMORY_LIMIT', '2.5GB')" in profile
    assert "env_var('DUCKDB_THREADS', '2')" in profile


def test_a_connection_opened_with_duckdb_config_is_limited() -> None:
    config = duckdb_config({"DUCKDB_MEMORY_LIMIT": "1GB", "DUCKDB_THREADS": "1"})
    con = duckdb.connect(config=config)
    try:
        threads, limit = con.execute(
            "select current_setting('threads'), current_setting('memory_limit')"
        ).fetchone()
    finally:
        con.close()
    assert int(threads) == 1
    assert limit.startswith("953.6")  # 1GB = 10^9 bytes, shown in MiB


def test_full_build_threads_default_to_one_and_read_the_environment() -> None:
    assert full_build_threads({}) == 1
    assert full_build_threads({"DBT_FULL_BUILD_THREADS": " 2 "}) == 2


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5"])
def test_full_build_threads_name_the_variable_for_a_bad_value(value: str) -> None:
    with pytest.raises(ValueError, match=f"DBT_FULL_BUILD_THREADS .*at least 1, not '{value}'"):
        full_build_threads({"DBT_FULL_BUILD_THREADS": value})


@pytest.mark.parametrize("name", ["raw", "marts", "Staging"])
def test_a_warehouse_or_serving_file_named_after_a_schema_is_refused(
    name: str, tmp_path: Path
) -> None:
    path = tmp_path / f"{name}.duckdb"
    with pytest.raises(ValueError, match=r"WAREHOUSE_PATH=.*clashes with the warehouse's schema"):
        Settings.from_env({"WAREHOUSE_PATH": str(path)})
    with pytest.raises(ValueError, match=r"SERVING_PATH=.*e\.g\. .*warehouse\.duckdb"):
        ServingSettings.from_env({"SERVING_PATH": str(path)})


def test_the_clash_is_real_and_other_names_pass(tmp_path: Path) -> None:
    """What the check prevents: DuckDB cannot resolve `raw.<table>` in a file called raw.duckdb."""
    con = duckdb.connect(str(tmp_path / "raw.duckdb"))
    try:
        con.execute("create schema raw")
        with pytest.raises(duckdb.BinderException, match="Ambiguous reference"):
            con.execute("create table raw.tickets (ticket_id varchar)")
    finally:
        con.close()
    settings = Settings.from_env({"WAREHOUSE_PATH": str(tmp_path / "raw_2026.duckdb")})
    assert settings.warehouse_path.name == "raw_2026.duckdb"


def test_the_refused_names_are_the_schemas_the_project_creates() -> None:
    """WAREHOUSE_SCHEMAS follows dbt_project.yml (every `+schema`) and the ingest's `raw`."""
    import yaml

    from orchestration.scale_out.raw_export import RAW_SCHEMA

    def schemas(node: object) -> set[str]:
        if isinstance(node, dict):
            found = {str(v) for k, v in node.items() if k == "+schema"}
            return found.union(*(schemas(v) for v in node.values()))
        return set()

    project = yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text())
    assert set(WAREHOUSE_SCHEMAS) == schemas(project) | {RAW_SCHEMA}


@pytest.mark.parametrize("variable", ["REPORTING_TIMEZONE", "LANDING_DEFAULT_TIMEZONE"])
def test_settings_accept_iana_time_zones(variable: str) -> None:
    settings = Settings.from_env({variable: " America/New_York "})
    assert getattr(settings, variable.lower()) == "America/New_York"
    assert Settings.from_env({}).reporting_timezone == "UTC"


@pytest.mark.parametrize(
    ("variable", "value", "suggested"),
    [
        ("REPORTING_TIMEZONE", "America/NewYork", "America/New_York"),
        ("LANDING_DEFAULT_TIMEZONE", "Europe/Berln", "Europe/Berlin"),
        ("LANDING_DEFAULT_TIMEZONE", "utc", "UTC"),
    ],
)
def test_settings_refuse_a_time_zone_that_is_not_an_iana_name(
    variable: str, value: str, suggested: str
) -> None:
    with pytest.raises(ValueError, match=f"{variable}='{value}' is not a time zone") as refused:
        Settings.from_env({variable: value})
    assert f"Did you mean {suggested}" in str(refused.value)


def test_a_time_zone_offset_is_refused_without_a_guess() -> None:
    with pytest.raises(ValueError, match=r"^X='\+02:00' is not a time zone[^?]*$"):
        check_time_zone("X", "+02:00")


def test_every_accepted_time_zone_is_known_to_duckdb() -> None:
    """The names the settings accept are the warehouse's too (DuckDB's ICU database), so a name
    that passes the check never fails in a dbt model."""
    names = sorted(time_zone_names())
    assert "America/New_York" in names and "localtime" not in names
    with duckdb.connect() as con:
        unknown = []
        for name in names:
            try:
                con.execute("select timezone(?, timestamp '2026-07-01 12:00')", [name])
            except duckdb.Error:
                unknown.append(name)
    assert not unknown
