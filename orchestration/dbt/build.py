"""Pure helpers for the dbt step: CLI arguments and the gate-failure message."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


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
    full_refresh: bool = False, dbt_vars: Mapping[str, Any] | None = None
) -> list[str]:
    """The `dbt build` command line for the nightly job."""
    args = ["build"]
    if full_refresh:
        args.append("--full-refresh")
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
