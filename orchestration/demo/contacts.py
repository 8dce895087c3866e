"""Chat conversations with their messages, and phone calls."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from orchestration.demo import vocab
from orchestration.demo.ids import make_ids, numbers, pick, timestamps
from orchestration.demo.people import Agents, Customers, Teams
from orchestration.demo.tickets import CH, TicketFacts, contact_times, lognormal
from orchestration.demo.timeline import Period
from orchestration.ingest.contract import CALL_DIRECTIONS, CHAT_CHANNELS, ROLES

CHATS_PER_TICKET = 0.5
CALLS_PER_TICKET = 0.4
ABANDON_RATE = 0.08
CHAT_CHANNEL_WEIGHT = (0.40, 0.18, 0.10, 0.07, 0.05, 0.05, 0.15)  # order of CHAT_CHANNELS
CC = {c: i for i, c in enumerate(CHAT_CHANNELS)}
RL = {r: i for i, r in enumerate(ROLES)}


@dataclass
class ContactFacts:
    """What surveys need about chats or calls."""

    ids: pa.Array
    handled: np.ndarray  # an agent took part
    agent: np.ndarray
    customer: np.ndarray
    ended_at: np.ndarray  # -1 if still going
    ticket: np.ndarray  # -1 if not linked


def _route(rng: np.random.Generator, region: np.ndarray, segment: np.ndarray) -> np.ndarray:
    team = region.copy()
    team[(segment == 0) & (rng.random(len(team)) < 0.7)] = 3
    return team


def _group_times(start: np.ndarray, gaps: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Times of items in groups: group start + running sum of gaps inside the group."""
    if len(group) == 0:
        return np.zeros(0, dtype=np.int64)
    cs = np.cumsum(gaps)
    first = np.r_[True, group[1:] != group[:-1]]
    base = (cs - gaps)[first]
    return start[group] + cs - base[np.cumsum(first) - 1]


