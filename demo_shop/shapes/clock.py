"""Time for the shapes: the history window as epoch seconds, shop hours, day of year, the retail peaks."""

from __future__ import annotations

import datetime as dt

import numpy as np

DAY = 86_400
YEAR_DAYS = 365.25

# relative order volume per hour of day (UTC): quiet nights, a lunch bump, an evening peak
_HOUR_WEIGHT = np.array(
    [2, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 7, 8, 7, 6, 6, 6, 7, 8, 10, 11, 10, 7, 4], dtype=np.float64
)
_HOUR_CUM = np.cumsum(_HOUR_WEIGHT) / _HOUR_WEIGHT.sum()


def epoch(day: dt.date) -> int:
    """Seconds since 1970-01-01 at midnight UTC of `day`."""
    return (day - dt.date(1970, 1, 1)).days * DAY


def history(end: dt.date, days: int) -> tuple[int, int]:
    """First and last second of the `days` whole days that end with `end` (inclusive)."""
    return epoch(end) - (days - 1) * DAY, epoch(end) + DAY - 1


def shop_hours(rng: np.random.Generator, at: np.ndarray) -> np.ndarray:
    """The same days, with a time of day drawn from a shop's hourly profile."""
    hour = np.searchsorted(_HOUR_CUM, rng.random(len(at)), side="right")
    second = hour * 3600 + rng.integers(0, 3600, len(at))
    return (at // DAY) * DAY + second


def day_of_year(at: np.ndarray) -> np.ndarray:
    """0 for 1 January, per epoch second."""
    days = np.asarray(at, dtype=np.int64).astype("datetime64[s]").astype("datetime64[D]")
    return (days - days.astype("datetime64[Y]").astype("datetime64[D]")).astype(np.int64)


def year_start(year: np.ndarray) -> np.ndarray:
    """Epoch second of 1 January of each year."""
    years = (np.asarray(year, dtype=np.int64) - 1970).astype("datetime64[Y]")
    return years.astype("datetime64[s]").astype(np.int64)


def year_of(at: np.ndarray) -> np.ndarray:
    years = np.asarray(at, dtype=np.int64).astype("datetime64[s]").astype("datetime64[Y]")
    return years.astype(np.int64) + 1970


def in_q4_peak(at: np.ndarray) -> np.ndarray:
    """Black Friday week to Christmas: 20 November to 24 December (day of year 323..358, leap years ±1)."""
    doy = day_of_year(at)
    return (doy >= 323) & (doy <= 358)


def in_summer_peak(at: np.ndarray) -> np.ndarray:
    """Summer sales: 15 June to 31 July (day of year 165..211)."""
    doy = day_of_year(at)
    return (doy >= 165) & (doy <= 211)


def retail_intensity(at: np.ndarray, q4: float = 3.0, summer: float = 1.6) -> np.ndarray:
    """Relative order volume at each moment: 1 on ordinary days, higher in the Q4 and summer peaks."""
    return np.where(in_q4_peak(at), q4, np.where(in_summer_peak(at), summer, 1.0))
