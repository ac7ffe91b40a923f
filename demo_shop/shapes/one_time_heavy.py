"""The `one_time_heavy` shape: nine in ten customers never come back."""

from __future__ import annotations

import datetime as dt

import numpy as np

from demo_shop.shapes.clock import DAY, history, shop_hours
from demo_shop.shapes.draws import moments, order_cents, typical_spend
from demo_shop.shapes.shop import Shop

HISTORY_DAYS = 730
ONE_TIME_SHARE = 0.9
MAX_ORDERS = 12


def one_time_heavy(customers: int, seed: int, end: dt.date) -> Shop:
    """90 % one-time buyers over two years; the other 10 % buy 2-12 times within a year of their first order.

    Signal: thin, and mostly what a recency × frequency rule sees (a second order marks a repeat
    buyer), so there is little beyond the rule to find. The shape tests class imbalance: few repeat
    purchases in any label window, so few positives to train on; models may be withheld, and a
    held-out metric must not look good by predicting "never" for everyone. Orders only.
    """
    rng = np.random.default_rng(seed)
    start, stop = history(end, HISTORY_DAYS)
    repeaters = rng.permutation(customers)[: customers - round(ONE_TIME_SHARE * customers)]
    first = moments(rng, customers, start, stop)
    first[repeaters] = moments(rng, len(repeaters), start, stop - 90 * DAY)
    # a repeater's later orders fall at random between the first order and a year later (or the end)
    counts = np.minimum(2 + rng.poisson(1.5, len(repeaters)), MAX_ORDERS)
    reach = np.minimum(first[repeaters] + 365 * DAY, stop) - first[repeaters]
    later = rng.random((len(repeaters), MAX_ORDERS - 1)) * reach[:, None]
    taken = np.arange(MAX_ORDERS - 1) < (counts - 1)[:, None]
    rows = np.nonzero(taken)[0]
    customer = np.concatenate([np.arange(customers), repeaters[rows]])
    at = np.concatenate([first, first[repeaters][rows] + 1 + later[taken].astype(np.int64)])
    cents = order_cents(rng, typical_spend(rng, customers, 50.0)[customer])
    return Shop(customer, shop_hours(rng, at), cents)
