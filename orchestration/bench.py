"""Benchmark the pipeline on generated data: wall time and peak memory of each step.

Usage: python -m orchestration.bench --tickets 100000 [--keep DIR]

Steps: the machine's speed right now (a Python loop and a disk write, to compare runs); demo
generator; split into the history and its last day (orchestration.demo.deliveries); ingest of
the history into a fresh warehouse; `dbt build` (models, seeds, every test); the copy of the
built warehouse that build-then-swap makes every run; the ticket-metric models alone (dbt run
--full-refresh); the whole nightly Dagster job on a fresh warehouse (a full build of the
history); the incremental nightly job after the last day's files land; the nightly job once
more with no new file (a night's cost that does not depend on new data: run creation, checks,
dbt's nodes, running clocks, KPI rollups, publish); dashboard queries on the serving file. The
nightly jobs run as production runs them: `dagster job execute`, in a process of their own.
Peak memory is the highest resident set size of this process plus its children, sampled every
50 ms; for the steps that run dbt or the Dagster job, the note also gives the peak of those
processes alone, without what earlier steps left in this process (the generator's and the split's
Python memory). Results are printed and written as Markdown to bench-results/.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
from tqdm import tqdm

from orchestration import cli
from orchestration.dbt.build import environ_override
from orchestration.settings import REPO_ROOT, full_build_threads

DBT = str(Path(sys.executable).with_name("dbt"))
DAGSTER = str(Path(sys.executable).with_name("dagster"))
JOB_PROCESSES = "the job's processes (Dagster and its dbt)"
END_DATE = dt.date(2026, 10, 31)
# The full builds run as the nightly job runs them (orchestration/dbt/build.py, build_threads).
FULL_BUILD_THREADS = ("--threads", str(full_build_threads()))
# The ticket-metric models of the ticket-lifecycle issue: business windows, every intermediate
# ticket model and the three ticket facts (their dimensions already exist from the full build).
TICKET_METRIC_MODELS = (
    "int_business_windows_expanded path:models/intermediate/tickets"
    " fct_tickets fct_ticket_replies fct_sla_events"
)


@dataclass
class StepResult:
    step: str
    seconds: float
    peak_mb: float
    note: str = ""

    @property
    def failed(self) -> bool:
        return self.note.startswith("FAILED")


class PeakMemory:
    """Samples RSS of this process and all its descendants in a background thread.

    `peak` is the highest sum over this process and its descendants; `peak_children` the highest
    sum over the descendants alone (for a step that runs a subprocess such as dbt, the memory
    that process needs without the benchmark's own)."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.peak = 0
        self.peak_children = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> tuple[int, int]:
        """(this process + descendants, descendants alone), RSS in bytes."""
        me = psutil.Process()
        own = 0
        children = 0
        with contextlib.suppress(psutil.Error):
            own = me.memory_info().rss
        for proc in me.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                children += proc.memory_info().rss
        return own + children, children

    def _run(self) -> None:
        while not self._stop.is_set():
            total, children = self._sample()
            self.peak = max(self.peak, total)
            self.peak_children = max(self.peak_children, children)
            time.sleep(self.interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def measure(step: str, fn: Callable[[], str | None], subprocess_name: str = "") -> StepResult:
    """Time `fn` and sample its peak memory. A step that raises is recorded as `FAILED: ...`
    (the benchmark goes on, writes its table and exits non-zero) instead of losing every figure.
    With `subprocess_name` (the step runs a subprocess: dbt, the Dagster job), the note also
    gives the peak of the step's subprocesses alone, without this process's own memory."""
    with PeakMemory() as memory:
        start = time.perf_counter()
        try:
            note = fn() or ""
        except Exception as error:  # reported in the table, then in the exit code
            note = f"FAILED: {type(error).__name__}: {error}"
        seconds = time.perf_counter() - start
    if subprocess_name:
        note = f"{note}; peak of {subprocess_name} alone {memory.peak_children / 2**20:,.0f} MB"
    return StepResult(step, seconds, memory.peak / 2**20, note)


@contextmanager
def bench_env(root: Path) -> Iterator[dict[str, str]]:
    env = {
        "LANDING_DIR": str(root / "landing"),
        "WAREHOUSE_PATH": str(root / "warehouse.duckdb"),
        "DAGSTER_HOME": str(root / "dagster"),
        "SERVING_PATH": str(root / "analytics.duckdb"),
        "QUALITY_REPORTS_DIR": str(root / "quality-reports"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
    }
    (root / "dagster").mkdir(parents=True, exist_ok=True)
    with environ_override(**env):
        yield env


def dbt(*args: str) -> None:
    subprocess.run(
        [DBT, *args, "--project-dir", str(REPO_ROOT), "--profiles-dir", str(REPO_ROOT), "--quiet"],
        check=True,
        cwd=REPO_ROOT,
    )


NODE_KINDS = {"seed": "seeds", "unit_test": "unit tests", "test": "data tests"}
MODEL_LAYERS = (
    (("base_", "stg_", "quarantine_"), "staging models"),
    (("int_",), "intermediate models"),
    (("fct_", "dim_", "kpi_"), "mart models"),
)


def layer_of(unique_id: str) -> str:
    """The layer a dbt node belongs to, from its unique_id (`model.<project>.<name>`, ...)."""
    kind, _, rest = unique_id.partition(".")
    if kind != "model":
        return NODE_KINDS.get(kind, "other")
    name = rest.partition(".")[2]
    return next((layer for prefixes, layer in MODEL_LAYERS if name.startswith(prefixes)), "other")


def time_breakdown(run_results: dict[str, Any], slowest: int = 5) -> str:
    """Where a dbt invocation spent its time: dbt's own elapsed time (the nodes, without the
    command's start-up: imports, reading the manifest), seconds per layer (summed over nodes; with
    more than one dbt thread the sum exceeds the wall time) and the slowest nodes."""
    per_layer: dict[str, float] = {}
    nodes = []
    for result in run_results.get("results", []):
        layer = layer_of(result["unique_id"])
        per_layer[layer] = per_layer.get(layer, 0.0) + result["execution_time"]
        nodes.append((result["execution_time"], result["unique_id"].rsplit(".", 1)[-1]))
    layers = ", ".join(
        f"{layer} {seconds:.1f} s"
        for layer, seconds in sorted(per_layer.items(), key=lambda x: -x[1])
    )
    top = ", ".join(
        f"{name} {seconds:.1f} s" for seconds, name in sorted(nodes, reverse=True)[:slowest]
    )
    elapsed = run_results.get("elapsed_time")
    prefix = f"nodes {elapsed:.1f} s (dbt's elapsed time); " if elapsed is not None else ""
    return f"{prefix}{layers}; slowest: {top}"


def dbt_timed(target: Path, *args: str) -> str:
    """Run dbt with its artifacts in `target`; the time breakdown of run_results.json."""
    dbt(*args, "--target-path", str(target))
    return time_breakdown(json.loads((target / "run_results.json").read_text()))


def fresh_warehouse(root: Path) -> None:
    for suffix in ("", ".wal"):
        Path(str(root / "warehouse.duckdb") + suffix).unlink(missing_ok=True)


def run(
    tickets: int, seed: int, keep: Path | None, late_window_days: int | None = None
) -> list[StepResult]:
    import duckdb

    from orchestration.demo import generate
    from orchestration.demo.deliveries import split_landing
    from orchestration.ingest.loader import load_landing

    root = keep or Path(tempfile.mkdtemp(prefix="bench-"))
    results: list[StepResult] = []
    with bench_env(root):
        steps = tqdm(total=11, desc=f"benchmark {tickets:,} tickets", unit="step")
        results.append(measure("machine speed (for comparing runs)", lambda: machine_speed(root)))
        steps.update()

        def gen() -> str:
            shutil.rmtree(root / "generated", ignore_errors=True)
            rows = generate(
                out_dir=root / "generated",
                tickets=tickets,
                seed=seed,
                fmt="csv",
                end_date=END_DATE,
                days=730,
                files_per_entity=1,
            )
            return f"{sum(rows.values()):,} rows in all"

        results.append(measure("demo generator", gen))
        steps.update()

        def split() -> str:
            for folder in ("landing", "day"):
                shutil.rmtree(root / folder, ignore_errors=True)
            counts = split_landing(
                root / "generated",
                root / "landing",
                root / "day",
                END_DATE,
                progress=False,
                late_window_days=late_window_days,
            )
            shutil.rmtree(root / "generated")  # split into landing/ and day/: free the disk
            day_rows = sum(c.day_rows for c in counts)
            drawn = (
                f"late and moved records from its last {late_window_days} days"
                if late_window_days
                else "late and moved records from the whole history"
            )
            return f"last day {END_DATE}: {day_rows:,} rows (new, re-delivered and late; {drawn})"

        results.append(measure("split: history + last day", split))
        steps.update()

        def ingest() -> str:
            fresh_warehouse(root)
            con = duckdb.connect(str(root / "warehouse.duckdb"))
            try:
                loaded = load_landing(con, root / "landing")
            finally:
                con.close()
            return f"{sum(r.rows_loaded for r in loaded.values()):,} raw rows"

        results.append(measure("ingest (all entities)", ingest))
        steps.update()
        results.append(
            measure(
                "dbt build (models + tests)",
                lambda: dbt_timed(root / "dbt-target", "build", *FULL_BUILD_THREADS),
                subprocess_name="the dbt process",
            )
        )
        steps.update()

        def copy_for_build() -> str:
            from orchestration.warehouse_build import BuildFiles, discard, start_build

            started = start_build(root / "warehouse.duckdb")
            discard(started.copy)
            BuildFiles(root / "warehouse.duckdb").fingerprint.unlink(missing_ok=True)
            mb = started.bytes_copied / 1e6
            return f"{mb:,.0f} MB warehouse copied at {mb / max(started.seconds, 1e-9):,.0f} MB/s"

        results.append(measure("working copy for build-then-swap", copy_for_build))
        steps.update()
        results.append(
            measure(
                "ticket-metric models (dbt run)",
                lambda: dbt_timed(
                    root / "dbt-target",
                    *("run", "--full-refresh", "--select", TICKET_METRIC_MODELS),
                    *FULL_BUILD_THREADS,
                ),
                subprocess_name="the dbt process",
            )
        )
        steps.update()

        def whole_job() -> str:
            fresh_warehouse(root)
            return nightly_job(root / "nightly-job-full.log")

        results.append(measure("whole nightly job (Dagster, full build)", whole_job, JOB_PROCESSES))
        steps.update()

        def incremental_job() -> str:
            shutil.copytree(root / "day", root / "landing", dirs_exist_ok=True)
            return nightly_job(root / "nightly-job-incremental.log")

        results.append(
            measure("incremental nightly job (one new day)", incremental_job, JOB_PROCESSES)
        )
        steps.update()

        def quiet_night() -> str:
            return nightly_job(root / "nightly-job-no-new-files.log")

        results.append(
            measure("nightly job with no new file (fixed cost)", quiet_night, JOB_PROCESSES)
        )
        steps.update()

        def dashboard_queries() -> str:
            from orchestration.serving.bench_queries import dashboard_query_latencies

            latencies = dashboard_query_latencies(root / "analytics.duckdb")
            return f"ten dashboard queries on the serving file: {format_latencies(latencies)}"

        results.append(measure("dashboard queries (serving file)", dashboard_queries))
        steps.update()
        steps.close()
    if keep is None:
        clean_work_dir(root, keep_logs=any(r.failed for r in results))
    return results


def clean_work_dir(root: Path, keep_logs: bool) -> None:
    """Remove the benchmark's working folder; after a failed step, keep its job logs (a failed
    step's note names its log) and remove the rest (landing files and warehouses: tens of GB)."""
    if not keep_logs:
        shutil.rmtree(root, ignore_errors=True)
        return
    for child in root.iterdir():
        if child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
        elif child.suffix != ".log":
            child.unlink()


def machine_speed(folder: Path, megabytes: int = 512) -> str:
    """How fast this machine is right now: a fixed Python loop (one core) and a file written and
    flushed to disk. Shared machines vary by tens of percent over a day; these two figures say
    how a run compares with another."""
    started = time.perf_counter()
    total = 0
    for i in range(20_000_000):
        total += i
    loop = time.perf_counter() - started
    path = folder / "disk-speed.tmp"
    block = os.urandom(1 << 20)
    started = time.perf_counter()
    with path.open("wb") as handle:
        for _ in range(megabytes):
            handle.write(block)
        handle.flush()
        os.fsync(handle.fileno())
    write = time.perf_counter() - started
    path.unlink()
    return (
        f"Python loop of 20M additions {loop:.2f} s; {megabytes} MB written and flushed at"
        f" {megabytes / write:,.0f} MB/s"
    )


def nightly_job(log: Path) -> str:
    """Run the nightly job as production does (`dagster job execute`, a process of its own, so
    its memory is not mixed with what this benchmark's earlier steps left in this process); its
    run log goes to `log`. Whether it succeeded and the time of each step, from the run's
    records in DAGSTER_HOME."""
    home = Path(os.environ["DAGSTER_HOME"])
    shutil.copyfile(REPO_ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    command = [DAGSTER, "job", "execute", "-m", "orchestration.definitions", "-j", "nightly_job"]
    with log.open("w") as out:
        returncode = subprocess.run(command, cwd=REPO_ROOT, stdout=out, stderr=out).returncode
    import dagster as dg

    with dg.DagsterInstance.get() as instance:
        runs = instance.get_runs(limit=1)
        if not runs:
            raise RuntimeError(f"the nightly job left no run (exit code {returncode}); see {log}")
        run = runs[0]
        succeeded = returncode == 0 and run.status == dg.DagsterRunStatus.SUCCESS
        steps = step_times(instance.get_run_step_stats(run.run_id))
    return ("succeeded; " if succeeded else f"FAILED (see {log}); ") + steps


def step_times(stats: list[Any]) -> str:
    """`step 12.3 s` for each step of a Dagster run, in the order they ran."""
    timed = sorted(
        (s for s in stats if s.start_time is not None and s.end_time is not None),
        key=lambda s: s.start_time,
    )
    return ", ".join(f"{s.step_key} {s.end_time - s.start_time:.1f} s" for s in timed)


def format_latencies(latencies: dict[str, dict[str, float]]) -> str:
    """Median and 95th percentile (ms) over all queries, from dashboard_query_latencies()."""
    overall = latencies["_all"]
    slowest = max((v["p95_ms"], k) for k, v in latencies.items() if k != "_all")
    return (
        f"median {overall['median_ms']:.1f} ms, p95 {overall['p95_ms']:.1f} ms"
        f" (slowest: {slowest[1]}, p95 {slowest[0]:.1f} ms)"
    )


def to_markdown(tickets: int, results: list[StepResult]) -> str:
    machine = f"{platform.machine()}, {os.cpu_count()} cores, "
    machine += (
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB RAM, Python {platform.python_version()}"
    )
    lines = [
        f"### {tickets:,} tickets ({machine})",
        "",
        "| step | wall time (s) | peak memory (MB) | note |",
        "|---|---:|---:|---|",
    ]
    lines += [f"| {r.step} | {r.seconds:.1f} | {r.peak_mb:,.0f} | {r.note} |" for r in results]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m orchestration.bench",
        description="Benchmark the demo generator, ingest, dbt build, the ticket-metric models,"
        " the whole nightly job (full build), the incremental nightly job after one more day"
        " of data and a nightly job with no new file, on generated data; prints wall time and"
        " peak memory per step and writes them as Markdown to bench-results/.",
    )
    parser.add_argument(
        "--tickets",
        type=cli.positive_int,
        default=100_000,
        help="tickets to generate (default: 100000)",
    )
    parser.add_argument(
        "--seed", type=cli.non_negative_int, default=7, help="generator seed (default: 7)"
    )
    parser.add_argument(
        "--keep",
        metavar="DIR",
        type=cli.folder,
        default=None,
        help="work in DIR and keep it (default: a temporary folder, removed at the end)",
    )
    parser.add_argument(
        "--late-window-days",
        type=cli.positive_int,
        default=None,
        help="draw the day's late and moved records from the rows of its last N days only"
        " (default: from the whole history)",
    )
    args = parser.parse_args(argv)
    results = run(args.tickets, args.seed, args.keep, args.late_window_days)
    table = to_markdown(args.tickets, results)
    suffix = f"-late{args.late_window_days}d" if args.late_window_days else ""
    out = REPO_ROOT / "bench-results" / f"bench-{args.tickets}{suffix}.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(table)
    print(table)
    print(f"written to {out}")
    failed = [r.step for r in results if r.failed]
    if failed:
        raise SystemExit(f"benchmark steps failed: {', '.join(failed)}")


if __name__ == "__main__":
    cli.run(main, "python -m orchestration.bench")
