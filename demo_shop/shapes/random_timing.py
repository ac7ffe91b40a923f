"""The `random_timing` shape: purchases at random moments, so there is nothing to predict."""

from __future__ import annotations

import datetime as dt

import numpy as np

from demo_shop.shapes.clock import history, shop_hours
from demo_shop.shapes.draws import moments, order_cents
from demo_shop.shapes.shop import Shop

HISTORY_DAYS = 730
ORDERS_PER_CUSTOMER = 3


def random_timing(customers: int, seed: int, end: dt.date) -> Shop:
    """No signal: every order picks its customer and its moment uniformly at random over two years.

    Each customer is then the same Poisson process (about 1.5 orders a year) and each amount is drawn
    per order, so a customer's past says nothing about their future: not recency, not frequency, not
    spend. A recency × frequency rule sees nothing because there is nothing, and neither can a model:
    held-out ROC AUC near 0.5 for both, so predictions should be withheld or published as no better than
    chance. About 5 % of the customer numbers draw no order and do not appear. Orders only.
    """
    rng = np.random.default_rng(seed)
    start, stop = history(end, HISTORY_DAYS)
    orders = ORDERS_PER_CUSTOMER * customers
    customer = rng.integers(0, customers, orders)
    at = shop_hours(rng, moments(rng, orders, start, stop))
    cents = order_cents(rng, np.full(orders, 4500.0), sigma=0.5)
    return Shop(customer, at, cents)
