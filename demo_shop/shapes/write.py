"""Writing a shape's shop into a raw folder in the data contract's layout: CSV files, a `_shape.json` marker.

Orders are sorted by time and numbered in that order; every value is text the contract reads as is
(ISO timestamps without offset, amounts with a `.` decimal). The same Shop always gives the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from demo_shop.shapes import columns
from demo_shop.shapes.catalog import CATEGORIES, PRICE_CENTS, PRODUCT_CATEGORY, PRODUCT_NAMES
from demo_shop.shapes.shop import CHANNELS, Shop

MARKER = "_shape.json"


class NotAShapeFolderError(FileExistsError):
    """The folder holds raw files no shape wrote there; they are never overwritten or mixed in."""


# rows built and written at a time: text columns of 100 M orders would pass Arrow's 2 GB string limit, and
# building them whole would hold several GB of text at once
CHUNK_ROWS = 5_000_000


def write_shop(shop: Shop, out: Path, about: dict[str, object]) -> dict[str, int]:
    """Write the shop into `out` (created if missing). Returns rows per file; `about` goes into the marker."""
    out = Path(out)
    _clear_previous_shape(out)
    out.mkdir(parents=True, exist_ok=True)
    order = np.lexsort((shop.customer, shop.at))
    position = np.empty(shop.orders, dtype=np.int64)
    position[order] = np.arange(shop.orders)
    id_width = max(6, len(str(shop.orders)))
    customer_width = max(5, len(str(int(shop.customer.max()) + 1))) if shop.orders else 5
    orders = (
        _orders_table(shop, order[rows], np.arange(rows.start, rows.stop) + 1, id_width, customer_width)
        for rows in _chunks(shop.orders)
    )
    rows = {columns.ORDERS: _write_csv(out / "orders.csv", orders)}
    if shop.items is not None:
        items = shop.items
        line_order = np.lexsort((items.product, position[items.order]))
        lines = (
            pa.table(
                {
                    "order_id": _ids("O", position[items.order[chunk]] + 1, id_width),
                    "product_id": _product_ids(items.product[chunk]),
                    "quantity": pa.array(items.quantity[chunk]).cast(pa.string()),
                    "unit_price": _money(items.unit_cents[chunk]),
                }
            )
            for chunk in (line_order[rows] for rows in _chunks(len(line_order)))
        )
        rows[columns.ORDER_ITEMS] = _write_csv(out / "order_items.csv", lines)
        rows[columns.PRODUCTS] = _write_csv(out / "products.csv", [_products_table()])
    files = {f"{name}.csv": count for name, count in rows.items()}
    marker = {**about, "files": files}
    (out / MARKER).write_text(json.dumps(marker, indent=2, sort_keys=True) + "\n")
    return files


def _chunks(rows: int) -> list[slice]:
    """Consecutive slices of at most CHUNK_ROWS covering `rows` (one empty slice for none, so an empty file
    still gets its header)."""
    return [slice(start, min(start + CHUNK_ROWS, rows)) for start in range(0, rows, CHUNK_ROWS)] or [
        slice(0, 0)
    ]


def _clear_previous_shape(out: Path) -> None:
    """Remove the files a previous shape wrote here; refuse a folder holding raw files of any other origin."""
    if not out.is_dir():
        return
    marker = out / MARKER
    if marker.is_file():
        for name in json.loads(marker.read_text()).get("files", {}):
            (out / Path(name).name).unlink(missing_ok=True)
        marker.unlink()
    elif any(out.iterdir()):
        raise NotAShapeFolderError(f"{out} is not empty and holds no {MARKER}: choose an empty or new folder")
    foreign = sorted(
        path.name
        for entity in columns.ENTITIES
        for path in [out / entity, *(out / f"{entity}{suffix}" for suffix in columns.SUFFIXES)]
        if path.exists()
    )
    if foreign:
        raise NotAShapeFolderError(
            f"{out} holds raw files a shape did not write ({', '.join(foreign)}): the pipeline would read "
            "them with the shape's; remove them or choose an empty folder"
        )


def _orders_table(
    shop: Shop, order: np.ndarray, numbers: np.ndarray, id_width: int, customer_width: int
) -> pa.Table:
    """The orders at positions `order` of the shop, numbered `numbers` (their place in time order)."""
    data: dict[str, pa.Array] = {
        "order_id": _ids("O", numbers, id_width),
        "customer_id": _ids("C", shop.customer[order] + 1, customer_width),
        "ordered_at": pa.array(np.datetime_as_string(shop.at[order].astype("datetime64[s]"), unit="s")),
        "amount": _money(shop.cents[order]),
    }
    if shop.currency:
        data["currency"] = pa.array(np.full(len(order), columns.CURRENCY))
    if shop.channel is not None:
        data["channel"] = pa.array(np.asarray(CHANNELS)[shop.channel[order]])
    if shop.campaign is not None:
        campaign = shop.campaign[order]
        ids = _ids("CMP-", np.maximum(campaign, 0) + 1, 3)
        data["campaign_id"] = pc.if_else(pa.array(campaign >= 0), ids, pa.scalar(None, pa.string()))
    return pa.table(data)


def _products_table() -> pa.Table:
    product = np.arange(len(PRICE_CENTS))
    return pa.table(
        {
            "product_id": _product_ids(product),
            "name": pa.array(PRODUCT_NAMES),
            "category": pa.array([CATEGORIES[c] for c in PRODUCT_CATEGORY]),
            "price": _money(PRICE_CENTS),
        }
    )


def _write_csv(path: Path, tables: Iterable[pa.Table]) -> int:
    """The tables one after another as one CSV file with one header; returns the rows written."""
    rows = 0
    with path.open("wb") as handle:
        for number, table in enumerate(tables):
            if number == 0:
                handle.write((",".join(table.column_names) + "\n").encode())
            options = pcsv.WriteOptions(include_header=False, quoting_style="none")
            pcsv.write_csv(table, handle, options)
            rows += table.num_rows
    return rows


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    digits = pc.utf8_lpad(pa.array(np.asarray(numbers, dtype=np.int64)).cast(pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, digits, "")


def _product_ids(product: np.ndarray) -> pa.Array:
    return _ids("P", product + 1, 2)


def _money(cents: np.ndarray) -> pa.Array:
    """Cents as text with a `.` decimal and two decimals: 1234 -> '12.34'."""
    cents = np.asarray(cents, dtype=np.int64)
    whole = pa.array(cents // 100).cast(pa.string())
    fraction = pc.utf8_lpad(pa.array(cents % 100).cast(pa.string()), 2, "0")
    return pc.binary_join_element_wise(whole, fraction, ".")
