"""The nightly job on real public support data (`../shared/datasets/`, outside the repository):
Customer Support on Twitter threads as chats, Olist review surveys as CSAT, huggingface/datasets
GitHub issues and CFPB complaints as tickets (`orchestration/public_data`).

Every expectation is computed here from the published files themselves, not from the landing
files the converters wrote, so a converter or model that loses, duplicates or mismeasures rows
fails. Skipped, with the reason, where the data sets are not present.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from statistics import median

import duckdb
import pytest
from pipeline_helpers import query, run_nightly_job

from orchestration.public_data.convert import convert_all, datasets_dir

pytestmark = pytest.mark.slow
DATASETS = datasets_dir()

if not DATASETS.is_dir():
    pytest.skip(
        f"public data sets not found at {DATASETS} (they live beside the repository, never "
        "in it; PUBLIC_DATASETS_DIR points elsewhere)",
        allow_module_level=True,
    )


def source_rows(sql: str) -> list[tuple]:
    """Rows of `sql` on the published files (paths relative to the data sets folder)."""
    con = duckdb.connect()
    try:
        return con.execute(sql.replace("{datasets}", str(DATASETS))).fetchall()
    finally:
        con.close()


def source_tweets() -> dict[str, dict[str, str]]:
    """The extract's tweets by id, read from the published file. Two tweets hold a bare carriage
    return, which splits a record for a plain CSV reader: read here as a space, as the converter
    does (a newline inside a quoted field stays a newline)."""
    raw = (DATASETS / "twcs" / "twcs_head5k.csv").read_bytes().decode("utf-8")
    text = raw.replace("\r\n", "\n").replace("\r", " ")
    return {r["tweet_id"]: r for r in csv.DictReader(io.StringIO(text))}


@pytest.fixture(scope="module")
def warehouse(pipeline_env: dict[str, Path], dbt_manifest: Path) -> Path:
    report = convert_all(DATASETS, pipeline_env["landing"], progress=False)
    assert all(report.values()), f"a data set folder is missing: {report}"
    result = run_nightly_job()
    assert result.success, "the nightly job failed on the public data sets"
    return pipeline_env["warehouse"]


def test_every_tweet_is_a_chat_message_and_threads_outside_the_extract_stay_unknown(
    warehouse: Path,
) -> None:
    # the extract's first 5,000 tweets (its index column runs 0-4999)
    staged = query(warehouse, "select count(*) from staging.stg_landing__chat_messages")
    assert staged == [(5000,)]
    quarantined = query(
        warehouse, "select count(*) from quarantine.quarantine_landing__chat_messages"
    )
    assert quarantined == [(0,)]
    # a thread starts with a tweet that answers none
    tweets = source_tweets()
    assert len(tweets) == 5000
    roots = sum(1 for t in tweets.values() if not t["in_response_to_tweet_id"])
    conversations = query(
        warehouse, "select count(*) from marts.fct_contacts where source = 'chat'"
    )
    assert conversations == [(roots,)]
    # a reply to a tweet outside the extract is kept under a conversation nobody delivered
    unknown = query(
        warehouse,
        "select count(*) from staging.stg_landing__chat_messages as m"
        " where not exists (select 1 from staging.stg_landing__chat_conversations as c"
        " where c.conversation_id = m.conversation_id)",
    )
    assert unknown[0][0] > 0


def test_chat_first_response_of_every_thread_is_the_sources(warehouse: Path) -> None:
    """Each conversation's first response, recomputed from the tweets: the thread gathered from
    its first tweet down the `response_tweet_id` lists (the converter follows the other links,
    `in_response_to_tweet_id`), ordered by time; the first customer tweet starts the turn and
    the first brand tweet after it answers it."""
    tweets = source_tweets()

    def sent(tweet: dict[str, str]) -> dt.datetime:
        return dt.datetime.strptime(tweet["created_at"], "%a %b %d %H:%M:%S %z %Y")

    expected: dict[str, float | None] = {}
    for first in (t for t in tweets.values() if not t["in_response_to_tweet_id"]):
        thread, todo = {}, [first["tweet_id"]]
        while todo:
            tweet = tweets.get(todo.pop())
            if tweet and tweet["tweet_id"] not in thread:
                thread[tweet["tweet_id"]] = tweet
                todo += [c for c in tweet["response_tweet_id"].split(",") if c]
        ordered = sorted(thread.values(), key=lambda t: (sent(t), f"twcs-{t['tweet_id']}"))
        customer = next((i for i, t in enumerate(ordered) if t["inbound"] == "True"), None)
        reply = next((t for t in ordered[customer or 0 :] if t["inbound"] == "False"), None)
        expected[f"twcs-{first['tweet_id']}"] = (
            (sent(reply) - sent(ordered[customer])).total_seconds()
            if customer is not None and reply
            else None
        )
    got = dict(
        query(
            warehouse,
            "select source_id, first_response_seconds from marts.fct_contacts"
            " where source = 'chat'",
        )
    )
    assert len(expected) == 1306
    assert got == expected


def test_olist_reviews_give_the_csat_of_the_source(warehouse: Path) -> None:
    expected = source_rows(
        "select count(distinct review_id),"
        " count(distinct case when review_score::int >= 4 then review_id end)"
        " from read_csv('{datasets}/olist_reviews/olist_order_reviews_dataset.csv',"
        " all_varchar = true)"
    )
    got = query(
        warehouse,
        "select count(*), count(case when is_satisfied then 1 end)"
        " from marts.fct_survey_responses where survey_type = 'csat'",
    )
    assert got == expected
    monthly = query(
        warehouse,
        "select sum(responses), sum(satisfied) from marts.kpi_survey_monthly"
        " where survey_type = 'csat'",
    )
    assert monthly == expected
    # Sao Paulo wall-clock times: an answer at 04:10:37 local (UTC-3 in August 2018) is 07:10:37
    answered = query(
        warehouse,
        "select responded_at from marts.fct_survey_responses"
        " where response_id = 'olist-373cbeecea8286a2b66c97b1b157ec46'",
    )
    assert answered == [(dt.datetime(2018, 8, 15, 7, 10, 37),)]


def test_github_issues_give_the_resolution_times_of_the_source(warehouse: Path) -> None:
    issues = source_rows(
        "select created_at::timestamptz, closed_at::timestamptz, author_association"
        " from read_csv('{datasets}/github_issues/hf_datasets_issues.csv', all_varchar = true)"
        " where is_pull_request = '0'"
    )
    closed = [(c - o).total_seconds() / 60 for o, c, _ in issues if c is not None]
    staff = sum(a in ("MEMBER", "OWNER", "COLLABORATOR") for _, _, a in issues)
    got = query(
        warehouse,
        "select count(*), count(case when is_solved then 1 end),"
        " median(full_resolution_minutes),"
        " count(case when created_by_role = 'agent' then 1 end)"
        " from marts.fct_tickets where ticket_id like 'gh-%'",
    )
    assert got[0][:2] == (len(issues), len(closed))
    assert got[0][2] == pytest.approx(median(closed))
    assert got[0][3] == staff


def test_cfpb_complaints_per_month_and_complaints_sent_before_they_arrived(
    warehouse: Path,
) -> None:
    expected = source_rows(
        "select date_trunc('month', strptime(\"Date received\", '%m/%d/%Y'))::date, count(*)"
        " from read_csv('{datasets}/cfpb_complaints/consumer_complaints_sample.csv',"
        " all_varchar = true) group by 1 order by 1"
    )
    got = query(
        warehouse,
        "select date_month, sum(complaints) from marts.kpi_complaints_monthly"
        " group by 1 having sum(complaints) > 0 order by 1",
    )
    assert got == expected
    early = source_rows(
        "select count(*) from read_csv('{datasets}/cfpb_complaints/"
        "consumer_complaints_sample.csv', all_varchar = true)"
        " where strptime(\"Date sent to company\", '%m/%d/%Y')"
        " < strptime(\"Date received\", '%m/%d/%Y')"
    )
    flagged = query(
        warehouse,
        "select count(*), count(full_resolution_minutes) from marts.fct_tickets"
        " where ticket_id like 'cfpb-%' and has_activity_before_creation",
    )
    assert early[0][0] > 0
    assert flagged == [(early[0][0], 0)]
