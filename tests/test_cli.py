"""The commands' shared argument types and runner: a user's mistake is one line, not a
traceback."""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb
import pytest

from orchestration import cli


def test_argument_types_say_what_is_wrong(tmp_path: Path) -> None:
    assert cli.positive_int("3") == 3
    assert cli.non_negative_int("0") == 0
    assert cli.share("0.25") == 0.25
    for parse, text, words in [
        (cli.positive_int, "0", "at least 1, not 0"),
        (cli.positive_int, "abc", "not a whole number: 'abc'"),
        (cli.non_negative_int, "-1", "at least 0, not -1"),
        (cli.share, "5", "between 0 and 1, not 5.0"),
        (cli.iso_date, "2025-13-01", "not a YYYY-MM-DD date"),
        (cli.folder, " ", "an empty path"),
        (cli.existing_folder, str(tmp_path / "nope"), "does not exist"),
        (cli.warehouse_file, str(tmp_path), "not a file but a folder"),
        (cli.warehouse_file, str(tmp_path / "nope.duckdb"), "No warehouse at"),
    ]:
        with pytest.raises(argparse.ArgumentTypeError, match=words):
            parse(text)
    text = tmp_path / "x.csv"
    text.write_text("a,b\n")
    with pytest.raises(argparse.ArgumentTypeError, match="not a DuckDB database file"):
        cli.warehouse_file(str(text))
    database = tmp_path / "w.duckdb"
    duckdb.connect(str(database)).close()
    assert cli.warehouse_file(str(database)) == database


def test_runner_ends_a_user_error_with_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing() -> int:
        raise FileNotFoundError(2, "No such file or directory", "/x/landing")

    monkeypatch.delenv(cli.TRACEBACK_VARIABLE, raising=False)
    with pytest.raises(SystemExit) as exited:
        cli.run(missing, "prog")
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("prog: error: [Errno 2] No such file or directory: '/x/landing'")
    assert "Traceback" not in err
    monkeypatch.setenv(cli.TRACEBACK_VARIABLE, "1")
    with pytest.raises(FileNotFoundError):
        cli.run(missing, "prog")
    with pytest.raises(SystemExit) as exited:
        cli.run(lambda: 3, "prog")
    assert exited.value.code == 3

    def bug() -> int:
        raise KeyError("not a user error")

    with pytest.raises(KeyError):
        cli.run(bug, "prog")


def test_landing_default_is_the_repositorys_whatever_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LANDING_DIR", raising=False)
    assert cli.landing_default() == Path(cli.__file__).resolve().parents[1] / "data" / "landing"
    monkeypatch.setenv("LANDING_DIR", "elsewhere")
    assert cli.landing_default() == Path(cli.__file__).resolve().parents[1] / "elsewhere"
