"""The `short_history` shape: a shop that opened 75 days ago."""

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

HISTORY_DAYS = 75
RETURNING = 0.55


def short_history(customers: int, seed: int, end: dt.date) -> Shop:
    """75 days of history only: customers arrive throughout; 55 % return, about monthly (~25 % do in time).

    Signal: ordinary repeat buying (Gamma-distributed rates, exponential lifetimes), which recency and
    frequency capture well enough; the point is the calendar, not the customers. Every label window
    (30-day purchase, 180-day churn, 365-day CLV) is longer than or close to the history, so the
    pipeline must shrink its horizons, find few or no training cutoffs, and say so instead of failing.
    Orders only.
    """
    rng = np.random.default_rng(seed)
    start, stop = history(end, HISTORY_DAYS)
    first = moments(rng, customers, start, stop)
    ends = lifetime_ends(rng, first, 120.0, stop)
    returns = rng.random(customers) < RETURNING
    customer, at = poisson_orders(rng, first, gamma_rates(rng, customers, 12.0, 1.0), ends, 12, returns)
    cents = order_cents(rng, typical_spend(rng, customers, 45.0)[customer])
    return Shop(customer, shop_hours(rng, at), cents)
