"""The as-of instant `make public-data` pins: the day after the converted data's newest contact."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from orchestration.public_data.as_of import as_of_after, newest_contact, write_run_config
from orchestration.public_data.landing_csv import write_entity


def test_the_as_of_is_the_day_after_the_newest_contact(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    write_entity(
        landing,
        "tickets",
        "tickets",
        [
            {"ticket_id": "t1", "created_at": "2019-03-01T10:00:00+00:00"},
            {"ticket_id": "t2", "created_at": "not a time"},  # the loader quarantines it
            {"ticket_id": "t3", "created_at": ""},
        ],
    )
    write_entity(
        landing,
        "chat_messages",
        "tweets",
        # 23:30 in New York is the next day in UTC
        [{"message_id": "m1", "conversation_id": "c1", "sent_at": "2019-03-04T23:30:00-05:00"}],
    )
    write_entity(
        landing,
        "survey_responses",
        "reviews",
        [{"response_id": "r1", "responded_at": "2019-03-02 08:00:00"}],
    )
    write_entity(
        landing, "customers", "people", [{"customer_id": "c9", "created_at": "2030-01-01"}]
    )
    newest = newest_contact(landing)
    assert newest == dt.datetime(2019, 3, 5, 4, 30, tzinfo=dt.UTC)  # customers do not count
    assert as_of_after(newest) == "2019-03-06 00:00:00"
    assert newest_contact(tmp_path / "empty") is None

    config = tmp_path / "public" / "run_config.yaml"
    write_run_config(config, "2019-03-06 00:00:00")
    assert yaml.safe_load(config.read_text()) == {
        "ops": {"warehouse_dbt_models": {"config": {"as_of": "2019-03-06 00:00:00"}}}
    }
