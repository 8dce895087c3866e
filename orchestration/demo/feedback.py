"""Survey responses, subscriptions, returns and knowledge-base views."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from orchestration.demo import vocab
from orchestration.demo.contacts import ContactFacts
from orchestration.demo.ids import booleans, make_ids, numbers, pick, timestamps
from orchestration.demo.people import Agents, Customers
from orchestration.demo.tickets import TicketFacts, contact_times, lognormal
from orchestration.demo.timeline import DAY, HOUR, MINUTE, Period

CSAT_TICKET_RATE = 0.25
CSAT_CHAT_RATE = 0.10
CSAT_CALL_RATE = 0.08
CES_RATE = 0.05
NPS_PER_CUSTOMER_YEAR = 0.6
UNLINKED_RATE = 0.005
MONTHLY_CHURN = np.array([0.007, 0.015, 0.025, 0.02])  # by segment
MONTH = 30.44 * DAY
SURVEY_TYPES = ("csat", "nps", "ces")
POSITIVE_COMMENTS = np.array([0, 2, 4, 6])
NEGATIVE_COMMENTS = np.array([1, 3, 5, 7])


def _score(latent: np.ndarray, low: int, high: int) -> np.ndarray:
    return np.clip(np.rint(latent), low, high).astype(np.int64)


def generate_surveys(
    rng: np.random.Generator,
    period: Period,
    tickets: TicketFacts,
    chats: ContactFacts,
    calls: ContactFacts,
    agents: Agents,
    customers: Customers,
) -> pa.Table:
    parts: list[dict[str, np.ndarray]] = []

    def add(
        kind: int, sent: np.ndarray, score: np.ndarray, topic: np.ndarray, **links: np.ndarray
    ) -> None:
        k = len(sent)
        responded = sent + lognormal(rng, 3 * HOUR if kind != 1 else DAY, 1.1, k) + MINUTE
        part = {
            "type": np.full(k, kind),
            "sent": sent,
            "responded": responded,
            "score": score,
            "topic": topic,
        }
        for name in ("customer", "ticket", "chat", "call", "agent"):
            part[name] = links.get(name, np.full(k, -1))
        parts.append(part)

    # CSAT on solved tickets: slow first replies, reopens, complaints and long threads score lower.
    solved = np.flatnonzero((tickets.solved_at >= 0) & (rng.random(tickets.n) < CSAT_TICKET_RATE))
    frs = np.maximum(tickets.first_reply_seconds[solved], 0)
    quality = agents.quality[tickets.agent[solved]]
    latent = (
        4.35
        + 0.35 * quality
        - 0.4 * (frs > 8 * HOUR)
        - 0.9 * (frs > 24 * HOUR)
        - 1.3 * tickets.reopened[solved]
        - 0.9 * tickets.complaint[solved]
        - 0.2 * tickets.rounds[solved]
        + rng.normal(0, 0.85, len(solved))
    )
    sent = tickets.solved_at[solved] + rng.integers(HOUR, DAY, len(solved))
    unlinked = rng.random(len(solved)) < UNLINKED_RATE
    ticket_link = np.where(unlinked, -1, solved)
    add(
        0,
        sent,
        _score(latent, 1, 5),
        tickets.category[solved],
        customer=tickets.customer[solved],
        ticket=ticket_link,
        agent=np.where(unlinked, -1, tickets.agent[solved]),
    )
    # CES on a few solved tickets (7 = very easy).
    ces = np.flatnonzero((tickets.solved_at >= 0) & (rng.random(tickets.n) < CES_RATE))
    frs = np.maximum(tickets.first_reply_seconds[ces], 0)
    latent = (
        5.7
        - 1.0 * (tickets.rounds[ces] >= 2)
        - 1.3 * tickets.reopened[ces]
        - 0.8 * (frs > 24 * HOUR)
        + rng.normal(0, 1.1, len(ces))
    )
    sent = tickets.solved_at[ces] + rng.integers(HOUR, DAY, len(ces))
    add(
        2,
        sent,
        _score(latent, 1, 7),
        tickets.category[ces],
        customer=tickets.customer[ces],
        ticket=ces,
        agent=tickets.agent[ces],
    )
    # CSAT after chats and calls an agent handled.
    n_cat = len(vocab.CATEGORIES)
    for facts, rate, topic, link in (
        (chats, CSAT_CHAT_RATE, n_cat, "chat"),
        (calls, CSAT_CALL_RATE, n_cat + 1, "call"),
    ):
        rows = np.flatnonzero(
            facts.handled & (facts.ended_at >= 0) & (rng.random(len(facts.handled)) < rate)
        )
        latent = 4.3 + 0.35 * agents.quality[facts.agent[rows]] + rng.normal(0, 0.9, len(rows))
        sent = facts.ended_at[rows] + rng.integers(MINUTE, 10 * MINUTE, len(rows))
        add(
            0,
            sent,
            _score(latent, 1, 5),
            np.full(len(rows), topic),
            customer=facts.customer[rows],
            agent=facts.agent[rows],
            **{link: rows},
        )
    # NPS sent to customers about twice a year (and answered by some of them).
    known = customers.known
    years = (period.end - period.start) / (365 * DAY)
    k = int(known * years * NPS_PER_CUSTOMER_YEAR)
    who = rng.integers(0, known, k)
    first = np.maximum(customers.created_at[who], period.start)
    sent = first + (rng.random(k) * np.maximum(period.end - first, 0)).astype(np.int64)
    segment_mean = np.array([7.6, 7.1, 6.8, 6.5])
    latent = rng.normal(segment_mean[customers.segment[who]], 2.2)
    nps_topic = n_cat + 2 + rng.integers(0, len(vocab.NPS_TOPICS), k)
    add(1, sent, _score(latent, 0, 10), nps_topic, customer=who)

    cols = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
    keep = cols["responded"] <= period.end
    order = np.flatnonzero(keep)[np.argsort(cols["responded"][keep], kind="stable")]
    cols = {name: v[order] for name, v in cols.items()}
    n = len(order)
    scale_top = np.array([5, 10, 7])[cols["type"]]
    good = cols["score"] * 10 >= scale_top * 7
    commented = rng.random(n) < 0.3
    comment = np.where(
        good,
        POSITIVE_COMMENTS[rng.integers(0, 4, n)],
        NEGATIVE_COMMENTS[rng.integers(0, 4, n)],
    )
    topics = (*vocab.CATEGORIES, "chat", "phone", *vocab.NPS_TOPICS)
    return pa.table(
        {
            "response_id": make_ids("SR", np.arange(1, n + 1), 8),
            "survey_type": pick(SURVEY_TYPES, cols["type"]),
            "score": numbers(cols["score"]),
            "responded_at": timestamps(cols["responded"]),
            "sent_at": timestamps(cols["sent"]),
            "customer_id": pick(customers.ids, cols["customer"]),
            "ticket_id": pick(tickets.ids, cols["ticket"]),
            "conversation_id": pick(chats.ids, cols["chat"]),
            "call_id": pick(calls.ids, cols["call"]),
            "agent_id": pick(agents.ids, cols["agent"]),
            "topic": pick(topics, cols["topic"]),
            "comment": pick(vocab.SURVEY_COMMENTS, np.where(commented, comment, -1)),
        }
    )


def generate_subscriptions(
    rng: np.random.Generator, period: Period, customers: Customers
) -> pa.Table:
    """One subscription for most customers, a second (add-on) for some; ~2% monthly churn."""
    known = customers.known
    first = np.flatnonzero(rng.random(known) < 0.8)
    second = np.flatnonzero(rng.random(known) < 0.1)
    who = np.concatenate([first, second])
    created = customers.created_at[who]
    delay = np.concatenate(
        [lognormal(rng, 3 * DAY, 1.0, len(first)), rng.integers(30 * DAY, 600 * DAY, len(second))]
    )
    start = created + delay
    segment = customers.segment[who]
    life = rng.exponential(MONTH / MONTHLY_CHURN[segment]).astype(np.int64)
    cancelled = np.where(start + life <= period.end, start + life, -1)
    keep = start <= period.end
    order = np.flatnonzero(keep)[np.argsort(start[keep], kind="stable")]
    who, start, cancelled, segment = who[order], start[order], cancelled[order], segment[order]
    n = len(order)
    upper = rng.random(n) < 0.4
    plan = np.select(
        [segment == 0, segment == 1], [4, np.where(upper, 3, 2)], np.where(upper, 1, 0)
    )
    amount = np.array(vocab.PLAN_AMOUNT)[plan]
    amount = np.where(plan == 4, np.round(amount * rng.lognormal(0, 0.4, n), -1), amount)
    reason_p = np.array([0.28, 0.2, 0.22, 0.1, 0.12, 0.08])
    reason = rng.choice(len(reason_p), size=n, p=reason_p)
    return pa.table(
        {
            "subscription_id": make_ids("SB", np.arange(1, n + 1), 8),
            "customer_id": pick(customers.ids, who),
            "started_at": timestamps(start),
            "cancelled_at": timestamps(cancelled),
            "plan": pick(vocab.PLANS, plan),
            "monthly_amount": numbers(amount),
            "cancellation_reason": pick(
                vocab.CANCELLATION_REASONS, np.where(cancelled >= 0, reason, -1)
            ),
        }
    )


def generate_returns(
    rng: np.random.Generator, period: Period, tickets: TicketFacts, customers: Customers
) -> pa.Table:
    n = max(10, round(0.06 * tickets.n))
    t, region = contact_times(rng, n, period)
    who = customers.pick(rng, region, t)
    reason_p = np.array([0.2, 0.15, 0.2, 0.25, 0.15, 0.05])
    return pa.table(
        {
            "return_id": make_ids("RT", np.arange(1, n + 1), 8),
            "customer_id": pick(customers.ids, who),
            "returned_at": timestamps(t),
            "order_id": make_ids("ORD", rng.integers(1, 10**8, n), 8),
            "reason": pick(vocab.RETURN_REASONS, rng.choice(len(reason_p), size=n, p=reason_p)),
            "amount": numbers(np.round(rng.lognormal(np.log(45), 0.7, n), 2)),
        }
    )


def generate_kb_views(
    rng: np.random.Generator, period: Period, tickets: TicketFacts, customers: Customers
) -> pa.Table:
    """Views before a ticket (no deflection), by customers who don't write in, and anonymous."""
    n = 2 * tickets.n
    n_pre, n_known = int(n * 0.4), int(n * 0.35)
    n_anon = n - n_pre - n_known
    cat_of = np.array(vocab.ARTICLE_CATEGORY)
    cat_start = np.searchsorted(cat_of, np.arange(len(vocab.CATEGORIES)))
    cat_count = np.bincount(cat_of, minlength=len(vocab.CATEGORIES))

    tix = rng.integers(0, tickets.n, n_pre)
    floor = np.maximum(customers.created_at[tickets.customer[tix]], period.start)
    t_pre = np.maximum(tickets.created_at[tix] - rng.integers(2 * MINUTE, 6 * HOUR, n_pre), floor)
    t_pre = np.minimum(t_pre, tickets.created_at[tix])
    cat = tickets.category[tix]
    art_pre = cat_start[cat] + (rng.random(n_pre) * cat_count[cat]).astype(np.int64)
    t_known, region = contact_times(rng, n_known, period)
    who_known = customers.pick(rng, region, t_known)
    t_anon, _ = contact_times(rng, n_anon, period)
    popularity = rng.random(len(cat_of)) + 0.2
    popularity /= popularity.sum()
    art_other = rng.choice(len(cat_of), size=n_known + n_anon, p=popularity)

    t = np.concatenate([t_pre, t_known, t_anon])
    who = np.concatenate([tickets.customer[tix], who_known, np.full(n_anon, -1)])
    article = np.concatenate([art_pre, art_other])
    kind = np.repeat([0, 1, 2], [n_pre, n_known, n_anon])
    helpful_p = np.array([[0.2, 0.35], [0.55, 0.1], [0.3, 0.15]])[kind]
    u = rng.random(n)
    helpful = u < helpful_p[:, 0]
    unhelpful = ~helpful & (u < helpful_p[:, 0] + helpful_p[:, 1])
    order = np.argsort(t, kind="stable")
    t, who, article, helpful, unhelpful = (a[order] for a in (t, who, article, helpful, unhelpful))
    return pa.table(
        {
            "view_id": make_ids("KV", np.arange(1, n + 1), 9),
            "article_id": make_ids("KB", article + 1, 4),
            "viewed_at": timestamps(t),
            "customer_id": pick(customers.ids, who),
            "session_id": make_ids("SS", rng.permutation(n) + 1, 9),
            "article_title": pick(vocab.ARTICLE_TITLES, article),
            "was_helpful": booleans(helpful, ~helpful & ~unhelpful),
        }
    )
