"""What a shape returns: a shop's orders as numpy arrays, with optional lines, campaigns and channels."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from demo_shop.shapes.catalog import Items

CHANNELS = ("organic", "direct", "email")


@dataclass(frozen=True)
class Shop:
    """One row per order, in any order (the writer sorts by time and numbers them).

    customer: customer number (0-based) · at: epoch seconds, UTC · cents: order amount in cents.
    campaign: campaign number per order, -1 for none · channel: position in CHANNELS.
    items: order lines (their `order` is a position in these arrays); amounts are then the lines' sum.
    currency: whether orders.csv carries a currency column (EUR).
    """

    customer: np.ndarray
    at: np.ndarray
    cents: np.ndarray
    campaign: np.ndarray | None = None
    channel: np.ndarray | None = None
    items: Items | None = None
    currency: bool = True

    def __post_init__(self) -> None:
        n = len(self.customer)
        columns = {"at": self.at, "cents": self.cents, "campaign": self.campaign, "channel": self.channel}
        for name, values in columns.items():
            if values is not None and len(values) != n:
                raise ValueError(f"Shop.{name} has {len(values)} values for {n} orders")
        if self.items is not None and len(self.items.order) and self.items.order.max() >= n:
            raise ValueError("Shop.items refers to an order that does not exist")

    @property
    def orders(self) -> int:
        return len(self.customer)
