"""Time helpers: the period, contact-volume profiles, time-zone offsets and business hours.

Times are int64 seconds since the Unix epoch (UTC) throughout the generator.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

MINUTE = 60
HOUR = 3600
DAY = 86400
MARGIN_DAYS = 400
"""Offsets are kept this long past the end: planned times may overshoot before truncation."""

# Relative contact volume by local hour (0-23): low at night, a peak on weekday mornings.
HOUR_PROFILE = np.array(
    [0.10, 0.07, 0.05, 0.05, 0.06, 0.10, 0.25, 0.55, 0.92, 1.00, 1.00, 0.95,
     0.85, 0.86, 0.82, 0.76, 0.70, 0.58, 0.45, 0.38, 0.33, 0.27, 0.20, 0.14]
)  # fmt: skip
WEEKDAY_PROFILE = np.array([1.00, 0.97, 0.94, 0.92, 0.85, 0.38, 0.32])  # Monday first
MONTH_PROFILE = np.array([1.0, 1.0, 1.02, 1.0, 1.0, 0.97, 0.85, 0.92, 1.02, 1.03, 1.05, 0.82])
HOLIDAY_FACTOR = 0.35
GROWTH = 0.35
"""Contact volume grows by this fraction from the first to the last day."""

FIXED_HOLIDAYS = {
    "all": ((1, 1), (12, 24), (12, 25), (12, 26), (12, 31)),
    "amer": ((7, 4), (11, 11)),
    "emea": ((5, 1), (10, 3)),
    "apac": ((1, 26), (4, 25)),
}


@dataclass(frozen=True)
class Period:
    """The span of the demo data: `days` whole UTC days ending on `end_date` 23:59:59."""

    start: int
    end: int

    @classmethod
    def ending(cls, end_date: dt.date, days: int) -> Period:
        last = int(pd.Timestamp(end_date, tz="UTC").timestamp())
        return cls(start=last - (days - 1) * DAY, end=last + DAY - 1)

    @property
    def hours(self) -> int:
        return (self.end + 1 - self.start) // HOUR

    def hour_grid(self, extra_days: int = 0) -> pd.DatetimeIndex:
        return pd.date_range(
            pd.Timestamp(self.start, unit="s", tz="UTC"),
            periods=self.hours + extra_days * 24,
            freq="h",
        )


def utc_offsets(period: Period, tz: str) -> np.ndarray:
    """Offset (seconds) of `tz` from UTC for every hour of the period plus a margin."""
    grid = period.hour_grid(MARGIN_DAYS)
    local = grid.tz_convert(tz).tz_localize(None)
    return ((local - grid.tz_localize(None)).total_seconds()).to_numpy().astype(np.int64)


def offset_at(offsets: np.ndarray, period: Period, t: np.ndarray) -> np.ndarray:
    idx = np.clip((t - period.start) // HOUR, 0, len(offsets) - 1)
    return offsets[idx]


def _holidays(local: pd.DatetimeIndex, region: str) -> np.ndarray:
    month, day = local.month.to_numpy(), local.day.to_numpy()
    hit = np.zeros(len(local), dtype=bool)
    for m, d in FIXED_HOLIDAYS["all"] + FIXED_HOLIDAYS.get(region, ()):
        hit |= (month == m) & (day == d)
    if region == "amer":  # Thanksgiving: fourth Thursday of November
        hit |= (month == 11) & (local.dayofweek.to_numpy() == 3) & (day >= 22) & (day <= 28)
    return hit


def contact_weights(period: Period, tz: str, region: str, rng: np.random.Generator) -> np.ndarray:
    """Relative contact volume for every hour of the period, as seen by customers in `tz`."""
    grid = period.hour_grid()
    local = grid.tz_convert(tz).tz_localize(None)
    w = HOUR_PROFILE[local.hour.to_numpy()] * WEEKDAY_PROFILE[local.dayofweek.to_numpy()]
    w = w * MONTH_PROFILE[local.month.to_numpy() - 1]
    w = np.where(_holidays(local, region), w * HOLIDAY_FACTOR, w)
    late_december = (local.month.to_numpy() == 12) & (local.day.to_numpy() >= 20)
    w = np.where(late_december, w * 0.75, w)
    w = w * (1.0 + GROWTH * np.linspace(0.0, 1.0, len(w)))
    day_noise = rng.lognormal(0.0, 0.08, size=len(w) // 24 + 1)
    return w * day_noise[np.arange(len(w)) // 24]


def sample_times(
    rng: np.random.Generator, weights: np.ndarray, n: int, period: Period
) -> np.ndarray:
    """Draw `n` times from hourly weights (uniform inside the hour)."""
    cum = np.cumsum(weights)
    hour = np.searchsorted(cum, rng.random(n) * cum[-1], side="right")
    hour = np.minimum(hour, len(weights) - 1)
    return period.start + hour.astype(np.int64) * HOUR + rng.integers(0, HOUR, n)


def push_to_business_hours(
    rng: np.random.Generator,
    t: np.ndarray,
    offset: np.ndarray,
    open_hour: np.ndarray,
    close_hour: np.ndarray,
    apply: np.ndarray,
) -> np.ndarray:
    """Move times outside Monday-Friday business hours (local) to the next opening.

    `offset`, `open_hour`, `close_hour` and `apply` are per element; a close hour of 24 with an
    open hour of 0 means always open. A random 0-60 minutes is added after an opening, so work
    queued overnight does not all land on the same second.
    """
    local = t + offset
    day = local // DAY
    sod = local - day * DAY
    dow = (day + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    open_s, close_s = open_hour * HOUR, close_hour * HOUR
    always = (open_hour == 0) & (close_hour >= 24)
    weekday = dow < 5
    inside = always | (weekday & (sod >= open_s) & (sod < close_s))
    early = weekday & (sod < open_s)
    skip = np.where(dow == 4, 3, np.where(dow == 5, 2, 1))  # Fri -> Mon, Sat -> Mon
    next_day = np.where(early, day, day + skip)
    moved = next_day * DAY + open_s + rng.integers(0, HOUR, len(t)) - offset
    return np.where(apply & ~inside, moved, t)
