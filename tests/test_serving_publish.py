"""The publish step on a small synthetic warehouse: atomic swap, targets, concurrent readers."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

import orchestration.serving.snapshot as snapshot
from orchestration.serving import probe
from orchestration.serving.duckdb_file import STORAGE_VERSION, PublishCheckError
from orchestration.serving.publish import publish
from orchestration.serving.settings import ServingSettings
from orchestration.serving.synthetic import make_warehouse, synthetic_manifest

REPO_ROOT = Path(__file__).resolve().parents[1]
PROBE = Path(probe.__file__)
BI_PYTHON = REPO_ROOT / ".venv-bi" / "bin" / "python"  # DuckDB 1.x, created by `make bi-test`
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def settings(tmp_path: Path, **env: str) -> ServingSettings:
    base = {
        "SERVING_PATH": str(tmp_path / "serving" / "analytics.duckdb"),
        "SERVING_PARQUET_DIR": str(tmp_path / "serving" / "parquet"),
    }
    return ServingSettings.from_env({**base, **env})


def read(path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_publish_writes_only_marts_without_pii_in_a_1x_storage_version(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh.duckdb"
    make_warehouse(warehouse, 1)
    s = settings(tmp_path)
    report = publish(warehouse, synthetic_manifest(), s)
    assert report.tables == {
        "marts.dim_customers": 50,
        "marts.fct_tickets": 100,
        "marts.kpi_support_daily": 10,
    }
    assert read(s.path, "select distinct table_schema from information_schema.tables") == [
        ("marts",)
    ]
    columns = {c for (c,) in read(s.path, "select column_name from information_schema.columns")}
    assert not columns & {"customer_name", "email", "subject"}
    assert {"customer_id", "segment", "ticket_id", "new_tickets"} <= columns
    con = duckdb.connect()
    con.execute(f"attach '{s.path}' as f (read_only)")
    tags = con.execute("select tags from duckdb_databases() where database_name = 'f'").fetchone()
    con.close()
    assert tags is not None and tags[0]["storage_version"].startswith(STORAGE_VERSION)
    assert not list(s.path.parent.glob("*.next*"))
    assert STORAGE_VERSION == "v1.4.0"


def test_pseudonymised_customer_ids_still_join(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh.duckdb"
    make_warehouse(warehouse, 1)
    s = settings(tmp_path, SERVING_PSEUDONYMIZE_CUSTOMERS="true", SERVING_PSEUDONYMIZE_KEY="k1")
    publish(warehouse, synthetic_manifest(), s)
    ids = read(s.path, "select customer_id from marts.fct_tickets")
    assert all(i.startswith("cust_") for (i,) in ids)
    joined = read(
        s.path,
        "select count(*) from marts.fct_tickets as t "
        "join marts.dim_customers as c on c.customer_id = t.customer_id",
    )
    assert joined == [(100,)]


def test_a_failed_publish_leaves_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = tmp_path / "wh.duckdb"
    make_warehouse(warehouse, 1)
    s = settings(tmp_path)
    publish(warehouse, synthetic_manifest(), s)
    inode = s.path.stat().st_ino
    make_warehouse(warehouse, 2)
    real = snapshot.SourceRelation

    def wrong_count(table, view, columns, row_count):  # type: ignore[no-untyped-def]
        return real(table, view, columns, row_count + 1)

    monkeypatch.setattr(snapshot, "SourceRelation", wrong_count)
    with pytest.raises(PublishCheckError):
        publish(warehouse, synthetic_manifest(), s)
    assert s.path.stat().st_ino == inode
    assert read(s.path, "select count(*) from marts.fct_tickets") == [(100,)]
    assert not list(s.path.parent.glob("*.next*"))


def test_versioned_files_a_stable_pointer_and_pruning(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh.duckdb"
    s = settings(tmp_path, SERVING_MODE="versioned", SERVING_KEEP_VERSIONS="2")
    for generation in (1, 2, 3):
        make_warehouse(warehouse, generation)
        publish(warehouse, synthetic_manifest(), s, stamp=f"2026070{generation}T020000000000Z")
    folder = s.path.parent
    versions = sorted(p.name for p in folder.glob("analytics-*.duckdb"))
    assert versions == [
        "analytics-20260702T020000000000Z.duckdb",
        "analytics-20260703T020000000000Z.duckdb",
    ]
    assert s.path.is_symlink() and os.readlink(s.path) == versions[-1]
    assert (folder / "analytics.current").read_text().strip() == versions[-1]
    assert read(s.path, "select count(*) from marts.fct_tickets") == [(300,)]
    assert read(folder / versions[0], "select count(*) from marts.fct_tickets") == [(200,)]


def test_parquet_snapshots_and_views_script(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh.duckdb"
    s = settings(tmp_path, SERVING_MODE="parquet", SERVING_KEEP_VERSIONS="1")
    con = duckdb.connect()
    for generation in (1, 2):
        make_warehouse(warehouse, generation)
        publish(warehouse, synthetic_manifest(), s, stamp=f"2026070{generation}T020000000000Z")
        con.execute((s.parquet_dir / "views.sql").read_text())
        assert con.execute("select count(*) from marts.fct_tickets").fetchone() == (
            100 * generation,
        )
    con.close()
    assert sorted(p.name for p in s.parquet_dir.iterdir()) == [
        "20260702T020000000000Z",
        "current",
        "views.sql",
    ]


def start_readers(
    python: str, path: Path, seconds: float, count: int
) -> list[subprocess.Popen[str]]:
    return [
        subprocess.Popen(
            [python, str(PROBE), str(path), str(seconds)], stdout=subprocess.PIPE, text=True
        )
        for _ in range(count)
    ]


def reader_interpreters() -> list[str]:
    found = [sys.executable]
    if BI_PYTHON.exists():
        found.append(str(BI_PYTHON))  # DuckDB 1.x, as bundled by BI drivers
    return found


@pytest.mark.parametrize("mode", ["duckdb", "versioned"])
def test_readers_never_see_lock_errors_or_a_mix_during_two_publishes(
    tmp_path: Path, mode: str
) -> None:
    warehouse = tmp_path / "wh.duckdb"
    s = settings(tmp_path, SERVING_MODE=mode)
    scale = 5000
    expected = {}
    make_warehouse(warehouse, 1, scale)
    publish(warehouse, synthetic_manifest(), s)
    expected[1] = (scale, scale)
    readers = []
    for python in reader_interpreters():
        readers += start_readers(python, s.path, seconds=6.0, count=2)
    time.sleep(1.0)
    for generation in (2, 3):
        make_warehouse(warehouse, generation, scale)
        publish(warehouse, synthetic_manifest(), s)
        expected[generation] = (scale * generation, scale * generation)
        time.sleep(1.0)
    results = []
    for reader in readers:
        out, _ = reader.communicate(timeout=60)
        results.append(json.loads(out))
    allowed = {repr(v) for v in expected.values()}
    for result in results:
        assert result["errors"] == [], result["errors"][:3]
        assert set(result["answers"]) <= allowed, result["answers"]
        assert result["queries"] > 10
    seen = set().union(*(r["answers"] for r in results))
    assert repr(expected[3]) in seen and repr(expected[1]) in seen


# --- Postgres serving schema against a throw-away PostgreSQL 15 ------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def as_postgres_user(args: list[str]) -> list[str]:
    # initdb refuses to run as root; CI and this machine run as root.
    if os.geteuid() == 0 and shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--", *args]
    return args


@pytest.fixture
def postgres_dsn() -> Iterator[str]:
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"PostgreSQL binaries not found in {PG_BIN} (apt-get install postgresql-15)")
    root = Path(tempfile.mkdtemp(prefix="serving-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    port = free_port()
    subprocess.run(
        as_postgres_user(
            [str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]
        ),
        check=True,
        capture_output=True,
        timeout=120,
    )
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {root}"
    subprocess.run(
        as_postgres_user(
            [
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(root / "log"),
                "-w",
                "-t",
                "60",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
        timeout=90,
    )
    try:
        yield f"host=127.0.0.1 port={port} user=postgres dbname=postgres"
    finally:
        subprocess.run(
            as_postgres_user([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
            capture_output=True,
            timeout=60,
            check=False,
        )
        shutil.rmtree(root, ignore_errors=True)


def psql(dsn: str, sql: str) -> str:
    done = subprocess.run(
        [str(PG_BIN / "psql"), "-X", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql, dsn],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


def test_postgres_schema_is_swapped_in_one_transaction(tmp_path: Path, postgres_dsn: str) -> None:
    warehouse = tmp_path / "wh.duckdb"
    psql(postgres_dsn, "create role bi_reader login")
    s = settings(
        tmp_path,
        SERVING_MODE="postgres",
        SERVING_POSTGRES_DSN=postgres_dsn,
        SERVING_POSTGRES_READERS="bi_reader",
    )
    for generation in (1, 2):
        make_warehouse(warehouse, generation)
        publish(warehouse, synthetic_manifest(), s)
        assert psql(postgres_dsn, "select count(*) from marts.fct_tickets") == str(100 * generation)
    reader_dsn = postgres_dsn.replace("user=postgres", "user=bi_reader")
    assert psql(reader_dsn, "select count(*) from marts.dim_customers") == "50"
    schemas = psql(
        postgres_dsn,
        "select string_agg(nspname, ',' order by nspname) from "
        "pg_namespace where nspname like 'marts%'",
    )
    assert schemas == "marts"
    columns = psql(
        postgres_dsn,
        "select string_agg(column_name, ',') from "
        "information_schema.columns where table_schema = 'marts'",
    )
    assert "email" not in columns and "subject" not in columns and "customer_id" in columns
    assert psql(
        postgres_dsn, "select pg_typeof(created_at)::text from marts.fct_tickets limit 1"
    ) == ("timestamp without time zone")
    # A failing publish rolls back: the live schema keeps generation 2.
    make_warehouse(warehouse, 3)
    broken = ServingSettings.from_env(
        {"SERVING_MODE": "postgres", "SERVING_POSTGRES_DSN": postgres_dsn + " dbname=missing"}
    )
    with pytest.raises(RuntimeError, match="rolled back"):
        publish(warehouse, synthetic_manifest(), broken)
    assert psql(postgres_dsn, "select count(*) from marts.fct_tickets") == "200"
