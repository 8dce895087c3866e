"""The dbt unit tests pin the metrics: each small plausible bug in tests/unit_test_mutants.yml must
make a unit test fail on its values.

A copy of the dbt project (models, macros, seeds, data tests) goes to a temporary folder, with an
empty warehouse built for the unit tests' inputs; the unit tests pass there unchanged first. Then
each mutant edits one file of the copy, the unit tests of the models it names run, and the file is
restored. A mutant must end in a failed unit test (dbt status `fail`: rows differ), not in an
error (a mutant that no longer compiles proves nothing): an edit that no longer finds its text
fails too, so the list follows the SQL as it changes.

The mutants the session selected are shared among `MUTANT_WORKERS` copies of the project (default:
one per CPU, at most 4), each run by one Python process (tests/mutant_runner.py: dbt's
programmatic runner, so dbt's imports are paid once per copy, not once per mutant); the tests then
read their outcomes. Each copy passes every unit test before its mutants and again once they are
restored (the runner's own check: state dbt kept between its runs would show there).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml
from mutant_runner import BEFORE, RESTORED, apply_edits

from orchestration.ingest.loader import ensure_raw_tables

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT = str(Path(sys.executable).with_name("dbt"))
MUTANTS_FILE = Path(__file__).with_name("unit_test_mutants.yml")
RUNNER = Path(__file__).with_name("mutant_runner.py")
PROJECT_PARTS = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "data-tests")


def load_mutants(path: Path = MUTANTS_FILE) -> list[dict[str, Any]]:
    return yaml.safe_load(path.read_text())


@dataclass
class MutationProject:
    root: Path
    env: dict[str, str]


def build_project(root: Path) -> MutationProject:
    """A copy of the project with an empty warehouse (the unit tests' inputs exist)."""
    root.mkdir(parents=True)
    for part in PROJECT_PARTS:
        source = REPO_ROOT / part
        if source.is_dir():
            shutil.copytree(source, root / part)
        else:
            shutil.copy2(source, root / part)
    warehouse = root / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        ensure_raw_tables(con)
    env = {
        **os.environ,
        "WAREHOUSE_PATH": str(warehouse),
        "DBT_TARGET": "duckdb",
        "DBT_PROFILES_DIR": str(root),
    }
    subprocess.run(
        [
            DBT,
            "build",
            "--quiet",
            "--empty",
            "--full-refresh",
            "--exclude-resource-type",
            "test",
            "--exclude-resource-type",
            "unit_test",
            "--target-path",
            str(root / "target"),
        ],
        cwd=root,
        env=env,
        check=True,
    )
    return MutationProject(root, env)


def clone_project(built: MutationProject, root: Path) -> MutationProject:
    """Another copy of a built project (its own warehouse file: DuckDB lets one process write)."""
    shutil.copytree(built.root, root)
    env = {
        **built.env,
        "WAREHOUSE_PATH": str(root / "warehouse.duckdb"),
        "DBT_PROFILES_DIR": str(root),
    }
    return MutationProject(root, env)


def run_workers(
    projects: list[MutationProject], mutants: list[dict[str, Any]], work_dir: Path
) -> dict[str, dict[str, Any]]:
    """The mutants dealt round to the project copies, one mutant_runner process per copy, all at
    once; {mutant id, "before-<copy>" or "restored-<copy>": outcome}."""
    running = []
    for number, project in enumerate(projects, start=1):
        share = mutants[number - 1 :: len(projects)]
        mutants_file = work_dir / f"mutants-{number}.json"
        mutants_file.write_text(json.dumps(share))
        outcomes_file = work_dir / f"outcomes-{number}.json"
        log = (work_dir / f"runner-{number}.log").open("w")
        process = subprocess.Popen(
            [sys.executable, str(RUNNER), str(project.root), str(mutants_file), str(outcomes_file)],
            cwd=project.root,
            env=project.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        running.append((number, share, process, outcomes_file, log))
    outcomes: dict[str, dict[str, Any]] = {}
    for number, share, process, outcomes_file, log in running:
        process.wait()
        log.close()
        if process.returncode == 0 and outcomes_file.is_file():
            done = json.loads(outcomes_file.read_text())
            for check in (BEFORE, RESTORED):
                outcomes[f"{check}-{number}"] = done.pop(check)
            outcomes.update(done)
            continue
        tail = (work_dir / f"runner-{number}.log").read_text()[-3000:]
        crashed = {"error": f"mutant runner {number} exited {process.returncode}:\n{tail}"}
        for check in (BEFORE, RESTORED):
            outcomes[f"{check}-{number}"] = crashed
        outcomes.update({mutant["id"]: crashed for mutant in share})
    return outcomes


def mutant_workers() -> int:
    return max(1, int(os.environ.get("MUTANT_WORKERS") or min(4, os.cpu_count() or 1)))


@pytest.fixture(scope="module")
def mutant_outcomes(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict[str, Any]]:
    """The outcome of every mutant this session selected, run on parallel project copies."""
    selected = {
        item.callspec.params["mutant"]["id"]
        for item in request.session.items
        if item.originalname == "test_a_unit_test_fails_on_the_mutant"
    }
    mutants = [mutant for mutant in load_mutants() if mutant["id"] in selected]
    root = tmp_path_factory.mktemp("mutants")
    first = build_project(root / "copy-1")
    copies = max(1, min(mutant_workers(), len(mutants)))
    projects = [first] + [clone_project(first, root / f"copy-{n}") for n in range(2, copies + 1)]
    outcomes = run_workers(projects, mutants, root)
    for number in range(1, copies + 1):
        assert_all_pass(outcomes[f"{BEFORE}-{number}"], f"copy {number} before any mutant")
    return outcomes


def assert_all_pass(outcome: dict[str, Any], what: str) -> None:
    assert "error" not in outcome, f"{what}: {outcome.get('error')}"
    failing = sorted(test for test, status in outcome["statuses"].items() if status != "pass")
    assert outcome["statuses"] and not failing, f"unit tests fail on {what}: {failing}"


def test_the_mutants_file_lists_distinct_mutants_of_existing_files() -> None:
    mutants = load_mutants()
    ids = [m["id"] for m in mutants]
    assert len(ids) == len(set(ids))
    for mutant in mutants:
        assert (REPO_ROOT / mutant["file"]).is_file(), mutant["id"]
        assert mutant["breaks"] and mutant["tests_of"] and mutant["edits"], mutant["id"]
        # the edit applies to today's SQL and changes it
        text = (REPO_ROOT / mutant["file"]).read_text()
        assert apply_edits(text, mutant["edits"]) != text, mutant["id"]


def test_apply_edits_refuses_missing_and_ambiguous_text() -> None:
    text = "a\nb\na\n"
    assert apply_edits(text, [{"find": "b", "replace": "c"}]) == "a\nc\na\n"
    assert apply_edits(text, [{"find": "a", "replace": "x", "occurrence": 2}]) == "a\nb\nx\n"
    assert apply_edits(text, [{"find": "a", "replace": "x", "occurrence": "all"}]) == "x\nb\nx\n"
    assert apply_edits(text, [{"find": "b", "replace": ""}]) == "a\na\n"
    with pytest.raises(ValueError):
        apply_edits(text, [{"find": "a", "replace": "x"}])
    with pytest.raises(ValueError):
        apply_edits(text, [{"find": "z", "replace": "x"}])


@pytest.mark.parametrize(
    "mutant", load_mutants(), ids=lambda m: f"{m['id']}-{Path(m['file']).stem}"
)
def test_a_unit_test_fails_on_the_mutant(
    mutant_outcomes: dict[str, dict[str, Any]], mutant: dict[str, Any]
) -> None:
    outcome = mutant_outcomes[mutant["id"]]
    assert "error" not in outcome, f"{mutant['id']}: {outcome.get('error')}"
    statuses = outcome["statuses"]
    errors = sorted(test for test, status in statuses.items() if status == "error")
    failed = sorted(test for test, status in statuses.items() if status == "fail")
    assert statuses, f"{mutant['id']}: no unit test selected by {mutant['tests_of']}"
    assert not errors, f"{mutant['id']} ({mutant['breaks']}) breaks the SQL itself: {errors}"
    assert failed, f"{mutant['id']} survived: no unit test notices that {mutant['breaks']}"


def test_each_project_copy_passes_its_unit_tests_after_its_mutants(
    mutant_outcomes: dict[str, dict[str, Any]],
) -> None:
    """No mutant outlives its run: restored, each copy passes every unit test in the same process
    that ran its mutants (dbt keeps no stale SQL between its programmatic runs)."""
    restored = {key: value for key, value in mutant_outcomes.items() if key.startswith(RESTORED)}
    assert restored
    for copy, outcome in restored.items():
        assert_all_pass(outcome, copy)
