"""Run mutants of the dbt project's SQL in one Python process (helper of
tests/test_unit_tests_catch_mutants.py).

    python tests/mutant_runner.py PROJECT_DIR MUTANTS_JSON OUTCOMES_JSON

runs every unit test of the copy of the project in PROJECT_DIR (entry "before": they must pass,
or no mutant's failure means anything), then applies each mutant of MUTANTS_JSON in turn to it,
runs the unit tests of the models it names with dbt's programmatic runner (`dbtRunner`: one
process for every mutant, so dbt's imports are paid once, not per mutant: about 2-3 s instead of
7-20 s a mutant) and restores the file, and runs every unit test once more on the restored
project (entry "restored": they must pass, or a mutant, or state dbt kept in the process,
outlived its run). Writes {mutant id, "before" or "restored": {"statuses": {unit test id:
status}} or {"error": why}} to OUTCOMES_JSON.
The environment says which warehouse and profile to use (WAREHOUSE_PATH, DBT_PROFILES_DIR).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

BEFORE = "before"
RESTORED = "restored"


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


def unit_test_statuses(root: Path, selectors: list[str] | None = None) -> dict[str, str]:
    """Run the unit tests of `selectors` (all when None) in this process; {unit test id: status}.
    Raises when dbt ran no test (the project no longer parses or compiles)."""
    from dbt.cli.main import dbtRunner

    select = [f"{selector},test_type:unit" for selector in selectors or []] or ["test_type:unit"]
    result = dbtRunner().invoke(
        [
            "test",
            "--quiet",
            "--project-dir",
            str(root),
            "--target-path",
            str(root / "target"),
            "--select",
            *select,
        ]
    )
    if result.result is None or not hasattr(result.result, "results"):
        raise RuntimeError(f"dbt ran no test: {result.exception!r}")
    return {r.node.unique_id: str(r.status) for r in result.result.results}


def run_mutant(root: Path, mutant: dict[str, Any]) -> dict[str, str]:
    """Apply the mutant to the project copy, run the unit tests it names, restore the file."""
    path = root / mutant["file"]
    original = path.read_text()
    path.write_text(apply_edits(original, mutant["edits"]))
    try:
        return unit_test_statuses(root, mutant["tests_of"])
    finally:
        path.write_text(original)


def outcome(run: Callable[..., dict[str, str]], *args: Any) -> dict[str, Any]:
    try:
        return {"statuses": run(*args)}
    except Exception as error:  # reported by the mutant's own test
        return {"error": f"{type(error).__name__}: {error}"}


def run_mutants(root: Path, mutants: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    outcomes = {BEFORE: outcome(unit_test_statuses, root)}
    outcomes.update({mutant["id"]: outcome(run_mutant, root, mutant) for mutant in mutants})
    outcomes[RESTORED] = outcome(unit_test_statuses, root)
    return outcomes


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python tests/mutant_runner.py",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("project_dir", type=Path, help="a copy of the dbt project, built empty")
    parser.add_argument("mutants_json", type=Path, help="the mutants to run (a JSON list)")
    parser.add_argument("outcomes_json", type=Path, help="where to write the outcomes")
    args = parser.parse_args(argv)
    mutants = json.loads(args.mutants_json.read_text())
    outcomes = run_mutants(args.project_dir.resolve(), mutants)
    args.outcomes_json.write_text(json.dumps(outcomes, indent=2))


if __name__ == "__main__":
    main()
