"""CFPB consumer complaints (`cfpb_complaints/consumer_complaints_sample.csv`) as tickets.

- Every row is a complaint ticket (`tags` complaint, `type` complaint, the product as category),
  created on `Date received` (a date only: midnight UTC) and last updated on `Date sent to
  company`. The extract has no complaint id, so `ticket_id` is `cfpb-<record number>`: its 11
  repeated rows stay two complaints each, as nothing says they are one.
- Channel from `Submitted via`: Web web, Phone phone, Email email; Referral, Postal mail and Fax
  other. Status closed when the company's response starts with "Closed", open otherwise (In
  progress, Untimely response).
- The consumer is anonymous: each complaint gets a customer of its own (`cfpb-consumer-<n>`,
  segment consumer, country US), so tickets per customer mean nothing here; complaints per month
  and by channel do.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from orchestration.public_data.landing_csv import read_csv_rows, write_entity

SOURCE = Path("cfpb_complaints") / "consumer_complaints_sample.csv"
CHANNELS = {"web": "web", "phone": "phone", "email": "email"}


def us_date(value: str) -> str | None:
    """`7/29/2013` -> `2013-07-29T00:00:00+00:00`; other text as delivered."""
    try:
        day = dt.datetime.strptime(value.strip(), "%m/%d/%Y").replace(tzinfo=dt.UTC)
    except ValueError:
        return value or None
    return day.isoformat()


def convert(datasets: Path, landing: Path) -> dict[str, int]:
    rows = read_csv_rows(datasets / SOURCE)
    tickets = [
        {
            "ticket_id": f"cfpb-{n}",
            "created_at": us_date(r["Date received"]),
            "updated_at": us_date(r["Date sent to company"]),
            "customer_id": f"cfpb-consumer-{n}",
            "channel": CHANNELS.get(r["Submitted via"].strip().lower(), "other"),
            "status": "closed"
            if r["Company response to consumer"].startswith("Closed")
            else "open",
            "type": "complaint",
            "category": r["Product"] or None,
            "tags": "complaint",
            "subject": r["Issue"] or None,
        }
        for n, r in enumerate(rows, start=1)
    ]
    return {
        "customers": write_entity(
            landing,
            "customers",
            "cfpb",
            (
                {"customer_id": t["customer_id"], "segment": "consumer", "country": "US"}
                for t in tickets
            ),
        ),
        "tickets": write_entity(
            landing,
            "tickets",
            "cfpb",
            tickets,
        ),
    }
