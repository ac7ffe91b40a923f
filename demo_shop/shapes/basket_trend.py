"""The `basket_trend` shape: customers whose spend per order grows or shrinks over time."""

from __future__ import annotations

import datetime as dt

import numpy as np

from demo_shop.shapes.clock import DAY, YEAR_DAYS, history, shop_hours
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
TREND_PER_YEAR = 0.8  # change of log order value per year: x2.2 a year up, /2.2 down
TREND_SHARE = (0.35, 0.30, 0.35)  # down, flat, up
MAX_ORDER_CENTS = 200_000


def basket_trend(customers: int, seed: int, end: dt.date) -> Shop:
    """Spend per order trends: 35 % of customers double theirs each year, 35 % halve it, 30 % stay flat.

    Signal: future revenue (CLV) beyond the run-rate. How often a customer buys carries no trend
    (steady Gamma-distributed rates, ~6 orders a year, long lifetimes), so recency and frequency are the
    same for a growing and a shrinking customer, and the run-rate baseline (last year's revenue scaled
    to the horizon) overestimates the shrinking ones and underestimates the growing ones. The spend
    trend (last 90 days against the 90 before) and recent order values show the direction. Orders only.
    """
    rng = np.random.default_rng(seed)
    start, stop = history(end, HISTORY_DAYS)
    first = moments(rng, customers, start, start + int(0.5 * HISTORY_DAYS) * DAY)
    ends = lifetime_ends(rng, first, 900.0, stop)
    customer, at = poisson_orders(rng, first, gamma_rates(rng, customers, 6.0, 2.0), ends, 60)
    direction = np.searchsorted(np.cumsum(TREND_SHARE), rng.random(customers), side="right") - 1
    years = (at - first[customer]) / (YEAR_DAYS * DAY)
    typical = typical_spend(rng, customers, 50.0, sigma=0.4)[customer]
    typical *= np.exp(TREND_PER_YEAR * direction[customer] * years)
    cents = np.minimum(order_cents(rng, typical, sigma=0.12), MAX_ORDER_CENTS)
    return Shop(customer, shop_hours(rng, at), cents)
