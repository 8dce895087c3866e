"""The configs rendered into the dbt manifest (refresh scopes, hooks, ...) hold no instant of the
parse.

A model's `refresh_scope` dict is rendered into its config when dbt parses the file, and the
nightly job reuses the parse state (orchestration/dbt/assets.py), so an instant rendered there is
the one of whichever run last parsed the file, while the model's query renders it anew each run.
The strategy then deletes the keys the stale instant put in scope and the query no longer
recomputed (a night lost four customers' contact totals this way: the 1M benchmark of
2026-12-05). Scopes name the as-of instant as `as_of_in_scope()`, which the macros replace at
run time."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")


def configs_with_instants(manifest: dict[str, Any]) -> dict[str, str]:
    """Nodes whose rendered config contains a date-time literal, with the literal."""
    found = {}
    for node in manifest["nodes"].values():
        if match := INSTANT.search(json.dumps(node.get("config", {}))):
            found[node["name"]] = match.group(0)
    return found


def test_no_config_holds_an_instant(dbt_manifest: Path) -> None:
    manifest = json.loads(dbt_manifest.read_text())
    scoped = [n for n in manifest["nodes"].values() if n.get("config", {}).get("refresh_scope")]
    assert len(scoped) > 20
    clocks = [n["config"]["refresh_scope"].get("running_clock", "") for n in scoped]
    assert any("__as_of_in_scope__" in clock for clock in clocks)
    assert configs_with_instants(manifest) == {}


def test_the_check_finds_an_instant() -> None:
    clock = "last_contact_at >= (cast('2026-12-05 09:50:09' as timestamp) - interval 90 day)"
    manifest = {
        "nodes": {"m": {"name": "m", "config": {"refresh_scope": {"running_clock": clock}}}}
    }
    assert configs_with_instants(manifest) == {"m": "2026-12-05 09:50"}
