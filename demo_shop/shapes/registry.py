"""Every shape by name, with its default size: the one list the CLI, the tests and the benchmarks read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from demo_shop.shapes.basket_trend import basket_trend
from demo_shop.shapes.campaign_response import campaign_response
from demo_shop.shapes.category_drift import category_drift
from demo_shop.shapes.one_time_heavy import one_time_heavy
from demo_shop.shapes.orders_only import orders_only
from demo_shop.shapes.random_timing import random_timing
from demo_shop.shapes.seasonal import seasonal
from demo_shop.shapes.shop import Shop
from demo_shop.shapes.short_history import short_history
from demo_shop.shapes.sparse_repeat import sparse_repeat
from demo_shop.shapes.strict_cadence import strict_cadence
from demo_shop.shapes.tiny import tiny

DEFAULT_END = dt.date(2026, 6, 30)
DEFAULT_SEED = 42

Build = Callable[[int, int, dt.date], Shop]


@dataclass(frozen=True)
class Shape:
    name: str
    build: Build  # (customers, seed, last day of the history) -> Shop
    customers: int  # the default size: small enough for CI

    @property
    def description(self) -> str:
        """The first line of the shape's docstring."""
        return (self.build.__doc__ or "").strip().splitlines()[0]


SHAPES: dict[str, Shape] = {
    shape.name: shape
    for shape in (
        Shape("tiny", tiny, 60),
        Shape("random_timing", random_timing, 300),
        Shape("strict_cadence", strict_cadence, 800),
        Shape("short_history", short_history, 500),
        Shape("one_time_heavy", one_time_heavy, 1000),
        Shape("orders_only", orders_only, 500),
        Shape("sparse_repeat", sparse_repeat, 2000),
        Shape("seasonal", seasonal, 1500),
        Shape("campaign_response", campaign_response, 1500),
        Shape("category_drift", category_drift, 1500),
        Shape("basket_trend", basket_trend, 1000),
    )
}
