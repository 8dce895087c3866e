"""The omnichannel contact marts end to end, checked against Python on the same landing files."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pipeline_helpers import query, run_nightly_job

from orchestration.demo import generate

pytestmark = pytest.mark.slow

END_DATE = "2026-06-30"
AS_OF = datetime(2026, 7, 1)
FCR_WINDOW = timedelta(days=7)
LOOKBACK = timedelta(weeks=8)
CONTACT_MARTS = (
    "fct_contacts",
    "fct_chat_replies",
    "kpi_agent_daily",
    "kpi_segment_response_times",
    "kpi_hourly_volume",
    "kpi_volume_trends",
    "kpi_customer_contacts",
    "kpi_time_with_customer",
)

Contact = tuple[str, str | None, datetime]  # contact_id, customer_id, started_at


def landing_latest(landing: Path, entity: str, key: str) -> dict[str, dict[str, str]]:
    """Rows of an entity's CSV files, the latest version per key (later file, later row)."""
    rows: dict[str, dict[str, str]] = {}
    for file in sorted((landing / entity).glob("*.csv")):
        with file.open(newline="", encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                rows[row[key]] = row
    return rows


def utc(text: str | None) -> datetime | None:
    """ISO-8601 text as a naive UTC datetime (text without offset is UTC here)."""
    if not text:
        return None
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def blank_to_none(text: str | None) -> str | None:
    return text.strip() if text and text.strip() else None


def first_contact_resolution(contacts: list[Contact]) -> dict[str, bool | None]:
    """FCR per contact: the customer's next contact within 7 days -> False, window open -> None."""
    by_customer: dict[str, list[Contact]] = defaultdict(list)
    for contact in contacts:
        if contact[1] is not None:
            by_customer[contact[1]].append(contact)
    result: dict[str, bool | None] = {}
    for items in by_customer.values():
        items.sort(key=lambda c: (c[2], c[0]))
        for current, following in zip(items, [*items[1:], None], strict=True):
            if following is not None and following[2] - current[2] <= FCR_WINDOW:
                result[current[0]] = False
            elif AS_OF - current[2] < FCR_WINDOW:
                result[current[0]] = None
            else:
                result[current[0]] = True
    return result


def chat_first_responses(messages: list[dict[str, str]]) -> dict[str, float]:
    """Seconds from the first customer message to the first agent message after it."""
    by_chat: dict[str, list[tuple[datetime, str, str]]] = defaultdict(list)
    for message in messages:
        sent = utc(message["sent_at"])
        if sent is not None and message["author_role"] in ("customer", "agent"):
            by_chat[message["conversation_id"]].append(
                (sent, message["message_id"], message["author_role"])
            )
    result: dict[str, float] = {}
    for chat_id, items in by_chat.items():
        items.sort()
        customer_at = next((at for at, _, role in items if role == "customer"), None)
        if customer_at is None:
            continue
        after = [
            (at, mid)
            for at, mid, role in items
            if role == "agent" and (at, mid) > next((a, m) for a, m, r in items if r == "customer")
        ]
        if after:
            result[chat_id] = (after[0][0] - customer_at).total_seconds()
    return result


@pytest.fixture(scope="module")
def contacts_warehouse(pipeline_env: dict[str, Path], dbt_manifest: Path) -> dict[str, Path]:
    generate(
        out_dir=pipeline_env["landing"],
        tickets=1500,
        seed=23,
        fmt="csv",
        end_date=END_DATE,
        days=400,
        files_per_entity=2,
    )
    result = run_nightly_job()
    built = {
        event.asset_key.to_user_string()
        for event in result.get_asset_materialization_events()
        if event.asset_key is not None
    }
    missing = [m for m in CONTACT_MARTS if f"marts/{m}" not in built]
    assert not missing, [e.message for e in result.all_events if e.is_failure]
    return pipeline_env


@pytest.fixture(scope="module")
def landing_contacts(contacts_warehouse: dict[str, Path]) -> dict[str, object]:
    """Contacts recomputed from the landing files."""
    landing = contacts_warehouse["landing"]
    tickets = landing_latest(landing, "tickets", "ticket_id")
    chats = landing_latest(landing, "chat_conversations", "conversation_id")
    calls = landing_latest(landing, "calls", "call_id")
    inbound = {k: v for k, v in calls.items() if v["direction"].strip().lower() != "outbound"}
    contacts: list[Contact] = []
    for ticket_id, row in tickets.items():
        contacts.append(
            (f"ticket:{ticket_id}", blank_to_none(row["customer_id"]), utc(row["created_at"]))
        )
    for chat_id, row in chats.items():
        contacts.append(
            (f"chat:{chat_id}", blank_to_none(row["customer_id"]), utc(row["started_at"]))
        )
    for call_id, row in inbound.items():
        contacts.append(
            (f"call:{call_id}", blank_to_none(row["customer_id"]), utc(row["queued_at"]))
        )
    messages = list(landing_latest(landing, "chat_messages", "message_id").values())
    return {
        "tickets": tickets,
        "chats": chats,
        "calls": calls,
        "inbound": inbound,
        "contacts": contacts,
        "messages": [m for m in messages if m["conversation_id"] in chats],
    }


def test_contacts_per_source_and_abandoned_calls(
    contacts_warehouse: dict[str, Path], landing_contacts: dict
) -> None:
    warehouse = contacts_warehouse["warehouse"]
    per_source = dict(
        query(warehouse, "select source, count(*) from marts.fct_contacts group by 1")
    )
    assert per_source == {
        "ticket": len(landing_contacts["tickets"]),
        "chat": len(landing_contacts["chats"]),
        "call": len(landing_contacts["inbound"]),
    }
    assert len(landing_contacts["calls"]) > len(landing_contacts["inbound"])  # outbound exist
    abandoned = {
        f"call:{k}" for k, v in landing_contacts["inbound"].items() if not v["answered_at"].strip()
    }
    actual = {
        r[0]
        for r in query(warehouse, "select contact_id from marts.fct_contacts where is_abandoned")
    }
    assert abandoned and actual == abandoned
    segments = query(warehouse, "select count(*) from marts.fct_contacts where segment is null")
    assert segments == [(0,)]


def test_first_contact_resolution_matches_python(
    contacts_warehouse: dict[str, Path], landing_contacts: dict
) -> None:
    expected = first_contact_resolution(landing_contacts["contacts"])
    actual = dict(
        query(
            contacts_warehouse["warehouse"],
            "select contact_id, is_first_contact_resolution from marts.fct_contacts"
            " where customer_id is not null",
        )
    )
    assert len(expected) > 1000
    assert {False, True} <= set(expected.values())
    assert actual == expected


def test_chat_first_response_and_replies(
    contacts_warehouse: dict[str, Path], landing_contacts: dict
) -> None:
    warehouse = contacts_warehouse["warehouse"]
    expected = chat_first_responses(landing_contacts["messages"])
    actual = dict(
        query(
            warehouse,
            "select source_id, first_response_seconds from marts.fct_contacts"
            " where source = 'chat' and first_response_seconds is not null",
        )
    )
    assert len(expected) > 100 and actual == expected
    agent_messages = sum(1 for m in landing_contacts["messages"] if m["author_role"] == "agent")
    sent = query(warehouse, "select sum(chat_messages_sent) from marts.kpi_agent_daily")[0][0]
    assert sent == agent_messages
    answered = query(warehouse, "select count(*) from marts.fct_chat_replies")[0][0]
    assert (
        0
        < answered
        <= sum(1 for m in landing_contacts["messages"] if m["author_role"] == "customer")
    )


def test_customer_contact_counts(
    contacts_warehouse: dict[str, Path], landing_contacts: dict
) -> None:
    warehouse = contacts_warehouse["warehouse"]
    counts = Counter(c[1] for c in landing_contacts["contacts"] if c[1] is not None)
    recent = Counter(
        c[1]
        for c in landing_contacts["contacts"]
        if c[1] is not None and timedelta(0) < AS_OF - c[2] <= timedelta(days=90)
    )
    rows = query(
        warehouse,
        "select customer_id, contacts, contacts_last_90_days from marts.kpi_customer_contacts",
    )
    actual = {r[0]: r[1] for r in rows if r[1]}
    assert actual == dict(counts)
    assert {r[0]: r[2] for r in rows if r[2]} == dict(recent)
    customers = landing_latest(contacts_warehouse["landing"], "customers", "customer_id")
    assert set(customers) <= {r[0] for r in rows}  # customers without contact included


def test_hourly_volume_and_trends_totals(
    contacts_warehouse: dict[str, Path], landing_contacts: dict
) -> None:
    warehouse = contacts_warehouse["warehouse"]
    recent = [c for c in landing_contacts["contacts"] if AS_OF - LOOKBACK <= c[2] < AS_OF]
    by_source = Counter(c[0].split(":")[0] for c in recent)
    actual = dict(
        query(warehouse, "select source, sum(contacts) from marts.kpi_hourly_volume group by 1")
    )
    assert actual == dict(by_source)
    by_slot = Counter((c[0].split(":")[0], c[2].isoweekday(), c[2].hour) for c in recent)
    (source, weekday, hour), busiest = by_slot.most_common(1)[0]
    row = query(
        warehouse,
        "select avg_contacts_per_hour, is_peak from marts.kpi_hourly_volume"
        f" where source = '{source}' and iso_weekday = {weekday} and hour_of_day = {hour}",
    )
    assert row[0][0] == pytest.approx(busiest / 8)
    peaks = query(
        warehouse, "select source, count(*) from marts.kpi_hourly_volume where is_peak group by 1"
    )
    assert all(0 < n <= 17 for _, n in peaks)
    monthly = Counter(
        (c[0].split(":")[0], c[2].strftime("%Y-%m-01"))
        for c in landing_contacts["contacts"]
        if c[2] < AS_OF
    )
    trend = {
        (r[0], r[1]): r[2]
        for r in query(
            warehouse,
            "select source, strftime(period_start_date, '%Y-%m-%d'), contacts"
            " from marts.kpi_volume_trends where period_grain = 'month' and source != 'all'",
        )
        if r[2]
    }
    assert trend == dict(monthly)


def test_call_handle_time_and_segment_totals(
    contacts_warehouse: dict[str, Path], landing_contacts: dict
) -> None:
    warehouse = contacts_warehouse["warehouse"]
    expected = 0.0
    for row in landing_contacts["inbound"].values():
        answered, ended = utc(row["answered_at"]), utc(row["ended_at"])
        if answered is not None and ended is not None and ended >= answered:
            expected += (ended - answered).total_seconds() + float(row["wrap_up_seconds"] or 0)
    actual = query(
        warehouse,
        "select sum(total_handle_seconds) from marts.kpi_time_with_customer where source = 'call'",
    )[0][0]
    assert actual == pytest.approx(expected)
    totals = dict(
        query(
            warehouse,
            "select source, sum(contacts) from marts.kpi_segment_response_times group by 1",
        )
    )
    assert sum(totals.values()) == len(landing_contacts["contacts"])


def test_overview_contacts_per_month_match_python(
    contacts_warehouse: dict[str, Path], landing_contacts: dict
) -> None:
    """kpi_support_overview_monthly's contacts per month, recounted from the landing files."""
    expected: Counter[str] = Counter(
        started.strftime("%Y-%m-01") for _, _, started in landing_contacts["contacts"] if started
    )
    actual = {
        month.isoformat(): contacts
        for month, contacts in query(
            contacts_warehouse["warehouse"],
            "select date_month, contacts from marts.kpi_support_overview_monthly"
            " where contacts > 0",
        )
    }
    assert len(expected) > 6
    assert actual == dict(expected)


def test_overview_counts_start_with_the_first_contact(
    contacts_warehouse: dict[str, Path], landing_contacts: dict
) -> None:
    """The overview's months before the first contact's (subscriptions and hires only) have
    churn rates but NULL counts, not 0; from that month on every count is a number."""
    first = min(started for _, _, started in landing_contacts["contacts"] if started)
    first_month = first.date().replace(day=1)
    rows = query(
        contacts_warehouse["warehouse"],
        "select date_month, contacts, ticket_contacts, chat_contacts, call_contacts,"
        " fcr_pending_contacts, complaints, churn_rate_pct, turnover_rate_pct"
        " from marts.kpi_support_overview_monthly order by date_month",
    )
    before = [row for row in rows if row[0] < first_month]
    since = [row for row in rows if row[0] >= first_month]
    assert before, "the demo subscriptions start before the help-desk data"
    assert since[0][0] == first_month
    assert any(churn is not None for *_, churn, _turnover in before)
    for month, *counts, _churn, _turnover in before:
        assert counts == [None] * 6, month
    for month, *counts, _churn, _turnover in since:
        assert None not in counts, month


def test_overview_first_contact_resolution_waits_for_open_windows(
    contacts_warehouse: dict[str, Path], landing_contacts: dict
) -> None:
    """Each month's first-contact resolution is over its contacts whose 7-day window has closed
    by the as-of instant; the others wait in fcr_pending_contacts (recomputed from landing)."""
    decided = first_contact_resolution(landing_contacts["contacts"])
    resolved: Counter[str] = Counter()
    closed: Counter[str] = Counter()
    pending: Counter[str] = Counter()
    for contact_id, customer, started in landing_contacts["contacts"]:
        if customer is None or started is None:
            continue
        month = started.strftime("%Y-%m-01")
        if AS_OF - started >= FCR_WINDOW:
            closed[month] += 1
            resolved[month] += bool(decided[contact_id])
        else:
            pending[month] += 1
    actual = {
        month.isoformat(): (pct, waiting)
        for month, pct, waiting in query(
            contacts_warehouse["warehouse"],
            "select date_month, first_contact_resolution_pct, fcr_pending_contacts"
            " from marts.kpi_support_overview_monthly where contacts > 0",
        )
    }
    assert sum(pending.values()) > 20  # the last week's contacts
    for month, (pct, waiting) in actual.items():
        assert waiting == pending[month], month
        if closed[month]:
            assert pct == pytest.approx(100.0 * resolved[month] / closed[month]), month
        else:
            assert pct is None, month


def test_overview_first_response_per_source(contacts_warehouse: dict[str, Path]) -> None:
    """The overview's per-source medians are those of the month's contacts of each source; the
    blended median lies between them."""
    rows = query(
        contacts_warehouse["warehouse"],
        "with per_source as ("
        " select date_trunc('month', started_at) as date_month, source,"
        " median(first_response_seconds) / 60.0 as minutes from marts.fct_contacts group by 1, 2)"
        " select o.date_month, t.minutes, c.minutes, l.minutes,"
        " o.median_ticket_first_response_minutes, o.median_chat_first_response_minutes,"
        " o.median_call_first_response_minutes, o.median_first_response_minutes"
        " from marts.kpi_support_overview_monthly as o"
        " left join per_source as t on t.date_month = o.date_month and t.source = 'ticket'"
        " left join per_source as c on c.date_month = o.date_month and c.source = 'chat'"
        " left join per_source as l on l.date_month = o.date_month and l.source = 'call'"
        " where o.contacts > 0",
    )
    assert len(rows) > 6
    for month, ticket, chat, call, *overview in rows:
        assert overview[:3] == [pytest.approx(ticket), pytest.approx(chat), pytest.approx(call)]
        blended = overview[3]
        assert min(ticket, chat, call) <= blended <= max(ticket, chat, call), month


def test_volume_trends_say_which_periods_are_complete(contacts_warehouse: dict[str, Path]) -> None:
    """A period is complete when it has as many data days as days; the first and last periods
    of the demo data are not, and the comparisons with them are flagged."""
    rows = query(
        contacts_warehouse["warehouse"],
        "select period_grain, period_start_date, days_in_data, is_complete_period,"
        " is_previous_period_complete, is_year_before_period_complete, year_before_contacts"
        " from marts.kpi_volume_trends where source = 'all' order by 1, 2",
    )
    by_grain: dict[str, list[tuple]] = defaultdict(list)
    for row in rows:
        by_grain[row[0]].append(row)
    for grain, periods in by_grain.items():
        complete = []
        for _, start, days, is_complete, *_ in periods:
            if grain == "week":
                length = 7
            elif grain == "month":
                following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
                length = (following - start).days
            else:
                length = (date(start.year + 1, 1, 1) - start).days
            assert is_complete == (days == length), (grain, start)
            complete.append(is_complete)
        assert [p[4] for p in periods] == [None, *complete[:-1]], grain
        starts = {p[1]: p[3] for p in periods}
        for _, start, _, _, _, year_before_complete, year_before_contacts in periods:
            if year_before_contacts is None:
                assert year_before_complete is None
            elif grain != "week":  # a week's year before is the same ISO week, not the date
                year_before = start.replace(year=start.year - 1)
                assert year_before_complete == starts[year_before], (grain, start)
    # the data ends on Tuesday 2026-06-30 (as of Wednesday 2026-07-01): the last week is partial
    assert by_grain["week"][-1][3] is False
    assert any(p[3] for p in by_grain["week"]) and any(p[3] for p in by_grain["month"])


def test_every_mart_column_is_documented(
    contacts_warehouse: dict[str, Path], dbt_manifest: Path
) -> None:
    """Every table in schema marts is a mart model whose YAML lists exactly its real columns."""
    import json

    manifest = json.loads(dbt_manifest.read_text())
    documented = {
        node["alias"]: {name: spec["description"] for name, spec in node["columns"].items()}
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == "marts"
    }
    real: dict[str, set[str]] = defaultdict(set)
    for table, column in query(
        contacts_warehouse["warehouse"],
        "select table_name, column_name from information_schema.columns"
        " where table_schema = 'marts'",
    ):
        real[table].add(column)
    assert len(real) >= 20
    problems = []
    for table, columns in sorted(real.items()):
        docs = documented.get(table)
        if docs is None:
            problems.append(f"{table}: not a documented mart model")
            continue
        problems += [f"{table}.{c}: not in YAML" for c in sorted(columns - set(docs))]
        problems += [f"{table}.{c}: no such column" for c in sorted(set(docs) - columns)]
        problems += [f"{table}.{c}: no description" for c in sorted(columns) if not docs.get(c)]
    assert problems == []


def contact_agents(landing_contacts: dict) -> dict[str, str | None]:
    """Agent of every contact: ticket assignee; chat assignee, else first agent message's author;
    call agent."""
    first_author: dict[str, tuple[datetime, str, str | None]] = {}
    for message in landing_contacts["messages"]:
        sent = utc(message["sent_at"])
        if message["author_role"] != "agent" or sent is None:
            continue
        key = (sent, message["message_id"], blank_to_none(message["author_id"]))
        chat_id = message["conversation_id"]
        if chat_id not in first_author or key < first_author[chat_id]:
            first_author[chat_id] = key
    agents: dict[str, str | None] = {}
    for ticket_id, row in landing_contacts["tickets"].items():
        agents[f"ticket:{ticket_id}"] = blank_to_none(row["assignee_id"])
    for chat_id, row in landing_contacts["chats"].items():
        fallback = first_author[chat_id][2] if chat_id in first_author else None
        agents[f"chat:{chat_id}"] = blank_to_none(row["assignee_id"]) or fallback
    for call_id, row in landing_contacts["inbound"].items():
        agents[f"call:{call_id}"] = blank_to_none(row["agent_id"])
    return agents


def test_agent_daily_busiest_agent_day(
    contacts_warehouse: dict[str, Path], landing_contacts: dict
) -> None:
    """kpi_agent_daily: one agent's contacts by source and chat messages on their busiest day."""
    agents = contact_agents(landing_contacts)
    by_day: Counter[tuple[str, str, str]] = Counter()
    for contact_id, _, started in landing_contacts["contacts"]:
        if agents[contact_id] is not None:
            by_day[(agents[contact_id], started.date().isoformat(), contact_id.split(":")[0])] += 1
    totals: Counter[tuple[str, str]] = Counter()
    for (agent, day, _), n in by_day.items():
        totals[(agent, day)] += n
    (agent, day), contacts = max(totals.items(), key=lambda item: (item[1], item[0]))
    messages = sum(
        1
        for m in landing_contacts["messages"]
        if m["author_role"] == "agent"
        and m["author_id"] == agent
        and utc(m["sent_at"]).date().isoformat() == day
    )
    actual = query(
        contacts_warehouse["warehouse"],
        "select contacts_handled, tickets_handled, chats_handled, calls_handled,"
        " chat_messages_sent from marts.kpi_agent_daily"
        f" where agent_id = '{agent}' and date_day = date '{day}'",
    )
    expected = (
        contacts,
        by_day[(agent, day, "ticket")],
        by_day[(agent, day, "chat")],
        by_day[(agent, day, "call")],
        messages,
    )
    assert contacts >= 3
    assert actual == [expected]


def test_segment_contacts_of_a_week(
    contacts_warehouse: dict[str, Path], landing_contacts: dict
) -> None:
    """kpi_segment_response_times: contacts per segment and source in the busiest week."""
    customers = landing_latest(contacts_warehouse["landing"], "customers", "customer_id")
    segments = {k: blank_to_none(v["segment"]) or "unknown" for k, v in customers.items()}
    weekly: Counter[tuple[str, str, str]] = Counter()
    for contact_id, customer_id, started in landing_contacts["contacts"]:
        monday = (started.date() - timedelta(days=started.weekday())).isoformat()
        segment = segments.get(customer_id or "", "unknown")
        weekly[(monday, segment, contact_id.split(":")[0])] += 1
    per_week: Counter[str] = Counter()
    for (monday, _, _), n in weekly.items():
        per_week[monday] += n
    week = max(per_week.items(), key=lambda item: (item[1], item[0]))[0]
    expected = {(seg, src): n for (monday, seg, src), n in weekly.items() if monday == week}
    rows = query(
        contacts_warehouse["warehouse"],
        "select segment, source, contacts from marts.kpi_segment_response_times"
        f" where week_start_date = date '{week}'",
    )
    assert len(expected) >= 3
    assert {(seg, src): n for seg, src, n in rows} == expected


def test_time_with_customer_calls_of_a_month(
    contacts_warehouse: dict[str, Path], landing_contacts: dict
) -> None:
    """kpi_time_with_customer: calls, average handle time and share over 600 s in one month."""
    handle: dict[str, list[float | None]] = defaultdict(list)
    for row in landing_contacts["inbound"].values():
        month = utc(row["queued_at"]).strftime("%Y-%m-01")
        answered, ended = utc(row["answered_at"]), utc(row["ended_at"])
        seconds = None
        if answered is not None and ended is not None:
            seconds = (ended - answered).total_seconds() + float(row["wrap_up_seconds"] or 0)
        handle[month].append(seconds)
    month = max(handle, key=lambda m: (len(handle[m]), m))
    timed = [s for s in handle[month] if s is not None]
    over = sum(s > 600 for s in timed)
    actual = query(
        contacts_warehouse["warehouse"],
        "select contacts, contacts_with_handle_time, avg_handle_seconds, contacts_over_target,"
        " over_target_pct from marts.kpi_time_with_customer"
        f" where source = 'call' and month_start_date = date '{month}'",
    )
    assert len(actual) == 1 and len(timed) > 10
    contacts, with_time, avg_seconds, over_count, over_pct = actual[0]
    assert (contacts, with_time, over_count) == (len(handle[month]), len(timed), over)
    assert avg_seconds == pytest.approx(sum(timed) / len(timed))
    assert over_pct == pytest.approx(100.0 * over / len(timed))


def test_tickets_have_no_handle_time(contacts_warehouse: dict[str, Path]) -> None:
    """A help-desk export has no time tracking: tickets are counted in kpi_time_with_customer
    without a handle time or a target, and agents' average handle time is over chats and calls."""
    warehouse = contacts_warehouse["warehouse"]
    tickets, timed = query(
        warehouse,
        "select count(*), count(handle_seconds) from marts.fct_contacts where source = 'ticket'",
    )[0]
    assert tickets > 100 and timed == 0
    rows = query(
        warehouse,
        "select sum(contacts), sum(contacts_with_handle_time), count(target_seconds),"
        " count(avg_handle_seconds) from marts.kpi_time_with_customer where source = 'ticket'",
    )[0]
    assert rows == (tickets, 0, 0, 0)
    longest = query(
        warehouse,
        "select max(avg_handle_seconds) from marts.kpi_agent_daily",
    )[0][0]
    chats_and_calls = query(
        warehouse,
        "select max(handle_seconds) from marts.fct_contacts where source in ('chat', 'call')",
    )[0][0]
    assert longest <= chats_and_calls


def chat_turns(messages: list[dict[str, str]]) -> dict[tuple[str, int], tuple[str, float]]:
    """Answered chat turns: (conversation, turn number) -> (replying agent, reply seconds)."""
    by_chat: dict[str, list[tuple[datetime, str, str, str]]] = defaultdict(list)
    for m in messages:
        sent = utc(m["sent_at"])
        if sent is not None and m["author_role"] in ("customer", "agent"):
            by_chat[m["conversation_id"]].append(
                (sent, m["message_id"], m["author_role"], m["author_id"])
            )
    result: dict[tuple[str, int], tuple[str, float]] = {}
    for chat_id, items in by_chat.items():
        items.sort()
        turn, turn_start, previous = 0, None, None
        for sent, _, role, author in items:
            if role == "customer" and previous != "customer":
                turn, turn_start = turn + 1, sent
            elif role == "agent" and turn_start is not None:
                result[(chat_id, turn)] = (
                    blank_to_none(author),
                    (sent - turn_start).total_seconds(),
                )
                turn_start = None
            previous = role
    return result


def test_chat_replies_match_python(
    contacts_warehouse: dict[str, Path], landing_contacts: dict
) -> None:
    """fct_chat_replies: every answered customer turn, its agent and reply time."""
    expected = chat_turns(landing_contacts["messages"])
    actual = {
        (chat_id, turn): (agent, seconds)
        for chat_id, turn, agent, seconds in query(
            contacts_warehouse["warehouse"],
            "select conversation_id, turn_number, agent_id, reply_seconds"
            " from marts.fct_chat_replies",
        )
    }
    assert len(expected) > 100
    assert {k for k in expected if k[1] > 1}  # conversations with several turns
    assert actual == expected
