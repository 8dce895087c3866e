"""Apache Superset against the serving file, end to end (run by `make bi-test`, not `make test`).

A real nightly job builds the warehouse and publishes data/analytics-like serving file; a
throw-away Superset (its own venv, DuckDB 1.x driver) opens it read-only through its REST API:
SQL Lab answers for five headline KPIs equal the marts, the dashboard of dashboards/superset is
created and screenshotted with headless Chromium, and two publishes run while Superset queries
every 300 ms: no errors, every answer is the old or the new data, never a mix.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dashboard import create_dashboard, create_datasets, headline_where, load_definition
from superset_api import SupersetClient
from superset_server import ADMIN, BI_BIN, REPO_ROOT, running_superset

from orchestration.demo import generate
from orchestration.serving.publish import load_manifest, publish
from orchestration.serving.settings import ServingSettings

pytestmark = pytest.mark.slow

AS_OF = "2026-07-01 00:00:00"
SCREENSHOT = Path(os.environ.get("BI_SCREENSHOT", REPO_ROOT / "target" / "bi" / "support_kpis.png"))
PAIR_SQL = (
    "select (select count(*) from marts.fct_tickets) as tickets, "
    "(select sum(new_tickets) from marts.kpi_support_daily) as kpi_new_tickets"
)
CUTOFF = "2026-05-01"
SUMMARY = SCREENSHOT.with_name("summary.txt")


def note(line: str) -> None:
    """One line of the run's summary (printed by `make bi-test` after pytest)."""
    SUMMARY.parent.mkdir(parents=True, exist_ok=True)
    with SUMMARY.open("a", encoding="utf-8") as out:
        out.write(line + "\n")


