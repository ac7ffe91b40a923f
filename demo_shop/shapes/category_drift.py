"""The `category_drift` shape: customers whose favourite category changes over time."""

from __future__ import annotations

import datetime as dt

import numpy as np

from demo_shop.shapes import catalog
from demo_shop.shapes.clock import DAY, history, shop_hours
from demo_shop.shapes.draws import gamma_rates, lifetime_ends, moments, poisson_orders, sigmoid
from demo_shop.shapes.shop import Shop

HISTORY_DAYS = 730
SWITCH_DAYS = (60.0, 420.0)  # when, after the first order, a customer's taste moves to the new category
SWITCH_WIDTH_DAYS = 30.0  # how gradual the move is


def category_drift(customers: int, seed: int, end: dt.date) -> Shop:
    """Category affinity drifts: each customer moves from one category to another 2-14 months in.

    Signal: what a customer will buy next is the category of their recent orders, not of their whole
    history: each customer starts in one of six categories and, 60-420 days after their first order,
    moves (over about two months) to a different one. A recency × frequency rule sees no categories at
    all, and a lifetime spend share (the category baseline) keeps pointing at the category the customer
    is leaving. Repeat buying itself is ordinary (about 8 orders a year, ~2-year lifetimes). Writes
    order_items.csv and products.csv; 90 % of an order's lines are in its category.
    """
    rng = np.random.default_rng(seed)
    start, stop = history(end, HISTORY_DAYS)
    first = moments(rng, customers, start, start + int(0.6 * HISTORY_DAYS) * DAY)
    ends = lifetime_ends(rng, first, 700.0, stop)
    customer, at = poisson_orders(rng, first, gamma_rates(rng, customers, 8.0, 3.0), ends, 60)
    origin = catalog.categories(rng, customers)
    destination = (origin + rng.integers(1, len(catalog.CATEGORIES), customers)) % len(catalog.CATEGORIES)
    switch = first + (rng.uniform(*SWITCH_DAYS, customers) * DAY).astype(np.int64)
    moved = rng.random(len(customer)) < sigmoid((at - switch[customer]) / (SWITCH_WIDTH_DAYS * DAY))
    category = np.where(moved, destination[customer], origin[customer])
    items = catalog.baskets(rng, category, 1 + rng.poisson(0.7, len(customer)), stray=0.1)
    return Shop(customer, shop_hours(rng, at), items.order_totals(len(customer)), items=items)
