"""The `tiny` shape: the smallest shop that should still run end to end."""

from __future__ import annotations

import datetime as dt

import numpy as np

from demo_shop.shapes.clock import DAY, history, shop_hours
from demo_shop.shapes.draws import moments, order_cents, sequences, typical_spend
from demo_shop.shapes.shop import Shop

HISTORY_DAYS = 365
MAX_ORDERS = 6


def tiny(customers: int, seed: int, end: dt.date) -> Shop:
    """60 customers with a few orders each (1-6, about 45 days apart) over one year; orders.csv only.

    Signal: only what a recency × frequency rule already sees (who bought lately, who bought often), and
    far too little of it to learn anything more. The shape tests the floors rather than the models: too
    few customers and positives to train honestly, so each target should score with its baseline or be
    withheld, and every table should still be built and published.
    """
    rng = np.random.default_rng(seed)
    start, stop = history(end, HISTORY_DAYS)
    first = moments(rng, customers, start, stop - 30 * DAY)
    counts = np.minimum(1 + rng.poisson(2.0, customers), MAX_ORDERS)
    gaps = rng.exponential(45.0, (customers, MAX_ORDERS - 1))
    customer, at = sequences(first, gaps, stop, counts)
    cents = order_cents(rng, typical_spend(rng, customers, 40.0)[customer])
    return Shop(customer, shop_hours(rng, at), cents, currency=False)
