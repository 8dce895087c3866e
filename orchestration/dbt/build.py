"""Pure helpers for the dbt step: CLI arguments, the gate-failure message, build-then-swap."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

K = TypeVar("K")


@dataclass(frozen=True)
class FailedNode:
    """A dbt test that failed or a node that errored in one `dbt build`."""

    name: str
    resource_type: str
    status: str
    attached_to: str
    failures: int | None
    message: str


def dbt_build_args(
    full_refresh: bool = False,
    dbt_vars: Mapping[str, Any] | None = None,
    threads: int | None = None,
) -> list[str]:
    """The `dbt build` command line for the nightly job: seeds, models and data tests. Unit tests
    are left out: they pin SQL logic on fixed rows, so tonight's data cannot change their outcome
    (dbt recommends running them in development and CI only). `make test` runs every one of them,
    and they assume a UTC reporting time zone, which a deployment may well not use.
    `threads` overrides the profile's thread count (full builds, see build_threads).
    dbt's debug log file is not written (`--log-level-file none`): the step deletes its target
    folder, log included, after every run, and Dagster's run log keeps dbt's structured events;
    formatting and writing every query's debug lines cost about 1.5 s a night."""
    args = ["build", "--log-level-file", "none", "--exclude-resource-type", "unit_test"]
    if full_refresh:
        args.append("--full-refresh")
    if threads is not None:
        args += ["--threads", str(threads)]
    if dbt_vars:
        args += ["--vars", json.dumps(dict(dbt_vars), sort_keys=True)]
    return args


def failed_nodes(run_results: Mapping[str, Any], manifest: Mapping[str, Any]) -> list[FailedNode]:
    """Failing tests and erroring nodes in run_results.json, with the node each is attached to."""
    nodes = {**manifest.get("nodes", {}), **manifest.get("unit_tests", {})}
    found: list[FailedNode] = []
    for result in run_results.get("results", []):
        status = str(result.get("status", ""))
        if status not in ("fail", "error", "runtime error"):
            continue
        unique_id = str(result.get("unique_id", ""))
        node = nodes.get(unique_id, {})
        attached = node.get("attached_node") or ""
        if not attached and node.get("resource_type") == "unit_test":
            attached = (
                "model." + str(node.get("package_name", "")) + "." + str(node.get("model", ""))
            )
        if not attached:
            depends = node.get("depends_on", {}).get("nodes", [])
            attached = depends[0] if depends and node.get("resource_type") == "test" else unique_id
        found.append(
            FailedNode(
                name=str(node.get("name") or unique_id.split(".")[-1]),
                resource_type=str(node.get("resource_type") or unique_id.split(".")[0]),
                status=status,
                attached_to=attached.split(".")[-1],
                failures=result.get("failures"),
                message=" ".join(str(result.get("message") or "").split())[:500],
            )
        )
    return found


def outdated_tables(
    manifest: Mapping[str, Any], stored: Mapping[tuple[str, str], set[str]]
) -> dict[str, list[str]]:
    """Incremental models whose stored table lacks columns the project's YAML documents now
    (model name -> missing columns): tables built by an older version of the project. An
    incremental run would fail on them one by one (dbt's `on_schema_change: fail`, or a scope that
    reads the missing `_refreshed_at`); a full refresh rebuilds them. Models not built yet are
    left out (dbt builds them in full)."""
    found: dict[str, list[str]] = {}
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") != "model":
            continue
        if (node.get("config") or {}).get("materialized") != "incremental":
            continue
        name = str(node.get("alias") or node["name"])
        table = (str(node.get("schema", "")).lower(), name.lower())
        if table not in stored:
            continue
        missing = sorted(c for c in node.get("columns", {}) if c.lower() not in stored[table])
        if missing:
            found[str(node["name"])] = missing
    return found


def describe_outdated(outdated: Mapping[str, list[str]]) -> str:
    """The error of an incremental run on tables an older version of the project built."""
    lines = [f"- {name}: no column {', '.join(cols)}" for name, cols in sorted(outdated.items())]
    return (
        "The warehouse was built by an older version of the project: these incremental models'"
        " stored tables lack columns the models have now. Run one full refresh (Dagster run"
        " config `full_refresh: true`, or `dbt build --full-refresh`); nothing was built.\n"
        + "\n".join(lines)
    )


def describe_failures(failures: Iterable[FailedNode]) -> str:
    """One line per failure: which check, on which asset, how many rows, and dbt's message."""
    lines = []
    for f in failures:
        if f.resource_type in ("test", "unit_test"):
            rows = "" if f.failures is None else f", {f.failures} failing row(s)"
            lines.append(
                f"check '{f.name}' on asset '{f.attached_to}' failed{rows}: {f.message}".rstrip(
                    ": "
                )
            )
        else:
            lines.append(f"{f.resource_type} '{f.name}' errored: {f.message}")
    if not lines:
        return "dbt build failed (no failing node in run_results.json; see the dbt log above)."
    return "Data-quality gate stopped the build; downstream assets were not rebuilt.\n" + "\n".join(
        f"- {line}" for line in lines
    )


