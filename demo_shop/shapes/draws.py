"""Random building blocks the shapes share: moments in a window, order sequences, rates, spend, odds."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from demo_shop.shapes.clock import DAY, YEAR_DAYS

Intensity = Callable[[np.ndarray], np.ndarray]


def moments(
    rng: np.random.Generator,
    n: int,
    start: int | np.ndarray,
    stop: int | np.ndarray,
    intensity: Intensity | None = None,
    peak: float = 1.0,
) -> np.ndarray:
    """`n` epoch seconds in [start, stop]: uniform, or thinned by `intensity(at) / peak` when given.

    With an intensity, `start` and `stop` must be scalars (one window for everyone).
    """
    if intensity is None:
        return np.asarray(start + rng.random(n) * (np.asarray(stop) - start + 1), dtype=np.int64)
    found: list[np.ndarray] = []
    need = n
    while need > 0:
        candidates = rng.integers(int(start), int(stop) + 1, max(2 * need, 64))
        kept = candidates[rng.random(len(candidates)) * peak < intensity(candidates)][:need]
        found.append(kept)
        need -= len(kept)
    return np.concatenate(found) if found else np.empty(0, dtype=np.int64)


def sequences(
    first: np.ndarray, gaps_days: np.ndarray, stop: int | np.ndarray, counts: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Orders at `first`, then after each gap in a row of `gaps_days` (customers × gaps), while at or before
    `stop` and, when given, for at most `counts` orders per customer.

    Returns (customer position, epoch second) per order, customer by customer in time order.
    """
    offsets = np.cumsum(gaps_days, axis=1) * DAY
    at = np.concatenate([np.zeros((len(first), 1)), offsets], axis=1) + first[:, None]
    at = np.floor(at).astype(np.int64)
    limit = np.asarray(stop, dtype=np.int64)
    keep = at <= (limit[:, None] if limit.ndim else limit)
    if counts is not None:
        keep &= np.arange(at.shape[1]) < counts[:, None]
    customer, _ = np.nonzero(keep)
    return customer.astype(np.int64), at[keep]


def poisson_orders(
    rng: np.random.Generator,
    first: np.ndarray,
    rate_per_day: np.ndarray,
    stop: int | np.ndarray,
    max_orders: int,
    returns: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """A first order at `first`, then a Poisson process at each customer's rate until `stop`, at most
    `max_orders` in all; customers where `returns` is False keep only the first order."""
    gaps = rng.exponential(1.0, (len(first), max_orders - 1)) / np.maximum(rate_per_day, 1e-6)[:, None]
    counts = None if returns is None else np.where(returns, max_orders, 1)
    return sequences(first, gaps, stop, counts)


def gamma_rates(rng: np.random.Generator, n: int, orders_per_year: float, shape: float) -> np.ndarray:
    """Orders per day, Gamma distributed across customers with the given mean per year."""
    return rng.gamma(shape, orders_per_year / shape, n) / YEAR_DAYS


def lifetime_ends(rng: np.random.Generator, first: np.ndarray, mean_days: float, stop: int) -> np.ndarray:
    """When each customer stops buying: an exponential lifetime after the first order, at most `stop`."""
    ends = first + rng.exponential(mean_days, len(first)) * DAY
    return np.minimum(ends.astype(np.int64), stop)


def typical_spend(rng: np.random.Generator, n: int, median_eur: float, sigma: float = 0.5) -> np.ndarray:
    """A customer's usual order value in cents (log-normal across customers)."""
    return median_eur * 100.0 * np.exp(sigma * rng.standard_normal(n))


def order_cents(rng: np.random.Generator, typical: np.ndarray, sigma: float = 0.25) -> np.ndarray:
    """Order amounts in whole cents around each order's typical value, never below one euro."""
    cents = typical * np.exp(sigma * rng.standard_normal(len(typical)))
    return np.maximum(np.rint(cents), 100).astype(np.int64)


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def intercept_for(scores: np.ndarray, target: float, weight: np.ndarray | None = None) -> float:
    """The intercept b with mean(weight · sigmoid(b + scores)) = target (bisection; weight defaults to 1)."""
    weight = np.ones_like(scores) if weight is None else weight
    low, high = -30.0, 30.0
    for _ in range(60):
        middle = (low + high) / 2
        if np.mean(weight * sigmoid(middle + scores)) < target:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def repeat_rows(counts: np.ndarray) -> np.ndarray:
    """Row positions repeated by their counts: [2, 0, 1] -> [0, 0, 2]."""
    return np.repeat(np.arange(len(counts), dtype=np.int64), counts)
