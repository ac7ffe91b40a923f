"""Shop shapes: small deterministic shops of other shapes than the demo shop, written as raw folders.

Each shape is a documented function (customers, seed, end date) -> Shop whose docstring says what signal
it carries and why a recency × frequency rule cannot see it; `write_shape` writes one into a folder in
the data contract's layout (docs/data-contract.md). For tests in CI and benchmarks by hand:

    python -m demo_shop.shapes --list
    python -m demo_shop.shapes sparse_repeat --out /tmp/sparse --customers 20000 --seed 7

Like the demo generator, nothing here imports `pipeline` (only demo_shop/prepare.py reads its settings).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from demo_shop.shapes.registry import DEFAULT_END, DEFAULT_SEED, SHAPES, Shape
from demo_shop.shapes.write import MARKER, NotAShapeFolderError, write_shop

__all__ = ["DEFAULT_END", "DEFAULT_SEED", "MARKER", "SHAPES", "NotAShapeFolderError", "Shape", "write_shape"]


def write_shape(
    name: str, out: Path, customers: int | None = None, seed: int = DEFAULT_SEED, end: dt.date = DEFAULT_END
) -> dict[str, int]:
    """Write shape `name` into the folder `out`; returns rows per file written. Same arguments, same bytes."""
    if name not in SHAPES:
        raise KeyError(f"unknown shape {name!r}; shapes: {', '.join(SHAPES)}")
    shape = SHAPES[name]
    customers = shape.customers if customers is None else customers
    if customers < 1:
        raise ValueError(f"customers must be at least 1, not {customers}")
    shop = shape.build(customers, seed, end)
    about = {"shape": name, "customers": customers, "seed": seed, "end": end.isoformat()}
    return write_shop(shop, out, about)