def generate_chats(
    rng: np.random.Generator,
    period: Period,
    tickets: TicketFacts,
    teams: Teams,
    agents: Agents,
    customers: Customers,
) -> tuple[ContactFacts, pa.Table, pa.Table]:
    linked = np.flatnonzero(np.isin(tickets.channel, (CH["chat"], CH["messaging"])))
    k = max(0, round(CHATS_PER_TICKET * tickets.n) - len(linked))
    t_free, region_free = contact_times(rng, k, period)
    cust_free = customers.pick(rng, region_free, t_free)
    team_free = _route(rng, region_free, customers.segment[cust_free])
    agent_free = agents.pick(rng, team_free, t_free)
    p = np.array(CHAT_CHANNEL_WEIGHT)
    channel_free = rng.choice(len(p), size=k, p=p / p.sum())
    live_chat = tickets.channel[linked] == CH["chat"]
    channel_linked = np.where(
        live_chat,
        np.where(rng.random(len(linked)) < 0.7, CC["web_chat"], CC["in_app"]),
        rng.choice(
            [CC["whatsapp"], CC["messenger"], CC["instagram"], CC["sms"]],
            size=len(linked),
            p=[0.45, 0.25, 0.15, 0.15],
        ),
    )
    start = np.concatenate([tickets.created_at[linked], t_free])
    customer = np.concatenate([tickets.customer[linked], cust_free])
    team = np.concatenate([tickets.team[linked], team_free])
    agent = np.concatenate([tickets.agent[linked], agent_free])
    channel = np.concatenate([channel_linked, channel_free])
    ticket = np.concatenate([linked, np.full(k, -1)])
    bot_only = np.concatenate([np.zeros(len(linked), dtype=bool), rng.random(k) < 0.18])
    order = np.argsort(start, kind="stable")
    start, customer, team, agent, channel, ticket, bot_only = (
        a[order] for a in (start, customer, team, agent, channel, ticket, bot_only)
    )
    n = len(start)

    # Messages: bot greeting, customer, then (bot-only) more customer lines and a bot idle
    # notice, or (handled) a bot hand-off and alternating agent / customer messages.
    extra_customer = rng.integers(0, 3, n)
    talk = 3 + rng.poisson(2.3, n)
    count = np.where(bot_only, 3 + extra_customer, 3 + talk)
    conv = np.repeat(np.arange(n), count)
    pos = np.arange(len(conv)) - np.repeat(np.cumsum(count) - count, count)
    bo = bot_only[conv]
    last = pos == count[conv] - 1
    agent_turn = ~bo & (pos >= 3) & ((pos - 3) % 2 == 0)
    role = np.full(len(conv), RL["customer"])
    role[(pos == 0) | (bo & last) | (~bo & (pos == 2))] = RL["bot"]
    role[agent_turn] = RL["agent"]
    m = len(conv)
    speed = agents.speed[agent][conv]
    gaps = np.select(
        [
            pos == 0,
            pos == 1,
            bo & last,
            ~bo & (pos == 2),
            ~bo & (pos == 3),
            agent_turn,
        ],
        [
            rng.integers(1, 4, m),
            rng.integers(5, 60, m),
            rng.integers(120, 300, m),
            rng.integers(2, 6, m),
            (lognormal(rng, 60, 0.9, m) * speed).astype(np.int64),
            (lognormal(rng, 40, 0.8, m) * speed).astype(np.int64),
        ],
        default=lognormal(rng, 35, 0.9, m),
    )
    sent = _group_times(start, np.maximum(gaps, 1), conv)
    ends = np.zeros(n, dtype=np.int64)
    ends[conv[last]] = sent[last] + rng.integers(30, 300, int(last.sum()))
    still_open = ends > period.end
    ended = np.where(still_open, -1, ends)
    keep = sent <= period.end
    texts: list[str] = []
    offsets: dict[str, tuple[int, int]] = {}
    for group, words in vocab.CHAT_BODIES.items():
        offsets[group] = (len(texts), len(words))
        texts.extend(words)

    def body(group: str) -> np.ndarray:
        first, size = offsets[group]
        return first + rng.integers(0, size, m)

    body_code = np.select(
        [
            pos == 0,
            pos == 1,
            role == RL["agent"],
            (role == RL["bot"]) & bo,
            role == RL["bot"],
        ],
        [
            body("bot_greeting"),
            body("customer_open"),
            body("agent"),
            body("bot_idle"),
            body("bot_handoff"),
        ],
        default=body("customer"),
    )
    conv_ids = make_ids("CH", np.arange(1, n + 1), 8)
    author = np.select(
        [role == RL["customer"], role == RL["agent"]],
        [agents.n + customer[conv], agent[conv]],
        default=-1,
    )
    actors = pa.concat_arrays([agents.ids, customers.ids])
    messages = pa.table(
        {
            "message_id": make_ids("MS", np.arange(1, int(keep.sum()) + 1), 9),
            "conversation_id": pick(conv_ids, conv[keep]),
            "sent_at": timestamps(sent[keep]),
            "author_id": pick(actors, author[keep]),
            "author_role": pick(ROLES, role[keep]),
            "body": pick(pa.array(texts), body_code[keep]),
        }
    )
    assignee = np.where(bot_only, -1, agent)
    conversations = pa.table(
        {
            "conversation_id": conv_ids,
            "started_at": timestamps(start),
            "ended_at": timestamps(ended),
            "customer_id": pick(customers.ids, customer),
            "assignee_id": pick(agents.ids, assignee),
            "team_id": pick(teams.ids, np.where(bot_only, -1, team)),
            "channel": pick(CHAT_CHANNELS, channel),
            "status": pick(("open", "closed"), np.where(still_open, 0, 1)),
            "ticket_id": pick(tickets.ids, ticket),
        }
    )
    facts = ContactFacts(conv_ids, ~bot_only, assignee, customer, ended, ticket)
    return facts, conversations, messages


