"""The `sparse_repeat` shape: most customers buy once; who returns is decided by what they first bought."""

from __future__ import annotations

import datetime as dt

import numpy as np

from demo_shop.shapes import catalog
from demo_shop.shapes.clock import DAY, history, in_q4_peak, retail_intensity, shop_hours
from demo_shop.shapes.draws import intercept_for, moments, sequences, sigmoid
from demo_shop.shapes.shop import Shop

HISTORY_DAYS = 548  # 18 months
ONE_TIME_SHARE = 0.70  # of the customers in the file: one order only
# return propensity (log-odds) by the category of the first order: consumables come back, gadgets do not
CATEGORY_EFFECT = {
    "coffee": 1.4,
    "skincare": 1.0,
    "apparel": 0.0,
    "toys": -0.2,
    "home": -0.9,
    "electronics": -1.4,
}
BASKET_EFFECT = 0.5  # per unit in the first basket beyond two
Q4_EFFECT = -1.8  # first order in the Black Friday / Christmas peak
FIRST_GAP_DAYS = (14.0, 45.0)  # a returning customer's first gap: a floor plus an exponential mean
LATER_GAP_DAYS = (20.0, 60.0)
MAX_ORDERS = 6


def sparse_repeat(customers: int, seed: int, end: dt.date) -> Shop:
    """70 % one-time buyers over 18 months, the rest buy 2-6 times; returning depends on the first order.

    Signal: whether a customer comes back is set at their first order, by things a recency × frequency
    rule cannot see: the first basket's size (more units, more likely), its category (coffee and
    skincare come back, home and electronics rarely) and the time of year (a customer won in the Black
    Friday / Christmas peak, 20 Nov-24 Dec, rarely returns; the peak also brings three times the new
    customers). For the rule every one-time buyer with the same recency is the same cell; basket size
    and category shares tell them apart. Writes order_items.csv and products.csv (six categories).
    """
    rng = np.random.default_rng(seed)
    start, stop = history(end, HISTORY_DAYS)
    first = moments(rng, customers, start, stop, retail_intensity, peak=3.0)
    first_category = catalog.categories(rng, customers)
    first_items = catalog.baskets(rng, first_category, 1 + rng.poisson(0.8, customers), stray=0.0)
    units = np.bincount(first_items.order, weights=first_items.quantity, minlength=customers)
    effect = np.array([CATEGORY_EFFECT[c] for c in catalog.CATEGORIES])[first_category]
    score = effect + BASKET_EFFECT * np.minimum(units - 2, 4) + Q4_EFFECT * in_q4_peak(first)
    # the intercept makes the share of customers who return *within the history* 1 - ONE_TIME_SHARE
    room_days = (stop - first) / DAY - FIRST_GAP_DAYS[0]
    reach = 1.0 - np.exp(-np.maximum(room_days, 0.0) / FIRST_GAP_DAYS[1])
    returns = rng.random(customers) < sigmoid(intercept_for(score, 1.0 - ONE_TIME_SHARE, reach) + score)
    counts = np.where(returns, rng.integers(2, MAX_ORDERS + 1, customers), 1)
    gaps = np.concatenate(
        [
            FIRST_GAP_DAYS[0] + rng.exponential(FIRST_GAP_DAYS[1], (customers, 1)),
            LATER_GAP_DAYS[0] + rng.exponential(LATER_GAP_DAYS[1], (customers, MAX_ORDERS - 2)),
        ],
        axis=1,
    )
    customer, at = sequences(first, gaps, stop, counts)
    is_first = np.r_[True, customer[1:] != customer[:-1]]
    first_position = np.flatnonzero(is_first)  # every customer's first order, in customer order
    # later orders stay mostly with the first category; their baskets are ordinary
    later = np.flatnonzero(~is_first)
    stay = rng.random(len(later)) < 0.7
    category = np.where(stay, first_category[customer[later]], catalog.categories(rng, len(later)))
    later_items = catalog.baskets(rng, category, 1 + rng.poisson(0.6, len(later)), stray=0.0)
    items = catalog.Items(
        np.concatenate([first_position[first_items.order], later[later_items.order]]),
        np.concatenate([first_items.product, later_items.product]),
        np.concatenate([first_items.quantity, later_items.quantity]),
    )
    return Shop(customer, shop_hours(rng, at), items.order_totals(len(customer)), items=items)
