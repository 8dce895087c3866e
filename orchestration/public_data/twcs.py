"""Customer Support on Twitter (`twcs/twcs_head5k.csv`) as chat conversations and messages.

- A conversation is a thread: a tweet that answers no other tweet starts one
  (`conversation_id` = `twcs-<tweet_id>`), and every tweet answering a tweet of the thread joins
  it. A tweet whose thread starts with a tweet outside the extract keeps the id of the first
  missing tweet as its conversation (`twcs-<missing id>`), which has no conversation row: the
  warehouse must keep such messages and label their conversation unknown.
- `inbound=True` tweets are the customer's (`author_role` customer), the others the brand's
  support account (`agent`; the account is the agent and its team). Every id gets the prefix
  `twcs-` (customers are anonymised numbers, brands their handles). The conversation's customer
  is its first customer author, its assignee and team the first brand that tweets in it.
- Channel `social`; a thread is `solved` when its last tweet is the brand's, `open` otherwise.
- `created_at` (`Tue Oct 31 22:10:47 +0000 2017`) becomes ISO 8601 UTC. A bare carriage return
  inside an unquoted tweet text ends a CSV record for every CSV reader, splitting the tweet in
  two broken records; it is read as a space (counted in the report), so no tweet is lost.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

from orchestration.public_data.landing_csv import iso_utc, write_entity

SOURCE = Path("twcs") / "twcs_head5k.csv"
BARE_CR = re.compile(r"\r(?!\n)")


def read_tweets(path: Path) -> tuple[list[dict[str, str]], int]:
    """The tweets of the extract, and the number of bare carriage returns read as spaces."""
    text = path.read_bytes().decode("utf-8-sig")  # not read_text: it turns every \r into \n
    repaired, bare_crs = BARE_CR.subn(" ", text)
    rows = [{k: (v or "") for k, v in row.items()} for row in csv.DictReader(io.StringIO(repaired))]
    return rows, bare_crs


def tweet_id(value: str) -> str:
    """`3.0` (pandas wrote the parent id as a float) -> `3`."""
    value = value.strip()
    return value[:-2] if value.endswith(".0") else value


def parse_created_at(value: str) -> str | None:
    try:
        return iso_utc(dt.datetime.strptime(value.strip(), "%a %b %d %H:%M:%S %z %Y"))
    except ValueError:
        return None  # left empty: staging quarantines the message ("missing sent_at")


def thread_roots(tweets: list[dict[str, str]]) -> dict[str, str]:
    """tweet id -> the id of the first tweet of its thread (possibly outside the extract)."""
    parent = {t["tweet_id"]: tweet_id(t["in_response_to_tweet_id"]) for t in tweets}
    roots: dict[str, str] = {}
    for start in parent:
        seen = [start]
        node = start
        while parent.get(node) and parent[node] not in seen:
            node = parent[node]
            seen.append(node)
            if node in roots:
                break
        root = roots.get(node, node)
        for visited in seen:
            roots[visited] = root
    return roots


def convert(datasets: Path, landing: Path) -> dict[str, int]:
    tweets, bare_crs = read_tweets(datasets / SOURCE)
    roots = thread_roots(tweets)
    by_thread: dict[str, list[dict[str, str]]] = {}
    for t in tweets:
        by_thread.setdefault(roots[t["tweet_id"]], []).append(t)
    in_extract = {t["tweet_id"] for t in tweets}

    messages = [
        {
            "message_id": f"twcs-{t['tweet_id']}",
            "conversation_id": f"twcs-{roots[t['tweet_id']]}",
            "sent_at": parse_created_at(t["created_at"]),
            "author_id": f"twcs-{t['author_id']}",
            "author_role": "customer" if t["inbound"] == "True" else "agent",
            "body": t["text"],
        }
        for t in tweets
    ]
    conversations = []
    brands: set[str] = set()
    customers: set[str] = set()
    for root, thread in by_thread.items():
        if root not in in_extract:
            continue
        timed = sorted(
            (m for m in thread if parse_created_at(m["created_at"])),
            key=lambda m: parse_created_at(m["created_at"]) or "",
        )
        customer = next((f"twcs-{m['author_id']}" for m in timed if m["inbound"] == "True"), None)
        brand = next((m["author_id"] for m in timed if m["inbound"] == "False"), None)
        brands.update(m["author_id"] for m in thread if m["inbound"] == "False")
        customers.update(f"twcs-{m['author_id']}" for m in thread if m["inbound"] == "True")
        conversations.append(
            {
                "conversation_id": f"twcs-{root}",
                "started_at": parse_created_at(timed[0]["created_at"]) if timed else None,
                "ended_at": parse_created_at(timed[-1]["created_at"]) if timed else None,
                "customer_id": customer,
                "assignee_id": f"twcs-{brand}" if brand else None,
                "team_id": f"twcs-{brand}" if brand else None,
                "channel": "social",
                "status": "solved" if timed and timed[-1]["inbound"] == "False" else "open",
            }
        )
    counts = {
        "chat_messages": write_entity(
            landing,
            "chat_messages",
            "twcs",
            messages,
        ),
        "chat_conversations": write_entity(
            landing,
            "chat_conversations",
            "twcs",
            conversations,
        ),
        "agents": write_entity(
            landing,
            "agents",
            "twcs",
            (
                {"agent_id": f"twcs-{b}", "name": b, "team_id": f"twcs-{b}", "role": "agent"}
                for b in sorted(brands)
            ),
        ),
        "teams": write_entity(
            landing,
            "teams",
            "twcs",
            ({"team_id": f"twcs-{b}", "name": b} for b in sorted(brands)),
        ),
        "customers": write_entity(
            landing,
            "customers",
            "twcs",
            ({"customer_id": c, "segment": "twitter"} for c in sorted(customers)),
        ),
        "twcs bare carriage returns read as spaces": bare_crs,
    }
    return counts
