"""The demo shop's calendar: the seasonal clock every event is placed on, and the campaigns it sends."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

DAY_S = 86_400

GROWTH_PER_YEAR = 0.45  # new customers per year grow by this share


class Calendar:
    """Hourly grid over the period with the seasonal clock used to place every event.

    Times are float days since the start inside the simulation and int seconds since the
    start once stored; `epoch_s` turns the latter into Unix seconds for formatting.
    """

    def __init__(self, start: dt.date, end: dt.date):
        if end < start:
            raise ValueError("end is before start")
        self.start, self.end = start, end
        self.days = (end - start).days + 1
        self.epoch_s = int(dt.datetime(start.year, start.month, start.day, tzinfo=dt.UTC).timestamp())
        hours = np.arange(self.days * 24)
        stamp = np.datetime64(start.isoformat(), "h") + hours
        day = stamp.astype("datetime64[D]")
        shop = _hour_profile(hours) * _weekday_profile(day) * self._season(day)
        # Normalised so one unit of warped time is one average shop day.
        self.shop_cum = _cumulative(shop / shop.mean() / 24)
        acq = shop * np.exp(np.log1p(GROWTH_PER_YEAR) / 365 * hours / 24)
        self.acq_cum = _cumulative(acq / acq.mean() / 24)
        self.grid = np.arange(hours.size + 1) / 24
        self.promo = self._promo_by_day()
        self.dst = self._dst_switches()

    def warp(self, t: np.ndarray) -> np.ndarray:
        return np.interp(t, self.grid, self.shop_cum)

    def unwarp(self, w: np.ndarray) -> np.ndarray:
        return np.interp(w, self.shop_cum, self.grid)

    def acquisition_times(self, u: np.ndarray) -> np.ndarray:
        """Map uniforms to sign-up times: a growing, seasonal stream of new customers."""
        return np.interp(u * self.acq_cum[-1], self.acq_cum, self.grid)

    def black_fridays(self) -> list[dt.date]:
        out = []
        for year in range(self.start.year, self.end.year + 1):
            nov1 = dt.date(year, 11, 1)
            thanksgiving = nov1 + dt.timedelta(days=(3 - nov1.weekday()) % 7 + 21)
            out.append(thanksgiving + dt.timedelta(days=1))
        return out

    def day_index(self, date: dt.date) -> int:
        return (date - self.start).days

    def _season(self, day: np.ndarray) -> np.ndarray:
        doy = (day - day.astype("datetime64[Y]")).astype(int)
        month = day.astype("datetime64[M]").astype(int) % 12 + 1
        dom = (day - day.astype("datetime64[M]")).astype(int) + 1
        f = 1 + 0.12 * np.cos(2 * np.pi * (doy - 340) / 365.25)
        f *= np.where(month == 11, 1.15, 1.0)
        f *= np.where((month == 12) & (dom <= 22), 1.35, 1.0)
        f *= np.where((month == 12) & (dom >= 24) & (dom <= 26), 0.5, 1.0)
        f *= np.where((month == 1) & (dom >= 2) & (dom <= 15), 1.15, 1.0)
        f *= np.where((month == 7) & (dom <= 14), 1.15, 1.0)
        for bf in self.black_fridays():
            b = np.datetime64(bf.isoformat(), "D")
            f *= np.where((day >= b - 4) & (day < b), 1.4, 1.0)  # the week before: deals start
            f *= np.where((day >= b) & (day <= b + 3), 3.0, 1.0)  # Friday to Cyber Monday
        return f

    def _promo_by_day(self) -> np.ndarray:
        """0 no promotion, 1 December gift season, 2 Black Friday to Cyber Monday."""
        day = np.datetime64(self.start.isoformat(), "D") + np.arange(self.days)
        month = day.astype("datetime64[M]").astype(int) % 12 + 1
        dom = (day - day.astype("datetime64[M]")).astype(int) + 1
        promo = np.where((month == 12) & (dom <= 20), 1, 0).astype(np.int8)
        for bf in self.black_fridays():
            b = np.datetime64(bf.isoformat(), "D")
            promo[(day >= b) & (day <= b + 3)] = 2
        return promo

    def _dst_switches(self) -> np.ndarray:
        """Unix seconds of the EU summer-time switches (last Sundays of March and October, 01:00 UTC)."""
        out = []
        for year in range(self.start.year - 1, self.end.year + 2):
            for month in (3, 10):
                last = dt.date(year, month, 31)
                sunday = last - dt.timedelta(days=(last.weekday() + 1) % 7)
                out.append(dt.datetime(sunday.year, month, sunday.day, 1, tzinfo=dt.UTC).timestamp())
        return np.array(out, dtype=np.int64)

    def europe_offset_s(self, epoch: np.ndarray) -> np.ndarray:
        summer = np.searchsorted(self.dst, epoch, side="right") % 2 == 1
        return np.where(summer, 7200, 3600)


def _hour_profile(hours: np.ndarray) -> np.ndarray:
    # Central European evening peak; the grid is UTC, so shift by one hour.
    profile = np.array(
        [0.25, 0.15, 0.10, 0.08, 0.08, 0.12, 0.30, 0.55, 0.80, 0.95, 1.00, 1.05,
         1.10, 1.05, 1.00, 1.00, 1.05, 1.15, 1.30, 1.50, 1.60, 1.45, 1.00, 0.55]
    )  # fmt: skip
    return profile[(hours + 1) % 24]


def _weekday_profile(day: np.ndarray) -> np.ndarray:
    weekday = (day.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; 0 is Monday
    return np.array([1.0, 0.98, 0.98, 1.0, 0.95, 0.88, 1.15])[weekday]


def _cumulative(rate_per_hour: np.ndarray) -> np.ndarray:
    return np.concatenate([[0.0], np.cumsum(rate_per_hour)])


@dataclass(frozen=True)
class Campaign:
    campaign_id: str
    channel: str
    send_day: float
    share: float


def plan_campaigns(cal: Calendar, rng: np.random.Generator) -> list[Campaign]:
    """A monthly e-mail, an SMS every other month and a Black Friday blast on both channels."""
    out = []
    month = dt.date(cal.start.year, cal.start.month, 1)
    while month <= cal.end:
        tag = f"C-{month:%Y-%m}"
        second_tuesday = month + dt.timedelta(days=(1 - month.weekday()) % 7 + 7)
        out.append(Campaign(f"{tag}-email", "email", cal.day_index(second_tuesday) + 8 / 24, 0))
        if month.month % 2 == 0:
            third_thursday = month + dt.timedelta(days=(3 - month.weekday()) % 7 + 14)
            out.append(Campaign(f"{tag}-sms", "sms", cal.day_index(third_thursday) + 16 / 24, 0))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    for bf in cal.black_fridays():
        for channel in ("email", "sms"):
            out.append(Campaign(f"C-{bf:%Y-%m}-{channel}-bf", channel, cal.day_index(bf) + 7 / 24, 0))
    out = [c for c in out if 0 <= c.send_day < cal.days]
    out.sort(key=lambda c: c.send_day)
    shares = rng.uniform(0.35, 0.8, len(out))
    return [
        Campaign(c.campaign_id, c.channel, c.send_day, float(s)) for c, s in zip(out, shares, strict=True)
    ]
