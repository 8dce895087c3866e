"""Writing landing CSV files (one folder per entity, the contract's column names)."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path

from orchestration.ingest.contract import ENTITIES


def write_entity(
    landing: Path, entity: str, name: str, rows: Iterable[Mapping[str, object]]
) -> int:
    """Write `rows` to `landing/<entity>/<name>.csv` with the entity's contract columns as header
    (a missing key or None is an empty field, which the loader reads as NULL); returns the number
    of rows. A key outside the contract is a converter's mistake and raises ValueError."""
    columns = ENTITIES[entity].columns
    folder = landing / entity
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            unknown = set(row) - set(columns)
            if unknown:
                raise ValueError(f"{entity} has no column {sorted(unknown)} in the contract")
            writer.writerow(["" if row.get(c) is None else row[c] for c in columns])
            count += 1
    return count


def iso_utc(value: dt.datetime) -> str:
    """An aware timestamp as ISO 8601 text in UTC (`2017-10-31T22:10:47+00:00`)."""
    return value.astimezone(dt.UTC).isoformat()


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    """Every record of a UTF-8 CSV file as a dict of text (an empty field is '')."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return [
            {k: (v or "") for k, v in row.items() if k is not None}
            for row in csv.DictReader(handle)
        ]
