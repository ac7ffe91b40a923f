"""Shopify's "Export orders" CSV (orders_export_1.csv, ...) mapped onto the contract's four shop files.

One row per line item; the order's own fields sit on its first row. Per order: `Name` (#1001) is the
order_id, `Email` (else `Phone` / `Billing Phone`) the customer key, `Created at` the time, `Total` the
amount in `Currency`. `Financial Status` gives the status: refunded -> refunded (nets to zero); voided or
expired, or a `Cancelled at` -> cancelled; anything else -> completed. A partly refunded order adds a
refund row (`<Name>-refund`, minus `Refunded Amount`, at the order's time: the export has no refund date).
Products are keyed by `Lineitem sku` (else `Lineitem name`), with `Vendor` as category (the export has no
product type). Customers carry e-mail, phone, `Billing Country` and `Accepts Marketing` as the e-mail opt-in.
"""

from pipeline.sources.presets.export_file import ExportFile
from pipeline.sources.presets.line_items import (
    customer_rows,
    group_orders,
    order_and_refund_rows,
    product_rows,
)

NAME = "shopify"
LABEL = "Shopify export"
SIGNATURE = ("Name", "Financial Status", "Lineitem quantity")
KNOWN = (*SIGNATURE, "Email", "Created at", "Total", "Currency", "Lineitem price", "Lineitem name")
FILE_PATTERN = "orders_export*.csv*"
# the export's own column for each contract column, for messages about the file
LABELS = {"order_id": "Name", "customer_id": "Email", "ordered_at": "Created at", "amount": "Total"}

_CANCELLED = {"voided", "expired"}


def _status(financial: str | None, cancelled_at: str | None) -> str:
    financial = (financial or "").strip().lower().replace(" ", "_")
    if cancelled_at or financial in _CANCELLED:
        return "cancelled"
    return "refunded" if financial == "refunded" else "completed"


def to_contract(export: ExportFile) -> dict[str, tuple[dict[str, list], list[int]]]:
    """Per contract entity: its columns and the export row each of its rows came from."""
    orders = group_orders(export.column("Name"))
    order_ids = [export.column("Name")[row] for row in orders.first_row]
    email = orders.field(export.column("Email"))
    phone = orders.field(
        [a or b for a, b in zip(export.column("Phone"), export.column("Billing Phone"), strict=True)]
    )
    customer = [e or p for e, p in zip(email, phone, strict=True)]
    created = orders.field(export.column("Created at"))
    total = orders.field(export.column("Total"))
    currency = orders.field(export.column("Currency"))
    status = [
        _status(f, c)
        for f, c in zip(
            orders.field(export.column("Financial Status")),
            orders.field(export.column("Cancelled at")),
            strict=True,
        )
    ]
    refunded = orders.field(export.column("Refunded Amount"))

    order_rows = order_and_refund_rows(
        orders, order_ids, customer, created, total, status, currency, refunded
    )

    sku, item_name = export.column("Lineitem sku"), export.column("Lineitem name")
    product = [s or n for s, n in zip(sku, item_name, strict=True)]
    item_rows = [row for row, order in enumerate(orders.order_of_row) if order >= 0 and product[row]]
    quantity, price = export.column("Lineitem quantity"), export.column("Lineitem price")
    items = {
        "order_id": [order_ids[orders.order_of_row[r]] for r in item_rows],
        "product_id": [product[r] for r in item_rows],
        "quantity": [quantity[r] for r in item_rows],
        "unit_price": [price[r] for r in item_rows],
    }
    vendor = export.column("Vendor")
    products, product_first_rows = product_rows(
        product, item_rows, {"name": item_name, "category": vendor, "price": price}
    )

    # one customer row per key; the latest order in the file speaks for the customer (exports run newest
    # first, so the first order seen)
    country = orders.field(export.column("Billing Country"))
    marketing = orders.field(export.column("Accepts Marketing", "Accepts Email Marketing"))  # newer exports
    sms = orders.field(export.column("Accepts SMS Marketing"))
    contacts = {
        "email": email,
        "phone": phone,
        "country": country,
        "email_opt_in": marketing,
        "sms_opt_in": sms,
    }
    customers, first = customer_rows(customer, contacts)
    return {
        **order_rows,
        "order_items": (items, item_rows),
        "products": (products, product_first_rows),
        "customers": (customers, [orders.first_row[i] for i in first]),
    }
