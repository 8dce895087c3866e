"""The per-run data-quality report: Markdown per layer, in QUALITY_REPORTS_DIR/<run_id>/."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from orchestration.quality.suites import SuiteOutcome
from orchestration.settings import resolve_path

DEFAULT_REPORTS_DIR = "data/quality-reports"


def reports_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """QUALITY_REPORTS_DIR (relative paths resolve against the repository root)."""
    return resolve_path((environ.get("QUALITY_REPORTS_DIR") or "").strip() or DEFAULT_REPORTS_DIR)


def _cell(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text.replace("|", "\\|").replace("\n", " ")[:300]


def render_report(title: str, outcomes: Iterable[SuiteOutcome], extra: Iterable[str] = ()) -> str:
    outcomes = list(outcomes)
    lines = [
        f"# {title}",
        "",
        f"Generated {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC. Level `error` blocks downstream "
        "assets; `warn` is reported only.",
        "",
        "| suite | asset | expectations | failed (error) | failed (warn) | result |",
        "|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        errors = sum(1 for f in o.failed if f.level == "error")
        warns = len(o.failed) - errors
        result = "skipped" if o.skipped_reason else "passed" if o.passed else f"FAILED ({o.level})"
        lines.append(
            f"| {o.suite.name} | {o.suite.asset_key} | {len(o.outcomes)} | {errors} | {warns} "
            f"| {result} |"
        )
    for o in outcomes:
        lines += ["", f"## {o.suite.name} (`{o.suite.asset_key}`)", ""]
        if o.skipped_reason:
            lines.append(f"Skipped: {o.skipped_reason}.")
            continue
        lines += ["| level | expectation | result | failing | sample |", "|---|---|---|---|---|"]
        for e in o.outcomes:
            status = "ok" if e.success else ("ERROR: " + e.error if e.error else "FAILED")
            failing = "" if e.failures is None else str(e.failures)
            sample = "" if e.success else _cell(e.sample)
            lines.append(
                f"| {e.level} | {_cell(e.description)} | {_cell(status)} | {failing} | {sample} |"
            )
    extra = list(extra)
    if extra:
        lines += ["", "## Other checks", "", *extra]
    return "\n".join(lines) + "\n"


def write_report(run_id: str, layer: str, text: str, folder: Path | None = None) -> Path:
    path = (folder or reports_dir()) / run_id / f"{layer}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path
