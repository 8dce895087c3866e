"""The dbt unit tests pin the metrics: each small plausible bug in tests/unit_test_mutants.yml must
make a unit test fail on its values.

A copy of the dbt project (models, macros, seeds, data tests) goes to a temporary folder, with an
empty warehouse built for the unit tests' inputs; the unit tests pass there unchanged first. Then
each mutant edits one file of the copy, the unit tests of the models it names run, and the file is
restored. A mutant must end in a failed unit test (dbt status `fail`: rows differ), not in an
error (a mutant that no longer compiles proves nothing): an edit that no longer finds its text
fails too, so the list follows the SQL as it changes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from orchestration.ingest.loader import ensure_raw_tables

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT = str(Path(sys.executable).with_name("dbt"))
MUTANTS_FILE = Path(__file__).with_name("unit_test_mutants.yml")
PROJECT_PARTS = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "data-tests")


def load_mutants(path: Path = MUTANTS_FILE) -> list[dict[str, Any]]:
    return yaml.safe_load(path.read_text())


def apply_edits(text: str, edits: list[dict[str, Any]]) -> str:
    """Replace each edit's `find` (whole lines) by its `replace`; raise when the text is not there
    exactly as often as the edit says (once unless `occurrence` names one match or `all`)."""
    for edit in edits:
        find = edit["find"].rstrip("\n") + "\n"
        replace = edit["replace"].rstrip("\n") + "\n" if edit["replace"] else ""
        count = text.count(find)
        occurrence = edit.get("occurrence")
        if count == 0 or (occurrence is None and count != 1):
            raise ValueError(f"found {count} times, expected once: {find!r}")
        if occurrence == "all":
            text = text.replace(find, replace)
            continue
        start = -1
        for _ in range(int(occurrence or 1)):
            start = text.index(find, start + 1)
        text = text[:start] + replace + text[start + len(find) :]
    return text


@dataclass
class MutationProject:
    root: Path
    env: dict[str, str]

    def unit_tests(self, selectors: list[str] | None = None) -> dict[str, str]:
        """Run the unit tests of `selectors` (all when None); {unit test id: dbt status}."""
        select = [f"{selector},test_type:unit" for selector in selectors or []] or [
            "test_type:unit"
        ]
        target = self.root / "target"
        run_results = target / "run_results.json"
        run_results.unlink(missing_ok=True)  # never read the previous run's results
        done = subprocess.run(
            [DBT, "test", "--quiet", "--select", *select, "--target-path", str(target)],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
        )
        assert run_results.is_file(), f"dbt ran no test:\n{done.stdout}\n{done.stderr}"
        results = json.loads(run_results.read_text())["results"]
        return {r["unique_id"]: r["status"] for r in results}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MutationProject]:
    root = tmp_path_factory.mktemp("mutants")
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
    built = MutationProject(root, env)
    baseline = built.unit_tests()
    failing = sorted(test for test, status in baseline.items() if status != "pass")
    assert baseline and not failing, f"unit tests fail before any mutant: {failing}"
    yield built


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
def test_a_unit_test_fails_on_the_mutant(project: MutationProject, mutant: dict[str, Any]) -> None:
    path = project.root / mutant["file"]
    original = path.read_text()
    path.write_text(apply_edits(original, mutant["edits"]))
    try:
        statuses = project.unit_tests(mutant["tests_of"])
    finally:
        path.write_text(original)
    errors = sorted(test for test, status in statuses.items() if status == "error")
    failed = sorted(test for test, status in statuses.items() if status == "fail")
    assert statuses, f"{mutant['id']}: no unit test selected by {mutant['tests_of']}"
    assert not errors, f"{mutant['id']} ({mutant['breaks']}) breaks the SQL itself: {errors}"
    assert failed, f"{mutant['id']} survived: no unit test notices that {mutant['breaks']}"
