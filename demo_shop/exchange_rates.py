"""The demo shop's exchange rates: a slow random walk per currency, published on business days.

`rate_to_reporting` is euros per unit of the currency (amount in EUR = amount x rate), as in the raw
data contract. Like the ECB's reference rates there is no rate on Saturdays and Sundays, so an order
placed at the weekend is converted at Friday's rate: the latest rate on or before its date.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

REPORTING_CURRENCY = "EUR"
# EUR per unit in mid 2023 (ECB reference rates) and the daily volatility of its walk; the Danish
# krone is pegged to the euro, so it barely moves.
START_RATES = {
    "USD": (0.917, 0.0035),
    "GBP": (1.163, 0.0025),
    "PLN": (0.2250, 0.0025),
    "SEK": (0.0850, 0.0030),
    "DKK": (0.13420, 0.0002),
}
DECIMALS = 6  # the published precision; amounts are converted with exactly the published value
LEAD_DAYS = 7  # rates start a week before the first order, so every order has one on or before it


class ExchangeRates:
    """Rates for every calendar day from LEAD_DAYS before `start` to `end` (weekends repeat Friday)."""

    def __init__(self, start: dt.date, end: dt.date, currencies: tuple[str, ...], rng: np.random.Generator):
        self.first = start - dt.timedelta(days=LEAD_DAYS)
        self.currencies = currencies
        self.foreign = tuple(c for c in START_RATES if c in currencies)
        days = (end - self.first).days + 1
        weekday = (np.arange(days) + self.first.weekday()) % 7
        self.business = weekday < 5
        start_rate = np.array([START_RATES[c][0] for c in self.foreign])
        volatility = np.array([START_RATES[c][1] for c in self.foreign])
        # no move at the weekend: Saturday and Sunday carry Friday's rate
        steps = rng.normal(0.0, 1.0, (len(self.foreign), days)) * volatility[:, None] * self.business
        steps[:, 0] = 0.0
        walk = np.round(start_rate[:, None] * np.exp(np.cumsum(steps, axis=1)), DECIMALS)
        # one row per currency code of the shop (the reporting currency and a blank code are 1)
        self.daily = np.ones((len(currencies), days))
        for row, code in enumerate(self.foreign):
            self.daily[currencies.index(code)] = walk[row]

    def rate(self, currency: np.ndarray, t_days: np.ndarray) -> np.ndarray:
        """EUR per unit of each row's currency on its day (t in days since start, UTC)."""
        return self.daily[currency, t_days.astype(np.int64) + LEAD_DAYS]

    def table(self) -> pa.Table:
        """The published rates: business days only, one row per date and foreign currency, as text."""
        days = np.flatnonzero(self.business)
        dates = (np.datetime64(self.first.isoformat(), "D") + days).astype("S10").astype(str)
        rows = self.daily[[self.currencies.index(c) for c in self.foreign]][:, days].T  # date-major
        return pa.table(
            {
                "date": pa.array(np.repeat(dates, len(self.foreign))),
                "currency": pa.array(np.tile(np.array(self.foreign), days.size)),
                "rate_to_reporting": pa.array([f"{rate:.{DECIMALS}f}" for rate in rows.ravel()]),
            }
        )
