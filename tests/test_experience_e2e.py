"""Experience marts (surveys, complaints, workflows, self-service, retention, turnover) end to end.

The nightly job runs once on generated data; each test then recomputes a few values of one mart in
plain Python from the landing files and compares. Periods are cut in REPORTING_TZ on both sides
(UTC, as in the other end-to-end tests).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pipeline_helpers import query, run_nightly_job

from orchestration.demo import generate

pytestmark = pytest.mark.slow

END_DATE = dt.date(2026, 6, 30)
AS_OF_UTC = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)
REPORTING_TZ = "UTC"
CSAT_SATISFIED_MIN = 4
COMPLAINT_TAGS = {"complaint"}
DEFLECTION_WINDOW = dt.timedelta(hours=24)

Row = dict[str, str]


# ---------------------------------------------------------------- helpers (pure)


def parse_ts(text: str | None) -> dt.datetime | None:
    """ISO-8601 landing text (UTC, `Z`) to an aware datetime; empty -> None."""
    if not text:
        return None
    value = dt.datetime.fromisoformat(text.strip())
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def local_date(ts: dt.datetime) -> dt.date:
    return ts.astimezone(ZoneInfo(REPORTING_TZ)).date()


def month_of(ts: dt.datetime) -> dt.date:
    return local_date(ts).replace(day=1)


def week_of(ts: dt.datetime) -> dt.date:
    day = local_date(ts)
    return day - dt.timedelta(days=day.weekday())


def latest_by_key(rows: list[Row], key: str) -> list[Row]:
    """The last delivered version of every key (files in load order, then rows)."""
    latest: dict[str, Row] = {}
    for row in rows:
        latest[row[key]] = row
    return list(latest.values())


def landing_rows(landing: Path, entity: str, key: str) -> list[Row]:
    rows: list[Row] = []
    for file in sorted((landing / entity).glob("*.csv")):
        with file.open(newline="", encoding="utf-8-sig") as handle:
            rows += list(csv.DictReader(handle))
    return latest_by_key(rows, key)


def busiest(counter: Counter) -> object:
    """The key with the highest count (ties broken by the key) - a month with real data."""
    return max(counter.items(), key=lambda item: (item[1], str(item[0])))[0]


# ---------------------------------------------------------------- the one pipeline run


@pytest.fixture(scope="module")
def experience_warehouse(
    pipeline_env: dict[str, Path], dbt_manifest: Path
) -> Iterator[dict[str, Path]]:
    generate(
        out_dir=pipeline_env["landing"],
        tickets=1500,
        seed=23,
        fmt="csv",
        end_date=END_DATE,
        days=400,
        files_per_entity=2,
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REPORTING_TIMEZONE", REPORTING_TZ)
        result = run_nightly_job()
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    yield pipeline_env


# ---------------------------------------------------------------- tests


def test_survey_csat_and_nps_of_a_month(experience_warehouse: dict[str, Path]) -> None:
    landing, warehouse = experience_warehouse["landing"], experience_warehouse["warehouse"]
    responses = landing_rows(landing, "survey_responses", "response_id")
    by_month: dict[tuple[dt.date, str], list[int]] = defaultdict(list)
    for row in responses:
        responded_at = parse_ts(row["responded_at"])
        assert responded_at is not None
        by_month[(month_of(responded_at), row["survey_type"].strip().lower())].append(
            int(row["score"])
        )
    kpi = {
        (month, survey_type): (responses_count, csat_pct, nps)
        for month, survey_type, responses_count, csat_pct, nps in query(
            warehouse,
            "select date_month, survey_type, responses, csat_pct, nps "
            "from marts.kpi_survey_monthly",
        )
    }
    assert sum(v[0] for v in kpi.values()) == len(responses)

    csat_month = busiest(Counter({m: len(s) for (m, t), s in by_month.items() if t == "csat"}))
    scores = by_month[(csat_month, "csat")]
    expected_csat = 100.0 * sum(s >= CSAT_SATISFIED_MIN for s in scores) / len(scores)
    assert kpi[(csat_month, "csat")][0] == len(scores)
    assert kpi[(csat_month, "csat")][1] == pytest.approx(expected_csat)

    nps_month = busiest(Counter({m: len(s) for (m, t), s in by_month.items() if t == "nps"}))
    scores = by_month[(nps_month, "nps")]
    expected_nps = 100.0 * (sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores)) / len(scores)
    assert kpi[(nps_month, "nps")][2] == pytest.approx(expected_nps)

    fact_rows = query(warehouse, "select count(*) from marts.fct_survey_responses")[0][0]
    assert fact_rows == len(responses)


def test_complaints_of_a_month(experience_warehouse: dict[str, Path]) -> None:
    landing, warehouse = experience_warehouse["landing"], experience_warehouse["warehouse"]
    tickets = landing_rows(landing, "tickets", "ticket_id")
    complaints: Counter = Counter()
    month_tickets: Counter = Counter()
    for row in tickets:
        created_at = parse_ts(row["created_at"])
        assert created_at is not None
        month = month_of(created_at)
        month_tickets[month] += 1
        tags = {tag.strip().lower() for tag in (row["tags"] or "").split(";") if tag.strip()}
        if tags & COMPLAINT_TAGS:
            complaints[(month, (row["category"] or "unknown").strip().lower())] += 1
    month, category = busiest(complaints)
    actual = query(
        warehouse,
        "select sum(complaints), sum(share_of_month_tickets_pct), sum(tickets) "
        "from marts.kpi_complaints_monthly "
        f"where date_month = date '{month}' and category = '{category}'",
    )[0]
    assert actual[0] == complaints[(month, category)]
    assert actual[1] == pytest.approx(100.0 * complaints[(month, category)] / month_tickets[month])
    total = query(
        warehouse, "select sum(tickets), sum(complaints) from marts.kpi_complaints_monthly"
    )
    assert total[0] == (len(tickets), sum(complaints.values()))


def test_workflow_usage_of_a_month(experience_warehouse: dict[str, Path]) -> None:
    landing, warehouse = experience_warehouse["landing"], experience_warehouse["warehouse"]
    events = landing_rows(landing, "ticket_events", "event_id")
    applications: Counter = Counter()
    touched: dict[tuple[dt.date, str], set[str]] = defaultdict(set)
    for row in events:
        if row["event_type"].strip().lower() in ("macro_applied", "automation"):
            created_at = parse_ts(row["created_at"])
            assert created_at is not None
            key = (month_of(created_at), row["macro_id"] or "unknown")
            applications[key] += 1
            touched[key].add(row["ticket_id"])
    month, macro_id = busiest(applications)
    actual = query(
        warehouse,
        "select applications, tickets_touched, usage_rank from marts.kpi_workflow_usage "
        f"where date_month = date '{month}' and macro_id = '{macro_id}'",
    )
    assert actual == [(applications[(month, macro_id)], len(touched[(month, macro_id)]), 1)]
    total = query(warehouse, "select sum(applications) from marts.kpi_workflow_usage")[0][0]
    assert total == sum(applications.values())


def contact_starts(landing: Path) -> dict[str, list[dt.datetime]]:
    """Start of every contact (ticket, chat, inbound call) per customer."""
    starts: dict[str, list[dt.datetime]] = defaultdict(list)
    sources = (
        ("tickets", "ticket_id", "created_at", None),
        ("chat_conversations", "conversation_id", "started_at", None),
        ("calls", "call_id", "queued_at", "direction"),
    )
    for entity, key, start_column, direction_column in sources:
        for row in landing_rows(landing, entity, key):
            if direction_column and row[direction_column].strip().lower() == "outbound":
                continue
            started_at = parse_ts(row[start_column])
            if row["customer_id"] and started_at is not None:
                starts[row["customer_id"]].append(started_at)
    return starts


def test_self_service_resolutions_of_a_week(experience_warehouse: dict[str, Path]) -> None:
    landing, warehouse = experience_warehouse["landing"], experience_warehouse["warehouse"]
    starts = contact_starts(landing)
    resolutions: Counter = Counter()
    views: Counter = Counter()
    for row in landing_rows(landing, "kb_article_views", "view_id"):
        viewed_at = parse_ts(row["viewed_at"])
        assert viewed_at is not None
        week = week_of(viewed_at)
        views[week] += 1
        customer_id = row["customer_id"]
        if not customer_id or viewed_at + DEFLECTION_WINDOW > AS_OF_UTC:
            continue
        followed = any(
            viewed_at <= start <= viewed_at + DEFLECTION_WINDOW for start in starts[customer_id]
        )
        resolutions[week] += not followed
    week = busiest(views)
    actual = query(
        warehouse,
        "select article_views, self_service_resolutions from marts.kpi_self_service "
        f"where date_week = date '{week}'",
    )
    assert actual == [(views[week], resolutions[week])]
    by_week = dict(
        query(warehouse, "select date_week, self_service_resolutions from marts.kpi_self_service")
    )
    assert {w: n for w, n in by_week.items() if n} == {w: n for w, n in resolutions.items() if n}


def test_churn_of_every_month(experience_warehouse: dict[str, Path]) -> None:
    landing, warehouse = experience_warehouse["landing"], experience_warehouse["warehouse"]
    subscriptions = []
    for row in landing_rows(landing, "subscriptions", "subscription_id"):
        started_at, cancelled_at = parse_ts(row["started_at"]), parse_ts(row["cancelled_at"])
        assert started_at is not None
        subscriptions.append(
            (
                row["customer_id"],
                month_of(started_at),
                month_of(cancelled_at) if cancelled_at else None,
            )
        )
    rows = query(
        warehouse,
        "select date_month, customers_active_at_start, churned_customers, churn_rate_pct "
        "from marts.kpi_retention_monthly order by 1",
    )
    assert rows[0][0] == min(start for _, start, _ in subscriptions)
    assert rows[-1][0] == month_of(AS_OF_UTC)

    def active_at_start(month: dt.date) -> set[str]:
        return {
            customer
            for customer, start, cancel in subscriptions
            if start < month and (cancel is None or cancel >= month)
        }

    kept = 0  # customers who cancelled in a month they were active at its start, yet stayed
    for month, active_count, churned_count, churn_rate in rows:
        active = active_at_start(month)
        next_month = (month + dt.timedelta(days=31)).replace(day=1)
        churned = active - active_at_start(next_month)
        cancelled = {customer for customer, _, cancel in subscriptions if cancel == month}
        kept += len((cancelled & active) - churned)
        assert (active_count, churned_count) == (len(active), len(churned)), month
        if active:
            assert churn_rate == pytest.approx(100.0 * len(churned) / len(active)), month
    assert kept > 0, "the demo data has customers keeping another subscription after a cancel"


def test_turnover_of_every_month(experience_warehouse: dict[str, Path]) -> None:
    landing, warehouse = experience_warehouse["landing"], experience_warehouse["warehouse"]
    agents = []
    for row in landing_rows(landing, "agents", "agent_id"):
        hired_at, left_at = parse_ts(row["hired_at"]), parse_ts(row["left_at"])
        agents.append(
            (month_of(hired_at) if hired_at else None, month_of(left_at) if left_at else None)
        )
    rows = query(
        warehouse,
        "select date_month, headcount_at_start, headcount_at_end, hires, leavers, "
        "turnover_rate_pct from marts.kpi_agent_turnover_monthly order by 1",
    )
    assert len(rows) > 12
    for month, start_count, end_count, hires, leavers, turnover in rows:
        start = sum(
            (h is None or h < month) and (left is None or left >= month) for h, left in agents
        )
        end = sum(
            (h is None or h <= month) and (left is None or left > month) for h, left in agents
        )
        hired = sum(h == month for h, _ in agents)
        left_count = sum(left == month for _, left in agents)
        assert (start_count, end_count, hires, leavers) == (start, end, hired, left_count), month
        if start + end:
            assert turnover == pytest.approx(100.0 * left_count / ((start + end) / 2)), month


def survey_contacts(landing: Path) -> dict[str, tuple[str | None, str]]:
    """Linked contact and channel of every survey response (inbound call, else chat, else
    ticket; 'unknown' channel without a known contact)."""
    calls = {
        row["call_id"]: row
        for row in landing_rows(landing, "calls", "call_id")
        if row["direction"].strip().lower() != "outbound"
    }
    chats = {
        row["conversation_id"]: row
        for row in landing_rows(landing, "chat_conversations", "conversation_id")
    }
    tickets = {row["ticket_id"]: row for row in landing_rows(landing, "tickets", "ticket_id")}
    links: dict[str, tuple[str | None, str]] = {}
    for row in landing_rows(landing, "survey_responses", "response_id"):
        if row["call_id"] in calls:
            links[row["response_id"]] = (f"call:{row['call_id']}", "phone")
        elif row["conversation_id"] in chats:
            chat = chats[row["conversation_id"]]
            links[row["response_id"]] = (f"chat:{row['conversation_id']}", chat["channel"])
        elif row["ticket_id"] in tickets:
            ticket = tickets[row["ticket_id"]]
            links[row["response_id"]] = (f"ticket:{row['ticket_id']}", ticket["channel"])
        else:
            links[row["response_id"]] = (None, "unknown")
    return links


def test_survey_responses_fact_matches_python(experience_warehouse: dict[str, Path]) -> None:
    """fct_survey_responses: contact link, channel, satisfaction, NPS category and lag."""
    landing, warehouse = experience_warehouse["landing"], experience_warehouse["warehouse"]
    links = survey_contacts(landing)
    expected = {}
    for row in landing_rows(landing, "survey_responses", "response_id"):
        survey_type, score = row["survey_type"].strip().lower(), int(row["score"])
        sent_at, responded_at = parse_ts(row["sent_at"]), parse_ts(row["responded_at"])
        assert responded_at is not None
        nps_category = None
        if survey_type == "nps":
            nps_category = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
        expected[row["response_id"]] = (
            *links[row["response_id"]],
            score >= CSAT_SATISFIED_MIN if survey_type == "csat" else None,
            nps_category,
            (responded_at - sent_at).total_seconds() / 60 if sent_at else None,
        )
    rows = query(
        warehouse,
        "select response_id, contact_id, channel, is_satisfied, nps_category,"
        " response_lag_minutes from marts.fct_survey_responses",
    )
    actual = {r[0]: r[1:] for r in rows}
    assert set(actual) == set(expected)
    lags = {k: v[4] for k, v in expected.items()}
    assert {k: v[4] for k, v in actual.items()} == pytest.approx(lags)
    assert {k: v[:4] for k, v in actual.items()} == {k: v[:4] for k, v in expected.items()}
    linked = Counter((v[0] or "none:").split(":")[0] for v in expected.values())
    assert linked["call"] and linked["chat"] and linked["ticket"]


def test_csat_by_channel_of_a_month(experience_warehouse: dict[str, Path]) -> None:
    """kpi_csat_by_dimension: responses, csat_pct and avg score per channel in the busiest month."""
    landing, warehouse = experience_warehouse["landing"], experience_warehouse["warehouse"]
    links = survey_contacts(landing)
    scores: dict[tuple[dt.date, str], list[int]] = defaultdict(list)
    for row in landing_rows(landing, "survey_responses", "response_id"):
        responded_at = parse_ts(row["responded_at"])
        if row["survey_type"].strip().lower() == "csat" and responded_at is not None:
            scores[(month_of(responded_at), links[row["response_id"]][1])].append(int(row["score"]))
    month = busiest(Counter({m: len(s) for (m, _), s in scores.items()}))
    expected = {
        channel: (
            len(s),
            pytest.approx(100.0 * sum(x >= CSAT_SATISFIED_MIN for x in s) / len(s)),
            pytest.approx(sum(s) / len(s)),
        )
        for (m, channel), s in scores.items()
        if m == month
    }
    rows = query(
        warehouse,
        "select dimension_value, responses, csat_pct, avg_score from marts.kpi_csat_by_dimension"
        f" where dimension = 'channel' and date_month = date '{month}'",
    )
    assert len(expected) >= 3
    assert {r[0]: r[1:] for r in rows} == expected


def test_kb_article_of_a_month(experience_warehouse: dict[str, Path]) -> None:
    """kpi_kb_articles: views, viewers and votes of the most viewed article-month."""
    landing, warehouse = experience_warehouse["landing"], experience_warehouse["warehouse"]
    views: dict[tuple[str, dt.date], list[Row]] = defaultdict(list)
    for row in landing_rows(landing, "kb_article_views", "view_id"):
        viewed_at = parse_ts(row["viewed_at"])
        assert viewed_at is not None
        views[(row["article_id"], month_of(viewed_at))].append(row)
    article, month = busiest(Counter({k: len(v) for k, v in views.items()}))
    rows = views[(article, month)]
    viewers = {
        f"customer:{r['customer_id']}"
        if r["customer_id"]
        else f"session:{r['session_id']}"
        if r["session_id"]
        else f"view:{r['view_id']}"
        for r in rows
    }
    votes = Counter(r["was_helpful"].strip().lower() for r in rows)
    actual = query(
        warehouse,
        "select article_views, unique_viewers, helpful_votes, not_helpful_votes"
        f" from marts.kpi_kb_articles where article_id = '{article}'"
        f" and date_month = date '{month}'",
    )
    assert votes["true"] and votes["false"]
    assert actual == [(len(rows), len(viewers), votes["true"], votes["false"])]
