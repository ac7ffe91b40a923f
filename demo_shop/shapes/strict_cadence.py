"""The `strict_cadence` shape: customers who buy like clockwork, each at their own interval."""

from __future__ import annotations

import datetime as dt

import numpy as np

from demo_shop.shapes.clock import DAY, history
from demo_shop.shapes.draws import lifetime_ends, order_cents, typical_spend
from demo_shop.shapes.shop import Shop

HISTORY_DAYS = 540
CADENCE_DAYS = np.array([7, 14, 30, 60])
CADENCE_WEIGHT = np.array([0.2, 0.25, 0.3, 0.25])
JITTER = 0.04  # standard deviation of an order's day, as a share of the cadence
LIFETIME_DAYS = 360.0


def strict_cadence(customers: int, seed: int, end: dt.date) -> Shop:
    """Strict cadences: every 7, 14, 30 or 60 days (~4 % jitter) at a habitual hour, until they quit.

    Signal: whether a customer buys within the next 30 days follows from where they stand in their
    own cycle: the days since the last order against their usual gap, and a gap far past the usual one
    means they stopped (exponential lifetimes, about a year). A recency × frequency cell cannot see
    it: it mixes a monthly buyer 25 days after an order (due now) with one 5 days after (not due), and
    a weekly buyer 20 days late (gone) with a 60-day buyer 20 days in (on track). Regularity and
    recency relative to the usual gap (recency_to_usual_gap, gap features) separate them.
    Subscription-like amounts, orders only.
    """
    rng = np.random.default_rng(seed)
    start, stop = history(end, HISTORY_DAYS)
    cadence = CADENCE_DAYS[np.searchsorted(np.cumsum(CADENCE_WEIGHT), rng.random(customers), side="right")]
    first_day = start // DAY + rng.integers(0, int(0.7 * HISTORY_DAYS), customers)
    ends = lifetime_ends(rng, first_day * DAY, LIFETIME_DAYS, stop)
    steps = np.arange(HISTORY_DAYS // int(CADENCE_DAYS.min()) + 2)
    jitter = np.rint(rng.normal(0.0, 1.0, (customers, len(steps))) * JITTER * cadence[:, None])
    jitter[:, 0] = 0
    day = first_day[:, None] + steps * cadence[:, None] + jitter.astype(np.int64)
    habit = rng.integers(7 * 3600, 22 * 3600, customers)  # the customer's usual time of day
    second = np.clip(habit[:, None] + rng.normal(0.0, 1200.0, day.shape), 0, DAY - 1).astype(np.int64)
    at = day * DAY + second
    keep = (at <= ends[:, None]) | (steps == 0)  # everyone keeps their first order
    customer = np.nonzero(keep)[0]
    cents = order_cents(rng, typical_spend(rng, customers, 35.0, sigma=0.4)[customer], sigma=0.05)
    return Shop(customer, at[keep], cents)
