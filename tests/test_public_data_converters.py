"""Pure helpers of the public data set converters (orchestration/public_data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.public_data import cfpb, github_issues, olist, twcs
from orchestration.public_data.landing_csv import write_entity


def test_threads_follow_replies_to_their_first_tweet_even_outside_the_extract() -> None:
    tweets = [
        {"tweet_id": "1", "in_response_to_tweet_id": ""},
        {"tweet_id": "2", "in_response_to_tweet_id": "1.0"},
        {"tweet_id": "3", "in_response_to_tweet_id": "2.0"},
        {"tweet_id": "5", "in_response_to_tweet_id": "4.0"},  # 4 is not in the extract
        {"tweet_id": "6", "in_response_to_tweet_id": "5.0"},
        {"tweet_id": "7", "in_response_to_tweet_id": "8.0"},  # a loop: 7 -> 8 -> 7
        {"tweet_id": "8", "in_response_to_tweet_id": "7.0"},
    ]
    roots = twcs.thread_roots(tweets)
    assert roots["1"] == roots["2"] == roots["3"] == "1"
    assert roots["5"] == roots["6"] == "4"
    assert roots["7"] == roots["8"]


def test_bare_carriage_returns_are_read_as_spaces_not_as_record_ends(tmp_path: Path) -> None:
    path = tmp_path / "twcs.csv"
    path.write_bytes(
        b",tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
        b"0,9,42,True,Tue Oct 31 18:13:06 +0000 2017,@brand \r\rhello,,\n"
        b'1,10,brand,False,Tue Oct 31 18:20:00 +0000 2017,"hi\nthere",,9.0\r\n'
    )
    rows, bare = twcs.read_tweets(path)
    assert bare == 2
    assert [r["tweet_id"] for r in rows] == ["9", "10"]
    assert rows[0]["text"] == "@brand   hello"
    assert twcs.parse_created_at(rows[0]["created_at"]) == "2017-10-31T18:13:06+00:00"


def test_sao_paulo_wall_clock_gets_the_offset_of_its_date() -> None:
    assert olist.sao_paulo_iso("2018-01-15 10:00:00") == "2018-01-15T10:00:00-02:00"  # summer
    assert olist.sao_paulo_iso("2018-08-15 04:10:37") == "2018-08-15T04:10:37-03:00"
    assert olist.sao_paulo_iso("") is None
    assert olist.sao_paulo_iso("15/08/2018") == "15/08/2018"  # as delivered, for staging


def test_cfpb_dates_and_github_segments() -> None:
    assert cfpb.us_date("7/29/2013") == "2013-07-29T00:00:00+00:00"
    assert cfpb.us_date("2013-07-29") == "2013-07-29"
    assert [github_issues.segment(a) for a in ("OWNER", "CONTRIBUTOR", "NONE")] == [
        "maintainer",
        "contributor",
        "user",
    ]


def test_landing_files_carry_the_contract_columns_and_refuse_others(tmp_path: Path) -> None:
    count = write_entity(tmp_path, "teams", "x", [{"team_id": "t1", "name": "Billing"}])
    assert count == 1
    lines = (tmp_path / "teams" / "x.csv").read_text().splitlines()
    assert lines == ["team_id,name,schedule_id", "t1,Billing,"]
    with pytest.raises(ValueError, match="team_name"):
        write_entity(tmp_path, "teams", "y", [{"team_id": "t1", "team_name": "Billing"}])
