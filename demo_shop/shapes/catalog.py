"""The shapes' product catalogue (six categories, three products each) and the baskets drawn from it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# category -> (product name, price in cents); the order of categories is their code
_CATALOG: dict[str, tuple[tuple[str, int], ...]] = {
    "coffee": (("Espresso Beans 1 kg", 1890), ("Decaf Filter Roast 500 g", 1150), ("Origin Sampler", 2490)),
    "skincare": (("Daily Moisturiser", 2290), ("Mineral Sunscreen", 1690), ("Night Repair Serum", 3990)),
    "apparel": (("Linen Shirt", 5490), ("Wool Beanie", 2490), ("Rain Shell Jacket", 11900)),
    "toys": (("Wooden Train Set", 4490), ("Puzzle 1000 Pieces", 1990), ("Plush Fox", 1790)),
    "home": (("Cast Iron Skillet", 4990), ("Bath Towel Set", 3490), ("Ceramic Table Lamp", 7990)),
    "electronics": (("Wireless Headphones", 17900), ("Power Bank", 3990), ("Smart Plug Twin Pack", 2990)),
}
CATEGORIES: tuple[str, ...] = tuple(_CATALOG)
PER_CATEGORY = 3
# how often each category is bought when nothing else decides (sums to 1)
CATEGORY_WEIGHT = np.array([0.22, 0.20, 0.20, 0.12, 0.14, 0.12])

PRODUCT_NAMES: tuple[str, ...] = tuple(name for products in _CATALOG.values() for name, _ in products)
PRODUCT_CATEGORY = np.repeat(np.arange(len(CATEGORIES)), PER_CATEGORY)
PRICE_CENTS = np.array([price for products in _CATALOG.values() for _, price in products], dtype=np.int64)


def code(category: str) -> int:
    return CATEGORIES.index(category)


@dataclass(frozen=True)
class Items:
    """Order lines: the order's position among the shop's orders, the product's position, units."""

    order: np.ndarray
    product: np.ndarray
    quantity: np.ndarray

    @property
    def unit_cents(self) -> np.ndarray:
        return PRICE_CENTS[self.product]

    def order_totals(self, orders: int) -> np.ndarray:
        """Each order's amount in cents: the sum of its lines."""
        cents = np.bincount(self.order, weights=self.quantity * self.unit_cents, minlength=orders)
        return np.rint(cents).astype(np.int64)


def categories(rng: np.random.Generator, n: int, weight: np.ndarray = CATEGORY_WEIGHT) -> np.ndarray:
    """`n` category codes drawn with the given weights."""
    return np.searchsorted(np.cumsum(weight) / np.sum(weight), rng.random(n), side="right")


def baskets(rng: np.random.Generator, category: np.ndarray, lines: np.ndarray, stray: float = 0.1) -> Items:
    """Each order gets `lines` lines in its `category` (a share `stray` in any category); repeats merge."""
    order = np.repeat(np.arange(len(category), dtype=np.int64), lines)
    line_category = category[order].copy()
    strays = rng.random(len(order)) < stray
    line_category[strays] = categories(rng, int(strays.sum()))
    product = line_category * PER_CATEGORY + rng.integers(0, PER_CATEGORY, len(order))
    quantity = 1 + rng.poisson(0.25, len(order))
    # the same product twice in an order is one line with the units added up
    key = order * len(PRICE_CENTS) + product
    unique, inverse = np.unique(key, return_inverse=True)
    merged = np.bincount(inverse, weights=quantity).astype(np.int64)
    return Items(unique // len(PRICE_CENTS), unique % len(PRICE_CENTS), merged)
