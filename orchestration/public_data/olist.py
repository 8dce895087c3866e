"""Olist's post-delivery review survey (`olist_reviews/`) as CSAT survey responses.

- A review is a CSAT response (`survey_type` csat, `score` 1-5, `response_id`
  `olist-<review_id>`); `sent_at` is `review_creation_date` (the survey was sent at midnight),
  `responded_at` is `review_answer_timestamp`; the title and the message become the `comment`.
- Olist's timestamps are Sao Paulo wall-clock time without an offset: they get the offset
  America/Sao_Paulo had at that instant (DST included), so the warehouse reads them exactly
  without changing `LANDING_DEFAULT_TIMEZONE` for the other data sets.
- The customer is the order's `customer_unique_id` (Olist gives each order its own
  `customer_id`); a review whose order or customer is not in the extract has no customer.
- The source repeats 34 review ids, for other orders: each row is written as delivered. In this
  extract every repeat names the same customer, score and text, so the warehouse reads it as
  the same response delivered twice (one response, `versions_count` 2); a repeat with other
  content would be quarantined with its twin as a conflicting duplicate.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from orchestration.public_data.landing_csv import read_csv_rows, write_entity

FOLDER = Path("olist_reviews")
SAO_PAULO = ZoneInfo("America/Sao_Paulo")


def sao_paulo_iso(value: str) -> str | None:
    """`2018-08-15 04:10:37` (Sao Paulo wall clock) -> `2018-08-15T04:10:37-03:00`."""
    if not value.strip():
        return None
    try:
        local = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return value  # as delivered: staging quarantines what it cannot read
    return local.replace(tzinfo=SAO_PAULO).isoformat()


def convert(datasets: Path, landing: Path) -> dict[str, int]:
    folder = datasets / FOLDER
    customers = {r["customer_id"]: r for r in read_csv_rows(folder / "olist_customers_dataset.csv")}
    orders = {r["order_id"]: r for r in read_csv_rows(folder / "olist_orders_dataset.csv")}
    reviews = read_csv_rows(folder / "olist_order_reviews_dataset.csv")

    def customer_of(order_id: str) -> str | None:
        order = orders.get(order_id)
        customer = customers.get(order["customer_id"]) if order else None
        return f"olist-{customer['customer_unique_id']}" if customer else None

    responses = [
        {
            "response_id": f"olist-{r['review_id']}",
            "survey_type": "csat",
            "score": r["review_score"],
            "sent_at": sao_paulo_iso(r["review_creation_date"]),
            "responded_at": sao_paulo_iso(r["review_answer_timestamp"]),
            "customer_id": customer_of(r["order_id"]),
            "topic": "delivery",
            "comment": " - ".join(
                part.strip()
                for part in (r["review_comment_title"], r["review_comment_message"])
                if part.strip()
            )
            or None,
        }
        for r in reviews
    ]
    unique_customers = {
        c["customer_unique_id"]: c for c in customers.values() if c["customer_unique_id"]
    }
    return {
        "survey_responses": write_entity(
            landing,
            "survey_responses",
            "olist",
            responses,
        ),
        "customers": write_entity(
            landing,
            "customers",
            "olist",
            (
                {
                    "customer_id": f"olist-{uid}",
                    "segment": "e-commerce",
                    "country": "BR",
                    "timezone": "America/Sao_Paulo",
                }
                for uid in sorted(unique_customers)
            ),
        ),
    }
