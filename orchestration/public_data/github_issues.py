"""huggingface/datasets GitHub issues (`github_issues/hf_datasets_issues.csv`) as tickets.

- Issues become tickets (`ticket_id` = `gh-<number>`, channel `web`, type `issue`, the title as
  subject, the labels as tags and the first label as category). Pull requests (4,239 of the
  7,258 rows) are contributions, not support requests: they are not converted, and the report
  counts them.
- The author is the customer; an author whose association is MEMBER, OWNER or COLLABORATOR is
  staff, so the ticket is agent-created (`created_by_role` agent). Every author is a customer
  whose segment is their association on their latest issue (maintainer, contributor or user),
  so response and resolution times can be compared per segment. The first assignee is the
  assignee; the agents are every assignee and every account that closed an issue.
- Status `closed` or `open` as GitHub says; a closed issue gets one status change event
  open -> closed at `closed_at` by the account that closed it (an agent, or the customer when a
  user closed their own issue). The export has comment counts but no comments, so replies and
  first response times stay empty: only resolution and backlog figures are meaningful.
"""

from __future__ import annotations

import json
from pathlib import Path

from orchestration.public_data.landing_csv import read_csv_rows, write_entity

SOURCE = Path("github_issues") / "hf_datasets_issues.csv"
STAFF = {"MEMBER", "OWNER", "COLLABORATOR"}


def segment(association: str) -> str:
    if association in STAFF:
        return "maintainer"
    return "contributor" if association == "CONTRIBUTOR" else "user"


def convert(datasets: Path, landing: Path) -> dict[str, int]:
    rows = read_csv_rows(datasets / SOURCE)
    issues = [r for r in rows if r["is_pull_request"] != "1"]
    tickets, events = [], []
    agents: set[str] = set()
    authors: dict[str, tuple[str, str]] = {}  # login -> (latest created_at, association)
    for r in issues:
        if r["author_login"]:
            latest = authors.get(r["author_login"], ("", ""))
            if r["created_at"] >= latest[0]:
                authors[r["author_login"]] = (r["created_at"], r["author_association"])
        labels = [label for label in r["labels"].split("|") if label]
        ticket_id = f"gh-{r['number']}"
        tickets.append(
            {
                "ticket_id": ticket_id,
                "created_at": r["created_at"],
                "updated_at": r["updated_at"],
                "customer_id": f"gh-{r['author_login']}" if r["author_login"] else None,
                "assignee_id": f"gh-{r['assignee_login']}" if r["assignee_login"] else None,
                "channel": "web",
                "status": r["state"],
                "type": "issue",
                "category": labels[0] if labels else None,
                "tags": json.dumps(labels) if labels else None,
                "subject": r["title"],
                "created_by_role": "agent" if r["author_association"] in STAFF else "customer",
            }
        )
        if r["assignee_login"]:
            agents.add(r["assignee_login"])
        if r["state"] == "closed" and r["closed_at"]:
            closer = r["closed_by_login"]
            by_author = closer == r["author_login"] and r["author_association"] not in STAFF
            if closer and not by_author:
                agents.add(closer)
            events.append(
                {
                    "event_id": f"gh-{r['number']}-closed",
                    "ticket_id": ticket_id,
                    "created_at": r["closed_at"],
                    "event_type": "status_change",
                    "actor_id": f"gh-{closer}" if closer else None,
                    "actor_role": "customer" if by_author else "agent",
                    "from_value": "open",
                    "to_value": "closed",
                }
            )
    return {
        "tickets": write_entity(
            landing,
            "tickets",
            "github_issues",
            tickets,
        ),
        "ticket_events": write_entity(
            landing,
            "ticket_events",
            "github_issues",
            events,
        ),
        "customers": write_entity(
            landing,
            "customers",
            "github_issues",
            (
                {"customer_id": f"gh-{login}", "name": login, "segment": segment(association)}
                for login, (_, association) in sorted(authors.items())
            ),
        ),
        "agents": write_entity(
            landing,
            "agents",
            "github_issues",
            ({"agent_id": f"gh-{a}", "name": a, "role": "agent"} for a in sorted(agents)),
        ),
        "github pull requests not converted": len(rows) - len(issues),
    }
