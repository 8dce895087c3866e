"""Every command of the project answers `--help` with what it does (and exits 0)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

COMMANDS = {
    "demo": ["-m", "orchestration.demo"],
    "demo deliveries": ["-m", "orchestration.demo.deliveries"],
    "summary": ["-m", "orchestration.summary"],
    "bench": ["-m", "orchestration.bench"],
    "incremental check": ["-m", "orchestration.incremental_check"],
    "public data": ["-m", "orchestration.public_data"],
    "raw suites": ["-m", "orchestration.quality.raw_suites"],
    "quality checks": ["-m", "orchestration.quality.checks"],
    "raw export": ["-m", "orchestration.scale_out.raw_export"],
    "raw to postgres": ["-m", "orchestration.scale_out.raw_to_postgres"],
    "dashboard query latencies": ["-m", "orchestration.serving.bench_queries"],
    "BI probe": [str(REPO / "orchestration" / "serving" / "probe.py")],
    "mutant runner": [str(REPO / "tests" / "mutant_runner.py")],
}


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
def test_help_says_what_the_command_does(command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, *command, "--help"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("usage: "), result.stdout[:500]
    description = result.stdout.split("\n\n")[1] if "\n\n" in result.stdout else ""
    assert len(description.split()) >= 8, result.stdout  # a sentence, not just the usage line
    assert "Traceback" not in result.stderr
