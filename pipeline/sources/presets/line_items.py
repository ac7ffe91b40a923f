"""Exports with one row per line item: which rows belong to one order, and the order's own fields.

Shopify and WooCommerce write order-level fields (total, status, e-mail, ...) on an order's first line
item only (Shopify always; WooCommerce as configured). An order's rows are the row with its key and the
rows after it with the same or a blank key; an order-level field is the first value among its rows.
"""

from collections.abc import Sequence
from dataclasses import dataclass

# a partly refunded order adds a refund row: its order_id is the order's with this suffix, its amount negative
REFUND_SUFFIX = "-refund"


def negative(amount: str) -> str:
    """The refund row's amount: minus the refunded amount, whichever sign the export gave it."""
    return "-" + amount.lstrip("-")


def is_refund(amount: str | None) -> bool:
    """A refunded amount that is there and not zero."""
    return bool(amount and amount.lstrip("+-").strip("0.,"))


@dataclass(frozen=True)
class Orders:
    first_row: list[int]  # per order: its first row (0-based)
    order_of_row: list[int]  # per row: its order's index; -1 for rows before any key

    def field(self, values: Sequence[str | None]) -> list[str | None]:
        """Per order: the first non-blank value among its rows."""
        found: list[str | None] = [None] * len(self.first_row)
        for row, order in enumerate(self.order_of_row):
            if order >= 0 and found[order] is None and values[row] is not None:
                found[order] = values[row]
        return found


def group_orders(keys: Sequence[str | None]) -> Orders:
    first_row: list[int] = []
    order_of_row: list[int] = []
    current_key = None
    for row, key in enumerate(keys):
        if key is not None and key != current_key:
            current_key = key
            first_row.append(row)
        order_of_row.append(len(first_row) - 1)
    return Orders(first_row, order_of_row)


def order_and_refund_rows(
    orders: Orders, order_ids, customer, created, total, status, currency, refunded
) -> dict[str, tuple[dict[str, list], list[int]]]:
    """The contract's order rows (one per order) and refund rows (one per partly refunded, completed order).

    Refund rows are their own entity here: they come from the same export row as their order, and the
    loader files them under '<export> (refunds)' so each raw row keeps a lineage of its own.
    """
    columns = ("order_id", "customer_id", "ordered_at", "amount", "status", "currency")
    out = {"orders": ({c: [] for c in columns}, []), "refunds": ({c: [] for c in columns}, [])}
    for i, order_id in enumerate(order_ids):
        rows = [("orders", (order_id, customer[i], created[i], total[i], status[i], currency[i]))]
        if status[i] == "completed" and is_refund(refunded[i]):
            refund = (
                f"{order_id}{REFUND_SUFFIX}",
                customer[i],
                created[i],
                negative(refunded[i]),
                "completed",
            )
            rows.append(("refunds", (*refund, currency[i])))
        for entity, values in rows:
            for column, value in zip(columns, values, strict=True):
                out[entity][0][column].append(value)
            out[entity][1].append(orders.first_row[i])
    return out


def customer_rows(
    customer: list[str | None], contacts: dict[str, list[str | None]]
) -> tuple[dict[str, list[str | None]], list[int]]:
    """One customers row per key, from the order that first names it (exports list newest first, so the
    latest order speaks for the customer): the contract's customer columns and the orders they came from."""
    seen: dict[str, int] = {}
    for i, key in enumerate(customer):
        if key is not None:
            seen.setdefault(key, i)
    columns = {"customer_id": list(seen)}
    columns |= {name: [values[i] for i in seen.values()] for name, values in contacts.items()}
    return columns, list(seen.values())


def product_rows(
    product: list[str | None], item_rows: list[int], fields: dict[str, list[str | None]]
) -> tuple[dict[str, list[str | None]], list[int]]:
    """One products row per product id, from its first line item: the contract's product columns (from
    `fields`, each indexed by export row) and the export rows they came from."""
    first_seen: dict[str | None, int] = {}
    for row in item_rows:
        first_seen.setdefault(product[row], row)
    columns = {"product_id": list(first_seen)}
    columns |= {name: [values[r] for r in first_seen.values()] for name, values in fields.items()}
    return columns, list(first_seen.values())
