"""WooCommerce's orders CSV export mapped onto orders, order_items, products and customers.

WooCommerce itself exports no orders; shops use an export plugin. The names are those of the widely used
"Advanced Order Export For WooCommerce" (its field labels: Order Number, Order Status, Order Date,
Customer User Id, Email (Billing), Phone (Billing), Country Code (Billing), Order Total Amount, Currency;
per product row Item #, SKU, Name, Quantity, Price), with the spellings of later versions and other
plugins beside them (Order ID, Billing Email, Item Name, Item Cost, Order Refund Amount, ...). Products
must be exported as rows (one row per line item), not as repeated columns. A guest's Customer User Id
is 0 or blank: the billing e-mail is the key then. `Item #` is the line's position in the order, not a
product, and is not used. Status (with or without `wc-`): refunded -> refunded; cancelled, failed,
pending, checkout-draft, trash -> cancelled; completed, processing, on-hold -> completed; others pass
through (and are quarantined as unknown_status). A partly refunded order adds a refund row.
"""

from pipeline.sources.presets.export_file import ExportFile
from pipeline.sources.presets.line_items import (
    customer_rows,
    group_orders,
    order_and_refund_rows,
    product_rows,
)

NAME = "woocommerce"
LABEL = "WooCommerce export"
SIGNATURE = ("Order Date", "Order Status")
ORDER_ID = ("Order ID", "Order Number", "Order No")
TOTAL = ("Order Total Amount", "Order Total")
EMAIL = ("Billing Email", "Email (Billing)", "Customer Email")
PHONE = ("Billing Phone", "Phone (Billing)")
KNOWN = (*SIGNATURE, *ORDER_ID, *TOTAL, *EMAIL, "Customer User ID", "Item Name", "Quantity", "Item Cost")
FILE_PATTERN = None  # plugins name files as the shop configures: recognised by header only
LABELS = {
    "order_id": "Order ID",
    "customer_id": "Customer User ID",
    "ordered_at": "Order Date",
    "amount": "Order Total Amount",
}

_STATUS = {
    "refunded": "refunded",
    **dict.fromkeys(("cancelled", "failed", "pending", "checkout-draft", "trash"), "cancelled"),
    **dict.fromkeys(("completed", "processing", "on-hold"), "completed"),
}


def _status(status: str | None) -> str | None:
    if status is None:
        return None
    plain = status.strip().lower().removeprefix("wc-").replace(" ", "-")
    return _STATUS.get(plain, plain)


def to_contract(export: ExportFile) -> dict[str, tuple[dict[str, list], list[int]]]:
    """Per contract entity: its columns and the export row each of its rows came from."""
    keys = export.column(*ORDER_ID)
    orders = group_orders(keys)
    order_ids = [keys[row] for row in orders.first_row]
    user = [u if u not in (None, "0") else None for u in orders.field(export.column("Customer User ID"))]
    email = orders.field(export.column(*EMAIL))
    phone = orders.field(export.column(*PHONE))
    customer = [u or e or p for u, e, p in zip(user, email, phone, strict=True)]
    created = orders.field(export.column("Order Date"))
    total = orders.field(export.column(*TOTAL))
    currency = orders.field(export.column("Order Currency", "Currency"))
    status = [_status(s) for s in orders.field(export.column("Order Status"))]
    refunded = orders.field(export.column("Order Refund Amount", "Refund Amount"))

    order_rows = order_and_refund_rows(
        orders, order_ids, customer, created, total, status, currency, refunded
    )

    item_name = export.column("Item Name", "Product Name", "Name")
    product = [
        p or s or n
        for p, s, n in zip(export.column("Product ID"), export.column("SKU"), item_name, strict=True)
    ]
    item_rows = [row for row, order in enumerate(orders.order_of_row) if order >= 0 and product[row]]
    quantity, price = export.column("Quantity", "Qty"), export.column("Item Cost", "Item Price", "Price")
    items = {
        "order_id": [order_ids[orders.order_of_row[r]] for r in item_rows],
        "product_id": [product[r] for r in item_rows],
        "quantity": [quantity[r] for r in item_rows],
        "unit_price": [price[r] for r in item_rows],
    }
    category = export.column("Category", "Product Categories")
    products, product_first_rows = product_rows(
        product, item_rows, {"name": item_name, "category": category, "price": price}
    )

    country = orders.field(export.column("Billing Country", "Country Code (Billing)"))
    # WooCommerce records no marketing consent: opt-ins stay empty (false), contacts serve ads audiences only
    customers, first = customer_rows(customer, {"email": email, "phone": phone, "country": country})
    return {
        **order_rows,
        "order_items": (items, item_rows),
        "products": (products, product_first_rows),
        "customers": (customers, [orders.first_row[i] for i in first]),
    }
