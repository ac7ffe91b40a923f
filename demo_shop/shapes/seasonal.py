"""The `seasonal` shape: retail peaks in Q4 and summer, and customers who come back once a year."""

from __future__ import annotations

import datetime as dt

import numpy as np

from demo_shop.shapes.clock import DAY, history, retail_intensity, shop_hours, year_of, year_start
from demo_shop.shapes.draws import (
    gamma_rates,
    lifetime_ends,
    moments,
    order_cents,
    repeat_rows,
    typical_spend,
)
from demo_shop.shapes.shop import Shop

HISTORY_DAYS = 1095  # three years: a yearly buyer shows up two or three times
SEASONAL_SHARE = 0.35
Q4_ANCHORS = (325, 356)  # day of year: Black Friday week to just before Christmas
SUMMER_ANCHORS = (168, 206)  # mid June to late July
ANCHOR_SPREAD_DAYS = 6.0
YEARLY_RETURN = 0.85  # a seasonal buyer still with the shop buys in a given season with this chance
YEARLY_CHURN = 0.12
PEAK = 3.0  # the highest retail_intensity


def seasonal(customers: int, seed: int, end: dt.date) -> Shop:
    """Q4 (Black Friday-December, 3x) and summer (1.6x) peaks; 35 % of customers buy once a year, same date.

    Signal: two kinds. The time of year: every customer buys more in the peaks, so whether a label
    window covers a peak moves the purchase rate for everyone. And the seasonal buyers: 60 % come back
    each Black Friday/December, 40 % each summer, within about a week of their own date (85 % of the
    years; 12 % leave each year). Eleven months after their last order a recency × frequency rule files
    them as lapsed one- or two-time buyers, exactly when they are about to return; their yearly gap
    (usual gap, recency relative to it) and the calendar say so. Orders only, three years.
    """
    rng = np.random.default_rng(seed)
    start, stop = history(end, HISTORY_DAYS)
    is_seasonal = rng.random(customers) < SEASONAL_SHARE
    regular = np.flatnonzero(~is_seasonal)
    reg_customer, reg_at = _regular_orders(rng, regular, start, stop)
    yearly = np.flatnonzero(is_seasonal)
    year_customer, year_at = _yearly_orders(rng, yearly, start, stop)
    customer = np.concatenate([reg_customer, year_customer])
    at = shop_hours(rng, np.concatenate([reg_at, year_at]))
    spend = typical_spend(rng, customers, 45.0)
    spend[yearly] *= 1.6  # gift shopping
    return Shop(customer, at, order_cents(rng, spend[customer]))


def _regular_orders(rng, who: np.ndarray, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
    """A first order, then a Poisson process thinned by the retail calendar (non-homogeneous)."""
    first = moments(rng, len(who), start, stop, retail_intensity, peak=PEAK)
    ends = lifetime_ends(rng, first, 500.0, stop)
    rate = gamma_rates(rng, len(who), 4.0, 1.5)  # on ordinary days; the peaks multiply it
    candidates = rng.poisson(rate * PEAK * (ends - first) / DAY)
    rows = repeat_rows(candidates)
    at = first[rows] + 1 + (rng.random(len(rows)) * (ends - first)[rows]).astype(np.int64)
    kept = rng.random(len(rows)) * PEAK < retail_intensity(at)
    return np.concatenate([who, who[rows[kept]]]), np.concatenate([first, at[kept]])


def _yearly_orders(rng, who: np.ndarray, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
    """One order a year near the customer's own date, from a random first season until they leave."""
    n = len(who)
    q4 = rng.random(n) < 0.6
    anchor = np.where(q4, rng.integers(*Q4_ANCHORS, n), rng.integers(*SUMMER_ANCHORS, n))
    years = np.arange(year_of(np.array([start]))[0], year_of(np.array([stop]))[0] + 1)
    noise = rng.normal(0.0, ANCHOR_SPREAD_DAYS * DAY, (n, len(years)))
    at = (year_start(years)[None, :] + anchor[:, None] * DAY + noise).astype(np.int64)
    valid = (at >= start) & (at <= stop)
    # the first season: one of the customer's valid seasons, at random
    first = np.argmax(valid, axis=1) + (rng.random(n) * valid.sum(axis=1)).astype(np.int64)
    season = np.arange(len(years))[None, :]
    # a later season counts while the customer has not left in any season since the first
    leaves = (rng.random((n, len(years))) < YEARLY_CHURN) & (season > first[:, None])
    alive = np.cumsum(leaves, axis=1) == 0
    buys = rng.random((n, len(years))) < YEARLY_RETURN
    keep = valid & ((season == first[:, None]) | ((season > first[:, None]) & alive & buys))
    rows, _ = np.nonzero(keep)
    return who[rows], at[keep]