def generate_calls(
    rng: np.random.Generator,
    period: Period,
    tickets: TicketFacts,
    teams: Teams,
    agents: Agents,
    customers: Customers,
) -> tuple[ContactFacts, pa.Table]:
    linked = np.flatnonzero(tickets.channel == CH["phone"])
    nl = len(linked)
    k = max(0, round(CALLS_PER_TICKET * tickets.n) - nl)
    t_free, region_free = contact_times(rng, k, period)
    cust_free = customers.pick(rng, region_free, t_free)
    team_free = _route(rng, region_free, customers.segment[cust_free])
    agent_free = agents.pick(rng, team_free, t_free)
    outbound_free = rng.random(k) < 0.2
    inbound_free = max(1, int((~outbound_free).sum()))
    abandon_p = min(0.5, ABANDON_RATE * (nl + inbound_free) / inbound_free)
    abandoned_free = ~outbound_free & (rng.random(k) < abandon_p)
    no_answer_free = outbound_free & (rng.random(k) < 0.25)

    # Linked calls: the ticket was created when the agent answered.
    wait_linked = lognormal(rng, 45, 1.0, nl) + 5
    queued = np.concatenate(
        [np.maximum(tickets.created_at[linked] - wait_linked, period.start), t_free]
    )
    ring = np.where(outbound_free, rng.integers(5, 30, k), lognormal(rng, 40, 1.0, k) + 3)
    answered = np.concatenate(
        [tickets.created_at[linked], np.where(abandoned_free | no_answer_free, -1, t_free + ring)]
    )
    abandoned = np.concatenate([np.zeros(nl, dtype=bool), abandoned_free])
    not_answered = answered < 0
    n = nl + k
    talk = lognormal(rng, 6 * 60, 0.7, n) + 20
    gave_up = queued + lognormal(rng, 70, 0.8, n) + 5
    ended = np.where(not_answered, gave_up, answered + talk)
    agent = np.concatenate([tickets.agent[linked], np.where(abandoned_free, -1, agent_free)])
    team = np.concatenate([tickets.team[linked], team_free])
    customer = np.concatenate([tickets.customer[linked], cust_free])
    customer[rng.random(n) < 0.03] = -1  # caller not identified
    direction = np.concatenate([np.zeros(nl, dtype=np.int64), outbound_free.astype(np.int64)])
    ticket = np.concatenate([linked, np.full(k, -1)])
    hold = np.where(rng.random(n) < 0.55, 0, lognormal(rng, 60, 0.8, n))
    hold = np.where(not_answered, 0, hold)
    wrap = lognormal(rng, 45, 0.6, n) + 5
    ended = np.where(hold > 0, ended + hold, ended)

    keep = ended <= period.end  # calls still going at the end are not exported yet
    order = np.flatnonzero(keep)[np.argsort(queued[keep], kind="stable")]
    queued, answered, ended, agent, team, customer, direction, ticket, hold, wrap, abandoned = (
        a[order]
        for a in (
            queued,
            answered,
            ended,
            agent,
            team,
            customer,
            direction,
            ticket,
            hold,
            wrap,
            abandoned,
        )
    )
    n = len(order)
    call_ids = make_ids("CL", np.arange(1, n + 1), 8)
    calls = pa.table(
        {
            "call_id": call_ids,
            "queued_at": timestamps(queued),
            "answered_at": timestamps(answered),
            "ended_at": timestamps(ended),
            "direction": pick(CALL_DIRECTIONS, direction),
            "customer_id": pick(customers.ids, customer),
            "agent_id": pick(agents.ids, agent),
            "team_id": pick(teams.ids, team),
            "hold_seconds": numbers(hold),
            "wrap_up_seconds": numbers(wrap, abandoned),
            "ticket_id": pick(tickets.ids, ticket),
        }
    )
    facts = ContactFacts(call_ids, answered >= 0, agent, customer, ended, ticket)
    return facts, calls
