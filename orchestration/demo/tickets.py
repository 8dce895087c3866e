"""Tickets and their event histories, built for all tickets at once (no loop per ticket).

Each ticket gets a planned life: opening comment, routing, assignment, first reply, zero to three
back-and-forth rounds, an optional on-hold period, solve, an optional reopen and the automatic
close. Every step is one vectorised array over tickets; the steps are concatenated, cut at the end
of the period and sorted. The ticket's final status, assignee, team and priority are then read back
from its events, so the two files always agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from orchestration.demo import vocab
from orchestration.demo.events import ET, RL, EventBuffer, last_per_ticket
from orchestration.demo.ids import booleans, make_ids, null_where, pick, timestamps
from orchestration.demo.people import GHOST_AGENTS, Agents, Customers, Macros, Teams
from orchestration.demo.timeline import (
    DAY,
    HOUR,
    MINUTE,
    Period,
    contact_weights,
    push_to_business_hours,
    sample_times,
)
from orchestration.ingest.contract import (
    EVENT_TYPES,
    PRIORITIES,
    ROLES,
    TICKET_CHANNELS,
    TICKET_STATUSES,
)

# Channel mix by segment (enterprise, smb, consumer, none); order of TICKET_CHANNELS.
CHANNEL_WEIGHT = (
    (0.38, 0.20, 0.10, 0.12, 0.01, 0.03, 0.14, 0.02),
    (0.32, 0.25, 0.14, 0.12, 0.03, 0.06, 0.05, 0.03),
    (0.26, 0.26, 0.17, 0.11, 0.06, 0.10, 0.01, 0.03),
    (0.30, 0.25, 0.15, 0.12, 0.05, 0.08, 0.02, 0.03),
)
PRIORITY_WEIGHT = (
    (0.10, 0.45, 0.30, 0.15),
    (0.20, 0.55, 0.20, 0.05),
    (0.30, 0.58, 0.10, 0.02),
    (0.30, 0.60, 0.08, 0.02),
)
PRIORITY_SPEED = np.array([1.3, 1.0, 0.7, 0.45])
# Median first-reply delay (seconds) by channel, before agent speed and business hours.
FIRST_REPLY_MEDIAN = np.array(
    [2.5 * HOUR, 2.5 * HOUR, 45, 30, 50 * MINUTE, 15 * MINUTE, 3 * HOUR, 3 * HOUR]
)
ROUND_P = (0.62, 0.27, 0.08, 0.03)
REOPEN_RATE = 0.08
UNKNOWN_CUSTOMER_RATE = 0.002
UNKNOWN_AGENT_RATE = 0.001

CH = {c: i for i, c in enumerate(TICKET_CHANNELS)}
ST = {s: i for i, s in enumerate(TICKET_STATUSES)}
CAT = {c: i for i, c in enumerate(vocab.CATEGORIES)}
TAG = {t: i for i, t in enumerate(vocab.TAGS)}
LIVE = (CH["chat"], CH["phone"])


@dataclass
class TicketFacts:
    """Per-ticket facts other entities (chats, calls, surveys, KB views) are derived from."""

    ids: pa.Array
    created_at: np.ndarray
    customer: np.ndarray
    region: np.ndarray
    segment: np.ndarray
    channel: np.ndarray
    category: np.ndarray
    team: np.ndarray  # final team
    agent: np.ndarray  # final assignee, or the planned one if not assigned yet
    assigned: np.ndarray  # bool: has an assignee at the end
    status: np.ndarray
    solved_at: np.ndarray  # last time solved (-1 if not solved/closed at the end)
    first_reply_seconds: np.ndarray  # -1 if no agent reply yet
    reopened: np.ndarray
    rounds: np.ndarray
    complaint: np.ndarray

    @property
    def n(self) -> int:
        return len(self.created_at)


def choose_by_group(
    rng: np.random.Generator, group: np.ndarray, weights: tuple[tuple[float, ...], ...]
) -> np.ndarray:
    out = np.zeros(len(group), dtype=np.int64)
    for g, w in enumerate(weights):
        rows = np.flatnonzero(group == g)
        p = np.asarray(w) / np.sum(w)
        out[rows] = rng.choice(len(p), size=len(rows), p=p)
    return out


def lognormal(
    rng: np.random.Generator, median: np.ndarray | float, sigma: float, n: int
) -> np.ndarray:
    return (median * np.exp(sigma * rng.standard_normal(n))).astype(np.int64)


def region_shares() -> np.ndarray:
    w = np.zeros(len(vocab.REGIONS))
    for _, _, region, weight in vocab.LOCATIONS:
        w[vocab.REGIONS.index(region)] += weight
    return w / w.sum()


def contact_times(
    rng: np.random.Generator, n: int, period: Period
) -> tuple[np.ndarray, np.ndarray]:
    """`n` contact times with their customer region, sorted by time."""
    region = rng.choice(len(vocab.REGIONS), size=n, p=region_shares())
    t = np.zeros(n, dtype=np.int64)
    for r, name in enumerate(vocab.REGIONS):
        rows = np.flatnonzero(region == r)
        weights = contact_weights(period, vocab.TEAMS[r][3], name, rng)
        t[rows] = sample_times(rng, weights, len(rows), period)
    order = np.argsort(t, kind="stable")
    return t[order], region[order]


def generate_tickets(
    rng: np.random.Generator,
    n: int,
    period: Period,
    teams: Teams,
    agents: Agents,
    customers: Customers,
    macros: Macros,
) -> tuple[TicketFacts, pa.Table, pa.Table]:
    t0, region = contact_times(rng, n, period)
    customer = customers.pick(rng, region, t0)
    unknown = rng.random(n) < UNKNOWN_CUSTOMER_RATE
    customer[unknown] = customers.known + rng.integers(
        0, len(customers.ids) - customers.known, int(unknown.sum())
    )
    segment = customers.segment[customer]
    channel = choose_by_group(rng, segment, CHANNEL_WEIGHT)
    priority = choose_by_group(rng, segment, PRIORITY_WEIGHT)
    ticket_type = rng.choice(len(vocab.TICKET_TYPES), size=n, p=vocab.TICKET_TYPE_WEIGHT)
    category = rng.choice(len(vocab.CATEGORIES), size=n, p=vocab.CATEGORY_WEIGHT)

    # Routing: home region team; enterprise mostly to the 24x7 premium team; some escalations.
    team = region.copy()
    team[(segment == 0) & (rng.random(n) < 0.7)] = 3
    escalate = 0.04 + 0.10 * ((category == CAT["technical"]) & (priority >= 2))
    team[rng.random(n) < escalate] = 4
    agent = agents.pick(rng, team, t0)
    ghost = rng.random(n) < UNKNOWN_AGENT_RATE
    agent[ghost] = agents.n - GHOST_AGENTS + rng.integers(0, GHOST_AGENTS, int(ghost.sum()))
    speed = agents.speed[agent] * PRIORITY_SPEED[priority]
    quality = agents.quality[agent]

    agent_created = rng.random(n) < 0.05
    live = np.isin(channel, LIVE)
    transfer = ~agent_created & (rng.random(n) < 0.05)
    first_team = np.where(transfer, (team + rng.integers(1, teams.n, n)) % teams.n, team)
    first_agent = agent.copy()
    first_agent[transfer] = agents.pick(rng, first_team[transfer], t0[transfer])
    prio_change = (priority >= 2) & (rng.random(n) < 0.12)
    first_priority = np.where(prio_change, priority - 1, priority)

    def work(t: np.ndarray, on_team: np.ndarray, share: float = 0.9) -> np.ndarray:
        """Agent work happens in the team's business hours (`share` of the time)."""
        hour = np.clip((t - period.start) // HOUR, 0, teams.offsets.shape[1] - 1)
        offset = teams.offsets[on_team, hour]
        apply = rng.random(len(t)) < share
        return push_to_business_hours(
            rng, t, offset, teams.open_hour[on_team], teams.close_hour[on_team], apply
        )

    def agent_delay(median: np.ndarray | float, sigma: float = 0.9) -> np.ndarray:
        d = lognormal(rng, median, sigma, n) * speed
        return np.where(rng.random(n) < 0.03, d * 8, d).astype(np.int64)

    # Assignment and routing.
    routed = t0 + np.where(live, rng.integers(20, 120, n), 0)
    queued = work(t0 + lognormal(rng, 15 * MINUTE, 1.0, n), first_team, 0.8)
    t_assign = np.where(agent_created, t0, np.where(live, routed, queued))
    t_transfer = work(t_assign + lognormal(rng, 40 * MINUTE, 0.8, n), team)
    ready = np.where(transfer, t_transfer, t_assign)
    note = rng.random(n) < 0.15
    t_note = ready + rng.integers(MINUTE, HOUR, n)
    first_reply = ready + agent_delay(FIRST_REPLY_MEDIAN[channel], np.where(live, 0.6, 0.9))
    first_reply = np.where(live, first_reply, work(first_reply, team))
    first_reply = np.where(note, np.maximum(first_reply, t_note + MINUTE), first_reply)
    first_reply = np.where(agent_created, t0, first_reply)

    rounds = rng.choice(len(ROUND_P), size=n, p=ROUND_P)
    rounds = np.maximum(rounds, agent_created.astype(np.int64))
    hold = (rounds >= 1) & (rng.random(n) < 0.08)
    stuck = rng.random(n) < 0.01
    customer_median = np.where(live, 20 * MINUTE, 5 * HOUR)
    agent_median = np.where(live, 10 * MINUTE, 3 * HOUR)

    # Value codes: one vocabulary for from_value / to_value.
    v_status, v_prio, v_team = 0, len(TICKET_STATUSES), len(TICKET_STATUSES) + len(PRIORITIES)
    v_macro = v_team + teams.n
    v_tag = v_macro + len(macros.ids)
    v_agent = v_tag + len(vocab.TAGS)
    values = pa.concat_arrays(
        [
            pa.array(TICKET_STATUSES),
            pa.array(PRIORITIES),
            teams.ids,
            macros.ids,
            pa.array(vocab.TAGS),
            agents.ids,
        ]
    )
    actors = pa.concat_arrays([agents.ids, customers.ids])
    cust_actor = agents.n + customer
    body_words: list[str] = []
    body_group: dict[str, tuple[int, int]] = {}
    for group, texts in vocab.BODIES.items():
        body_group[group] = (len(body_words), len(texts))
        body_words.extend(texts)

    def body(group: str) -> np.ndarray:
        start, count = body_group[group]
        return start + rng.integers(0, count, n)

    def status(a: str, b: str) -> dict[str, object]:
        return {"from_v": v_status + ST[a], "to_v": v_status + ST[b]}

    def macro_from(pool: np.ndarray) -> np.ndarray:
        return pool[rng.integers(0, len(pool), n)]

    ev = EventBuffer()
    everyone = np.ones(n, dtype=bool)
    # 1. The opening comment, a bot answer on chat channels, a trigger.
    ev.add(
        ~agent_created,
        t0,
        "comment",
        "customer",
        actor=cust_actor,
        public=1,
        body=body("customer_open"),
    )
    ev.add(
        agent_created, t0, "comment", "agent", actor=first_agent, public=1, body=body("agent_open")
    )
    bot = np.isin(channel, (CH["chat"], CH["messaging"])) & (rng.random(n) < 0.7)
    ev.add(bot, t0 + rng.integers(1, 6, n), "comment", "bot", public=1, body=body("bot"))
    trig = macro_from(macros.triggers)
    ev.add(
        rng.random(n) < 0.3,
        t0 + rng.integers(1, 30, n),
        "automation",
        "system",
        macro=trig,
        to_v=v_macro + trig,
    )
    # 2. Assignment (by routing or self-assigned), new -> open, transfers, priority changes.
    routed_by_system = ~agent_created & (rng.random(n) < 0.7)
    assign_actor = np.where(routed_by_system, -1, first_agent)
    ev.add(routed_by_system, t_assign, "assignment", "system", to_v=v_agent + first_agent)
    ev.add(
        ~routed_by_system,
        t_assign,
        "assignment",
        "agent",
        actor=assign_actor,
        to_v=v_agent + first_agent,
    )
    ev.add(routed_by_system, t_assign, "status_change", "system", **status("new", "open"))
    ev.add(
        ~routed_by_system,
        t_assign,
        "status_change",
        "agent",
        actor=assign_actor,
        **status("new", "open"),
    )
    ev.add(
        transfer,
        t_transfer,
        "team_change",
        "agent",
        actor=first_agent,
        from_v=v_team + first_team,
        to_v=v_team + team,
    )
    ev.add(
        transfer,
        t_transfer,
        "assignment",
        "system",
        from_v=v_agent + first_agent,
        to_v=v_agent + agent,
    )
    t_prio = t_assign + rng.integers(MINUTE, 10 * MINUTE, n)
    ev.add(
        prio_change,
        t_prio,
        "priority_change",
        "agent",
        actor=first_agent,
        from_v=v_prio + first_priority,
        to_v=v_prio + priority,
    )
    ev.add(note, t_note, "comment", "agent", actor=agent, public=0, body=body("internal_note"))
    # 3. First reply (the opening comment counts for agent-created tickets).
    replied = ~agent_created
    m1 = macro_from(macros.active_macros)
    ev.add(
        replied & (rng.random(n) < 0.3),
        first_reply,
        "macro_applied",
        "agent",
        actor=agent,
        macro=m1,
        to_v=v_macro + m1,
    )
    ev.add(
        replied, first_reply, "comment", "agent", actor=agent, public=1, body=body("agent_first")
    )
    ev.add(
        rounds == 0, first_reply, "status_change", "agent", actor=agent, **status("open", "solved")
    )
    ev.add(
        rounds >= 1, first_reply, "status_change", "agent", actor=agent, **status("open", "pending")
    )
    # 4. Back-and-forth rounds: customer answers, agent replies; the last reply solves.
    previous = first_reply.copy()
    for r in range(1, len(ROUND_P)):
        active = rounds >= r
        t_customer = previous + lognormal(rng, customer_median, 1.2, n)
        if r == 1:
            first_answer = t_customer
        ev.add(
            active,
            t_customer,
            "comment",
            "customer",
            actor=cust_actor,
            public=1,
            body=body("customer_follow_up"),
        )
        ev.add(active, t_customer, "status_change", "system", **status("pending", "open"))
        on_hold = active & hold & (r == 1)
        hold_start = t_customer + rng.integers(10 * MINUTE, 2 * HOUR, n)
        hold_end = work(hold_start + lognormal(rng, 1.5 * DAY, 0.7, n), team)
        ev.add(
            on_hold, hold_start, "status_change", "agent", actor=agent, **status("open", "on_hold")
        )
        ev.add(
            on_hold, hold_end, "status_change", "agent", actor=agent, **status("on_hold", "open")
        )
        base = np.where(on_hold, hold_end, t_customer)
        delay = agent_delay(agent_median)
        delay = np.where(stuck & (rounds == r), delay * 15, delay)
        t_agent = np.where(live, base + delay, work(base + delay, team))
        mr = macro_from(macros.active_macros)
        ev.add(
            active & (rng.random(n) < 0.15),
            t_agent,
            "macro_applied",
            "agent",
            actor=agent,
            macro=mr,
            to_v=v_macro + mr,
        )
        last = active & (rounds == r)
        ev.add(
            active,
            t_agent,
            "comment",
            "agent",
            actor=agent,
            public=1,
            body=np.where(last, body("agent_solve"), body("agent_follow_up")),
        )
        ev.add(
            active & ~last,
            t_agent,
            "status_change",
            "agent",
            actor=agent,
            **status("open", "pending"),
        )
        ev.add(last, t_agent, "status_change", "agent", actor=agent, **status("open", "solved"))
        previous = np.where(active, t_agent, previous)
    # 5. Reopens (worse agents see more), then the automatic close four days after solving.
    reopen_p = REOPEN_RATE * np.exp(-0.4 * quality) / np.exp(0.08)
    reopen = rng.random(n) < reopen_p
    t_reopen = previous + rng.integers(2 * HOUR, int(3.8 * DAY), n)
    t_resolve = work(t_reopen + agent_delay(agent_median), team)
    ev.add(
        reopen,
        t_reopen,
        "comment",
        "customer",
        actor=cust_actor,
        public=1,
        body=body("customer_reopen"),
    )
    ev.add(reopen, t_reopen, "status_change", "system", **status("solved", "open"))
    ev.add(reopen, t_resolve, "comment", "agent", actor=agent, public=1, body=body("agent_solve"))
    ev.add(reopen, t_resolve, "status_change", "agent", actor=agent, **status("open", "solved"))
    solved = np.where(reopen, t_resolve, previous)
    # 6. Tags (a few added during the ticket's life) and the close.
    tags = _tags(rng, n, segment, category, ticket_type, priority, team, transfer, reopen)
    tag_change = rng.random(n) < 0.03
    added = rng.integers(0, len(vocab.TAGS), n)
    tags[np.flatnonzero(tag_change), added[tag_change]] = True
    t_tag = t_assign + (rng.random(n) * (solved - t_assign)).astype(np.int64)
    ev.add(tag_change, t_tag, "tag_change", "agent", actor=agent, to_v=v_tag + added)
    t_close = solved + 4 * DAY + rng.integers(0, HOUR, n)
    # A reminder automation on some tickets left pending, then the close.
    remind = (rounds >= 1) & (first_answer > first_reply + 2 * DAY)
    reminder = macros.reminder_automation
    t_remind = first_reply + 2 * DAY
    ev.add(remind, t_remind, "automation", "system", macro=reminder, to_v=v_macro + reminder)
    ev.add(everyone, t_close, "status_change", "system", **status("solved", "closed"))

    e = ev.arrays(period)
    tix = e["tix"]
    # Read the ticket's state at the end of the period back from its events.
    is_status = e["etype"] == ET["status_change"]
    final_status = last_per_ticket(
        tix, e["to_v"] - v_status, is_status, n, np.zeros(n, dtype=np.int64)
    )
    is_assign = e["etype"] == ET["assignment"]
    assignee = last_per_ticket(
        tix, e["to_v"] - v_agent, is_assign, n, np.full(n, -1, dtype=np.int64)
    )
    final_team = last_per_ticket(
        tix, e["to_v"] - v_team, e["etype"] == ET["team_change"], n, first_team
    )
    final_prio = last_per_ticket(
        tix, e["to_v"] - v_prio, e["etype"] == ET["priority_change"], n, first_priority
    )
    solve_event = is_status & (e["to_v"] == v_status + ST["solved"])
    solved_at = last_per_ticket(tix, e["t"], solve_event, n, np.full(n, -1, dtype=np.int64))
    solved_at = np.where(final_status >= ST["solved"], solved_at, -1)
    updated = last_per_ticket(tix, e["t"], np.ones(len(tix), dtype=bool), n, t0)
    first_reply_seconds = np.where(
        ~agent_created & (first_reply <= period.end), first_reply - t0, -1
    )

    ticket_ids = make_ids("TK", np.arange(1, n + 1), 7)
    complaint = tags[:, TAG["complaint"]]
    tickets = pa.table(
        {
            "ticket_id": ticket_ids,
            "created_at": timestamps(t0),
            "updated_at": timestamps(updated),
            "customer_id": pick(customers.ids, customer),
            "assignee_id": pick(agents.ids, assignee),
            "team_id": pick(teams.ids, final_team),
            "channel": pick(TICKET_CHANNELS, channel),
            "priority": pick(PRIORITIES, final_prio),
            "status": pick(TICKET_STATUSES, final_status),
            "type": pick(vocab.TICKET_TYPES, ticket_type),
            "category": pick(vocab.CATEGORIES, category),
            "tags": _tag_lists(tags),
            "subject": pick(
                [s for group in vocab.SUBJECTS for s in group], category * 4 + rng.integers(0, 4, n)
            ),
            "created_by_role": pick(ROLES, np.where(agent_created, RL["agent"], RL["customer"])),
        }
    )
    m = len(tix)
    events = pa.table(
        {
            "event_id": make_ids("EV", np.arange(1, m + 1), 9),
            "ticket_id": pick(ticket_ids, tix),
            "created_at": timestamps(e["t"]),
            "event_type": pick(EVENT_TYPES, e["etype"]),
            "actor_id": pick(actors, e["actor"]),
            "actor_role": pick(ROLES, e["role"]),
            "is_public": booleans(e["public"] == 1, e["public"] < 0),
            "from_value": pick(values, e["from_v"]),
            "to_value": pick(values, e["to_v"]),
            "macro_id": pick(macros.ids, e["macro"]),
            "body": pick(pa.array(body_words), e["body"]),
        }
    )
    facts = TicketFacts(
        ids=ticket_ids,
        created_at=t0,
        customer=customer,
        region=region,
        segment=segment,
        channel=channel,
        category=category,
        team=final_team,
        agent=np.where(assignee >= 0, assignee, agent),
        assigned=assignee >= 0,
        status=final_status,
        solved_at=solved_at,
        first_reply_seconds=first_reply_seconds,
        reopened=reopen & (t_reopen <= period.end),
        rounds=rounds,
        complaint=complaint,
    )
    return facts, tickets, events


def _tags(
    rng: np.random.Generator,
    n: int,
    segment: np.ndarray,
    category: np.ndarray,
    ticket_type: np.ndarray,
    priority: np.ndarray,
    team: np.ndarray,
    transfer: np.ndarray,
    reopen: np.ndarray,
) -> np.ndarray:
    """A (ticket x tag) boolean matrix; about 4% of tickets carry `complaint`."""
    u = rng.random((n, len(vocab.TAGS)))
    p = np.zeros((n, len(vocab.TAGS)))
    money = np.isin(category, (CAT["billing"], CAT["returns"]))
    p[:, TAG["complaint"]] = 0.025 + 0.03 * money + 0.06 * reopen
    p[:, TAG["vip"]] = 0.8 * (segment == 0)
    p[:, TAG["refund"]] = 0.3 * money
    p[:, TAG["urgent_request"]] = 0.5 * (priority == 3)
    p[:, TAG["mobile_app"]] = 0.25 * (category == CAT["technical"])
    p[:, TAG["bug"]] = 0.35 * ((category == CAT["technical"]) & np.isin(ticket_type, (1, 2)))
    p[:, TAG["delivery_delay"]] = 0.4 * (category == CAT["shipping"])
    p[:, TAG["escalated"]] = np.maximum(0.7 * (team == 4), 0.5 * transfer)
    p[:, TAG["password_reset"]] = 0.35 * (category == CAT["account"])
    p[:, TAG["how_to"]] = 0.4 * ((category == CAT["product"]) & (ticket_type == 0))
    p[:, TAG["feedback"]] = 0.3 * (category == CAT["other"])
    tags = u < p
    tags[:, TAG["churn_risk"]] = tags[:, TAG["complaint"]] & (u[:, TAG["churn_risk"]] < 0.3)
    return tags


def _tag_lists(tags: np.ndarray) -> pa.Array:
    _, cols = np.nonzero(tags)
    counts = tags.sum(axis=1)
    offsets = np.zeros(len(tags) + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    values = pick(vocab.TAGS, cols)
    lists = pa.ListArray.from_arrays(pa.array(offsets), values)
    return null_where(lists, counts == 0)
