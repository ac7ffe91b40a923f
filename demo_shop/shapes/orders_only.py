"""The `orders_only` shape: typical repeat buying, exported as nothing but orders.csv."""

from __future__ import annotations

import datetime as dt

import numpy as np

from demo_shop.shapes.clock import history, shop_hours
from demo_shop.shapes.draws import (
    gamma_rates,
    lifetime_ends,
    moments,
    order_cents,
    poisson_orders,
    typical_spend,
)
from demo_shop.shapes.shop import Shop

HISTORY_DAYS = 730
RETURNING = 0.45


def orders_only(customers: int, seed: int, end: dt.date) -> Shop:
    """Typical repeat buying over two years (45 % return, ~5 orders a year, ~14-month lives); orders.csv only.

    Signal: recency, frequency and spend, the classic shape (Gamma-distributed rates, exponential
    lifetimes). A recency × frequency rule sees most of it, so a model should roughly match the rule,
    adding a little from tenure and gaps. The file has the four required columns and nothing else (no
    status, currency, channel or campaign, no other file): the minimal export must run end to end.
    """
    rng = np.random.default_rng(seed)
    start, stop = history(end, HISTORY_DAYS)
    first = moments(rng, customers, start, stop)
    ends = lifetime_ends(rng, first, 420.0, stop)
    returns = rng.random(customers) < RETURNING
    customer, at = poisson_orders(rng, first, gamma_rates(rng, customers, 5.0, 1.5), ends, 40, returns)
    cents = order_cents(rng, typical_spend(rng, customers, 45.0)[customer])
    return Shop(customer, shop_hours(rng, at), cents, currency=False)
