"""The time zone database keeps the promise Spark's `local_to_utc` relies on.

On Spark a naive landing time in a repeated hour is corrected to the later instant with the offset
in force 3 hours after the earlier one (macros/cross_db.sql). That is right only if no zone changes
its clocks twice within 3 hours. This reads every transition of every accepted zone from the pinned
`tzdata` package (TZif files, RFC 8536) and checks it, so a tzdata update that breaks the promise
fails here rather than moving instants on one engine.
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
import io
import itertools
import struct
from zoneinfo import ZoneInfo

import pytest

from orchestration.settings import time_zone_names

PROBE = dt.timedelta(hours=3)
"""How far after a repeated time Spark's correction reads the offset (macros/cross_db.sql)."""


def pinned_tzif(name: str) -> bytes:
    """The TZif file of zone `name` in the pinned tzdata package (not the system's database,
    which zoneinfo would read first)."""
    return importlib.resources.files("tzdata.zoneinfo").joinpath(*name.split("/")).read_bytes()


def pinned_zone(name: str) -> ZoneInfo:
    """Zone `name` as the pinned tzdata package defines it."""
    return ZoneInfo.from_file(io.BytesIO(pinned_tzif(name)), key=name)


def tzif_transitions(data: bytes) -> tuple[list[int], bytes]:
    """The transition instants (Unix seconds) of a TZif file's 64-bit block and its footer (the
    POSIX TZ rule for the years after the last transition)."""

    def counts(offset: int) -> tuple[int, ...]:
        # isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt after magic, version, 15 reserved
        return struct.unpack(">6l", data[offset + 20 : offset + 44])

    assert data[:4] == b"TZif" and data[4:5] >= b"2", "a TZif file of version 2 or later"
    isut, isstd, leap, times, types, chars = counts(0)
    second = 44 + times * 5 + types * 6 + chars + leap * 8 + isstd + isut
    times = counts(second)[3]
    start = second + 44
    instants = list(struct.unpack(f">{times}q", data[start : start + times * 8]))
    footer = data.rstrip(b"\n").rsplit(b"\n", 1)[-1]
    return instants, footer


def offset_changes(zone: ZoneInfo, start: dt.datetime, end: dt.datetime) -> list[int]:
    """Instants (Unix seconds, to the quarter hour) where `zone`'s UTC offset changes."""
    found, step = [], dt.timedelta(minutes=15)
    previous = start.astimezone(zone).utcoffset()
    while start < end:
        start += step
        offset = start.astimezone(zone).utcoffset()
        if offset != previous:
            found.append(int(start.timestamp()))
        previous = offset
    return found


def close_changes(instants: list[int]) -> list[tuple[dt.datetime, dt.datetime]]:
    """Pairs of consecutive changes less than PROBE apart."""
    ordered = sorted(set(instants))
    return [
        (dt.datetime.fromtimestamp(a, dt.UTC), dt.datetime.fromtimestamp(b, dt.UTC))
        for a, b in itertools.pairwise(ordered)
        if b - a < PROBE.total_seconds()
    ]


def test_tzif_transitions_reads_new_yorks_changes() -> None:
    """The listed transitions (the pinned tzdata's files are slim: they stop at the last change of
    the rules, 2007 in the US) and the footer's rule, which zoneinfo applies to 2026."""
    instants, footer = tzif_transitions(pinned_tzif("America/New_York"))
    listed = {dt.datetime.fromtimestamp(t, dt.UTC).isoformat() for t in instants}
    assert {"2007-03-11T07:00:00+00:00", "2006-10-29T06:00:00+00:00"} <= listed
    assert footer == b"EST5EDT,M3.2.0,M11.1.0"
    year = offset_changes(
        pinned_zone("America/New_York"),
        dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        dt.datetime(2027, 1, 1, tzinfo=dt.UTC),
    )
    assert [dt.datetime.fromtimestamp(t, dt.UTC).isoformat() for t in year] == [
        "2026-03-08T07:00:00+00:00",
        "2026-11-01T06:00:00+00:00",
    ]


def test_close_changes_finds_two_changes_within_three_hours() -> None:
    hour = 3600
    assert close_changes([0, 2 * hour, 10 * hour]) == [
        (dt.datetime(1970, 1, 1, tzinfo=dt.UTC), dt.datetime(1970, 1, 1, 2, tzinfo=dt.UTC))
    ]
    assert close_changes([0, 3 * hour, 6 * hour]) == []


@pytest.mark.slow
def test_no_zone_changes_its_clocks_twice_within_three_hours() -> None:
    """Every listed transition of every accepted zone (the closest two are a week apart), plus,
    where the footer's rule goes on changing the clocks (daylight saving time), the changes of the
    two years after the last listed transition, where the listed ones hand over to the rule."""
    found = {}
    for name in sorted(time_zone_names()):
        instants, footer = tzif_transitions(pinned_tzif(name))
        if b"," in footer:
            start = dt.datetime.fromtimestamp(max(instants, default=0), dt.UTC)
            instants += offset_changes(pinned_zone(name), start, start + dt.timedelta(days=730))
        if pairs := close_changes(instants):
            found[name] = pairs
    assert not found
