"""`generate()`: every landing entity, coherent with each other, from one seed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
from tqdm import tqdm

from orchestration.demo.contacts import generate_calls, generate_chats
from orchestration.demo.feedback import (
    generate_kb_views,
    generate_returns,
    generate_subscriptions,
    generate_surveys,
)
from orchestration.demo.people import build_agents, build_customers, build_macros, build_teams
from orchestration.demo.tickets import generate_tickets
from orchestration.demo.timeline import Period
from orchestration.demo.writer import write_entity
from orchestration.ingest.contract import ENTITIES

DEFAULT_TICKETS = 20_000
DEFAULT_SEED = 7
DEFAULT_DAYS = 730
MAX_DAYS = 1400


def default_end_date(now: dt.datetime | None = None) -> dt.date:
    """Yesterday in UTC: the last whole day before `now` (default: the current time)."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).date() - dt.timedelta(days=1)


def generate(
    out_dir: str | Path,
    tickets: int = DEFAULT_TICKETS,
    seed: int = DEFAULT_SEED,
    fmt: str = "csv",
    end_date: dt.date | None = None,
    days: int = DEFAULT_DAYS,
    files_per_entity: int = 1,
    progress: bool = False,
) -> dict[str, int]:
    """Write demo data for every contract entity into `<out_dir>/<entity>/`; rows per entity.

    The same arguments always give byte-identical files. `end_date` defaults to yesterday (UTC),
    the last complete day, so that no record lies after the run that loads it; the data covers
    `days` whole days ending on it, and nothing is later than its 23:59:59 UTC.
    """
    if tickets < 1:
        raise ValueError("tickets must be at least 1")
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days must be between 1 and {MAX_DAYS}")
    out = Path(out_dir)
    end = end_date or default_end_date()
    period = Period.ending(end, days)
    rng = np.random.default_rng(seed)
    counts: dict[str, int] = {}
    bar = tqdm(total=len(ENTITIES), disable=not progress, unit="entity", desc="demo data")

    def write(entity: str, table: pa.Table) -> None:
        bar.set_postfix_str(f"{entity} ({table.num_rows:,} rows)")
        write_entity(out, entity, table, fmt, files_per_entity)
        counts[entity] = table.num_rows
        bar.update(1)

    def step(label: str, make: Callable[[], object]) -> object:
        bar.set_postfix_str(f"generating {label}")
        return make()

    teams, table = build_teams(period)
    write("teams", table)
    agents, table = step("agents", lambda: build_agents(rng, tickets, period, teams))
    write("agents", table)
    customers, table = step("customers", lambda: build_customers(rng, tickets, period))
    write("customers", table)
    macros, table = build_macros()
    write("macros", table)
    facts, ticket_table, events = step(
        "tickets", lambda: generate_tickets(rng, tickets, period, teams, agents, customers, macros)
    )
    write("tickets", ticket_table)
    write("ticket_events", events)
    del ticket_table, events
    chats, conversations, messages = step(
        "chats", lambda: generate_chats(rng, period, facts, teams, agents, customers)
    )
    write("chat_conversations", conversations)
    write("chat_messages", messages)
    del conversations, messages
    calls, table = step(
        "calls", lambda: generate_calls(rng, period, facts, teams, agents, customers)
    )
    write("calls", table)
    table = step(
        "surveys", lambda: generate_surveys(rng, period, facts, chats, calls, agents, customers)
    )
    write("survey_responses", table)
    write(
        "subscriptions",
        step("subscriptions", lambda: generate_subscriptions(rng, period, customers)),
    )
    write("returns", step("returns", lambda: generate_returns(rng, period, facts, customers)))
    write(
        "kb_article_views",
        step("kb views", lambda: generate_kb_views(rng, period, facts, customers)),
    )
    bar.close()
    return {name: counts[name] for name in ENTITIES}
