from __future__ import annotations

import duckdb
import pytest

from orchestration.settings import REPO_ROOT, duckdb_config, full_build_threads


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