def query(path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def built(pipeline_env: dict[str, Path], dbt_manifest: Path) -> Iterator[dict[str, Path]]:
    """The nightly job on 1,500 generated tickets, publishing to a throw-away serving file."""
    serving = pipeline_env["root"] / "serving" / "analytics.duckdb"
    SUMMARY.unlink(missing_ok=True)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SERVING_PATH", str(serving))
        mp.setenv("SERVING_MODE", "duckdb")
        generate(
            out_dir=pipeline_env["landing"],
            tickets=1500,
            seed=11,
            fmt="csv",
            end_date="2026-06-30",
            days=400,
            files_per_entity=1,
        )
        from orchestration.definitions import defs

        result = defs.resolve_job_def("nightly_job").execute_in_process(
            run_config={"ops": {"warehouse_dbt_models": {"config": {"as_of": AS_OF}}}},
            instance=dg.DagsterInstance.ephemeral(),
            raise_on_error=False,
        )
        assert result.success, [e.message for e in result.all_events if e.is_failure]
        assert serving.exists()
        yield {**pipeline_env, "serving": serving, "manifest": dbt_manifest}


@pytest.fixture(scope="module")
def superset(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SupersetClient]:
    if not (BI_BIN / "superset").exists():
        pytest.fail("no .venv-bi: run `make bi-test`, which creates it")
    with running_superset(tmp_path_factory.mktemp("superset")) as url:
        client = SupersetClient(url)
        client.login(*ADMIN)
        yield client


@pytest.fixture(scope="module")
def database_id(superset: SupersetClient, built: dict[str, Path]) -> int:
    return superset.create_database("support_serving", f"duckdb:///{built['serving']}")


def sql_value(superset: SupersetClient, database_id: int, sql: str) -> object:
    status, payload = superset.sql(database_id, sql)
    assert status == 200 and payload.get("status") == "success", (status, str(payload)[:500])
    return next(iter(payload["data"][0].values()))


def test_headline_kpis_in_sql_lab_equal_the_marts(
    superset: SupersetClient, database_id: int, built: dict[str, Path]
) -> None:
    definition = load_definition()
    headline = [c for c in definition["charts"] if "kpi_sql" in c]
    assert len(headline) == 5
    for chart in headline:
        shown = sql_value(superset, database_id, chart["kpi_sql"])
        (expected,) = query(built["warehouse"], chart["mart_sql"])[0]
        assert shown is not None and expected is not None, chart["key"]
        assert math.isclose(float(shown), float(expected), rel_tol=1e-9), chart["key"]
        note(f"SQL Lab {chart['key']} = {shown} (marts: {expected})")
    # Read-only: Superset cannot change the serving file.
    status, payload = superset.sql(database_id, "create table marts.x as select 1 as a")
    assert status != 200 or payload.get("status") != "success"


def test_dashboard_is_created_and_screenshotted(
    superset: SupersetClient, database_id: int, built: dict[str, Path]
) -> None:
    definition = load_definition()
    dashboard_id, charts = create_dashboard(superset, database_id, definition)
    assert dashboard_id > 0 and len(charts) == len(definition["charts"])
    # The headline charts' own metrics, run by Superset's chart engine, equal the marts too.
    datasets = create_datasets(superset, database_id, definition)
    for chart in (c for c in definition["charts"] if "mart_sql" in c):
        metric = chart["params"]["metric"]
        rows = superset.chart_data(datasets[chart["dataset"]], metric, headline_where(chart))
        (expected,) = query(built["warehouse"], chart["mart_sql"])[0]
        assert math.isclose(float(rows[0][metric["label"]]), float(expected), rel_tol=1e-6)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    SCREENSHOT.unlink(missing_ok=True)
    done = subprocess.run(
        [
            str(BI_BIN / "python"),
            str(Path(__file__).with_name("screenshot.py")),
            superset.base_url,
            definition["slug"],
            str(SCREENSHOT),
            *ADMIN,
        ],
        capture_output=True,
        text=True,
        timeout=480,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    assert SCREENSHOT.stat().st_size > 20_000
    note(f"dashboard {definition['slug']} with {len(charts)} charts; screenshot: {SCREENSHOT}")


def test_superset_sees_old_or_new_data_during_two_publishes(
    superset: SupersetClient, database_id: int, built: dict[str, Path]
) -> None:
    warehouse = built["warehouse"]
    smaller = warehouse.with_name("warehouse_smaller.duckdb")
    shutil.copyfile(warehouse, smaller)
    con = duckdb.connect(str(smaller))
    con.execute(f"delete from marts.fct_tickets where created_at >= timestamp '{CUTOFF}'")
    con.execute(f"delete from marts.kpi_support_daily where date_day >= date '{CUTOFF}'")
    con.close()
    old = query(built["serving"], PAIR_SQL)[0]
    new = query(smaller, PAIR_SQL)[0]
    assert old[0] == old[1] and new[0] == new[1] and old != new

    answers: Counter[tuple] = Counter()
    failures: list[str] = []
    stop = threading.Event()

    def poll() -> None:
        deadline = time.monotonic() + 120
        while not stop.is_set() and time.monotonic() < deadline:
            status, payload = superset.sql(database_id, PAIR_SQL)
            if status == 200 and payload.get("status") == "success":
                row = payload["data"][0]
                answers[(row["tickets"], row["kpi_new_tickets"])] += 1
            else:
                failures.append(f"{status}: {str(payload)[:300]}")
            time.sleep(0.3)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    settings = ServingSettings.from_env()
    manifest = load_manifest(built["manifest"])
    time.sleep(2)
    publish(smaller, manifest, settings)  # refresh 1: new data
    time.sleep(3)
    publish(warehouse, manifest, settings)  # refresh 2: back to the full data
    time.sleep(3)
    stop.set()
    poller.join(timeout=60)
    assert failures == [], failures[:3]
    assert set(answers) <= {tuple(old), tuple(new)}, answers
    assert tuple(new) in answers and sum(answers.values()) >= 15, answers
    note(f"Superset answers during two publishes (old {old}, new {new}): {dict(answers)}")