def build_threads(
    full_refresh: bool, has_incremental_models: bool, full_build_threads: int
) -> int | None:
    """dbt's thread count for this build: `full_build_threads` when every model is built in full
    (a full refresh, or the first build: no incremental model exists yet), else None (the
    profile's DBT_THREADS)."""
    if full_refresh or not has_incremental_models:
        return full_build_threads
    return None


FLAGGED_STATUSES = ("fail", "error", "runtime error", "warn")
"""Node statuses in run_results.json whose compiled SQL a user wants to open (dbt's log points
at `<target>/compiled/...` for each)."""
KEPT_MARKER = ".kept-for-inspection"
KEEP_FLAGGED_TARGETS = 5


def flagged_nodes(run_results: Mapping[str, Any]) -> int:
    """Nodes that failed, errored or warned in run_results.json."""
    return sum(
        1 for r in run_results.get("results", []) if str(r.get("status")) in FLAGGED_STATUSES
    )


def keep_or_remove_target(
    target_path: Path, flagged: int, keep: int = KEEP_FLAGGED_TARGETS
) -> bool:
    """A run's dbt target folder stays when `flagged` nodes failed or warned, so that the
    "compiled code at ..." paths of dbt's log open; else it is removed. Of the kept folders
    beside it only the newest `keep` remain (a folder is marked when kept, so the folder of a
    build still running is never taken for an old one). Returns whether the folder was kept."""
    if not flagged:
        shutil.rmtree(target_path, ignore_errors=True)
        return False
    (target_path / KEPT_MARKER).touch()
    kept = sorted(
        (p for p in target_path.parent.glob("*/" + KEPT_MARKER)),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for marker in kept[keep:]:
        shutil.rmtree(marker.parent, ignore_errors=True)
    return True


PARSE_STATE_FILE = "partial_parse.msgpack"


def parse_state_dir(root: Path, warehouse: Path) -> Path:
    """The folder under `root` that keeps the nightly parse state of one warehouse.

    dbt's parse state records a hash of the profile's connection values, the database path among
    them, and dbt parses the whole project again when it differs. One project often builds
    several warehouses (the demo's, the benchmark's, the tests' throw-away ones); with a single
    shared state each of them made the next run of another re-parse. Keyed by the resolved
    warehouse path, each keeps its own."""
    digest = hashlib.sha256(str(warehouse.resolve()).encode()).hexdigest()[:16]
    return root / digest


def reuse_parse_state(state_dir: Path, target_path: Path) -> bool:
    """Give a new dbt target folder the parse state an earlier nightly run left in `state_dir`.

    dbt re-parses the whole project (about 5 s more than a partial parse) when the parse state
    was written with another profile or other vars: the project's `target/` holds the state of
    `dbt parse`, whose profile points at the warehouse itself, while the nightly build points at
    the working copy. Copying the nightly run's own state in first lets dbt parse only what
    changed since. True when a state was copied."""
    return _copy_parse_state(state_dir, target_path)


def keep_parse_state(target_path: Path, state_dir: Path) -> bool:
    """Keep the parse state a dbt run wrote in `target_path` for the next run (see
    reuse_parse_state). True when there was one."""
    return _copy_parse_state(target_path, state_dir)


def _copy_parse_state(source_dir: Path, target_dir: Path) -> bool:
    source = source_dir / PARSE_STATE_FILE
    if not source.exists():
        return False
    target_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target_dir / PARSE_STATE_FILE)
    return True


@contextmanager
def environ_override(**values: str) -> Iterator[None]:
    """Set environment variables for the duration of the block (e.g. WAREHOUSE_PATH while dbt's
    subprocess starts: it copies os.environ), then restore them. Not thread-safe: the nightly
    job runs its steps one at a time in one process."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def promotes_later(
    promote_key: K, run_selection: Collection[K] | None, job_assets: Collection[K]
) -> bool:
    """True when the promote asset runs later in this run (it swaps the build in after the mart
    checks); False for runs without it, where the dbt step swaps the build in itself.

    `run_selection` is the run's asset selection: None or empty for the whole job (Dagster gives
    an empty set then), else the assets picked, e.g. in the UI; `job_assets` are the job's
    (subset) assets."""
    return promote_key in (run_selection or job_assets)


def build_kept_message(warehouse: Path, kept: Path | None) -> str:
    """What happened to the warehouse after a failed gate, and where the failed build is."""
    where = f"the failed build is kept as {kept} for inspection" if kept else "no build was kept"
    return (
        f"The build was not promoted: {warehouse} keeps its previous staging, intermediate and "
        f"mart tables (raw rows loaded by this run stay there and are not loaded again); {where}."
    )
