"""Settings and landing-folder discovery (no DuckDB)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from orchestration.ingest.contract import ENTITIES
from orchestration.ingest.landing import (
    EmptyLandingError,
    discover_files,
    file_format,
    require_files,
    scan_landing,
)
from orchestration.settings import REPO_ROOT, Settings


def test_repo_root_holds_dbt_project() -> None:
    assert (REPO_ROOT / "dbt_project.yml").is_file()


def test_settings_defaults_resolve_against_repo_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the working directory must not matter
    settings = Settings.from_env({})
    assert settings.landing_dir == REPO_ROOT / "data" / "landing"
    assert settings.warehouse_path == REPO_ROOT / "data" / "warehouse.duckdb"
    assert settings.reporting_timezone == "UTC"
    assert settings.landing_default_timezone == "UTC"
    assert settings.dagster_home is None


def test_settings_from_environment(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "LANDING_DIR": str(tmp_path / "in"),
            "WAREHOUSE_PATH": "tmp/w.duckdb",
            "REPORTING_TIMEZONE": "Europe/Berlin",
            "LANDING_DEFAULT_TIMEZONE": "America/New_York",
            "DAGSTER_HOME": ".dagster",
        }
    )
    assert settings.landing_dir == tmp_path / "in"
    assert settings.warehouse_path == REPO_ROOT / "tmp" / "w.duckdb"
    assert settings.reporting_timezone == "Europe/Berlin"
    assert settings.landing_default_timezone == "America/New_York"
    assert settings.dagster_home == REPO_ROOT / ".dagster"
    with pytest.raises(AttributeError):
        settings.reporting_timezone = "UTC"  # type: ignore[misc]


def test_empty_values_fall_back_to_defaults() -> None:
    settings = Settings.from_env({"LANDING_DIR": "  ", "REPORTING_TIMEZONE": ""})
    assert settings.landing_dir == REPO_ROOT / "data" / "landing"
    assert settings.reporting_timezone == "UTC"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.csv", "csv"),
        ("A.CSV", "csv"),
        ("a.csv.gz", "csv.gz"),
        ("a.jsonl", "jsonl"),
        ("a.JSONL.GZ", "jsonl.gz"),
        ("a.parquet", "parquet"),
        ("a.json", None),
        ("a.gz", None),
        ("a.txt", None),
    ],
)
def test_file_format(name: str, expected: str | None) -> None:
    assert file_format(Path(name)) == expected


def touch(path: Path, text: str = "x\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_discover_files_sorted_recursive_and_filtered(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    b = touch(tmp_path / "tickets" / "b.csv")
    a = touch(tmp_path / "tickets" / "a.jsonl")
    nested = touch(tmp_path / "tickets" / "2024" / "01" / "x.csv.gz")
    touch(tmp_path / "tickets" / ".hidden.csv")
    touch(tmp_path / "tickets" / ".tmp" / "y.csv")
    touch(tmp_path / "tickets" / "notes.txt")
    touch(tmp_path / "unknown_entity" / "z.csv")
    touch(tmp_path / "loose.csv")
    agent = touch(tmp_path / "agents" / "agents.parquet")
    with caplog.at_level(logging.INFO):
        found = discover_files(tmp_path)
    assert set(found) == set(ENTITIES)
    assert found["tickets"] == [nested, a, b]  # sorted by relative posix path
    assert found["agents"] == [agent]
    assert found["calls"] == []
    messages = caplog.text
    assert "notes.txt" in messages
    assert "unknown_entity" in messages
    assert "loose.csv" in messages
    assert ".hidden.csv" in messages
    ignored = {(f.entity, f.path): f.reason for f in scan_landing(tmp_path)[1]}
    assert set(ignored) == {
        ("tickets", "tickets/notes.txt"),
        (None, "unknown_entity/"),
        (None, "loose.csv"),
    }
    assert ignored["tickets", "tickets/notes.txt"].startswith("unsupported suffix")


def test_require_files_names_folder_and_layout(tmp_path: Path) -> None:
    (tmp_path / "tickets").mkdir()
    touch(tmp_path / "tickets" / "readme.txt")
    with pytest.raises(EmptyLandingError) as excinfo:
        require_files(tmp_path, discover_files(tmp_path))
    message = str(excinfo.value)
    assert str(tmp_path) in message
    assert "<LANDING_DIR>/<entity>/" in message
    assert "tickets" in message


def test_missing_landing_folder_is_empty(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(EmptyLandingError, match="does not exist"):
        require_files(missing, discover_files(missing))
