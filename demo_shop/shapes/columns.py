"""The data contract's file and column names that the shapes write (docs/data-contract.md), hard-coded.

demo_shop does not import `pipeline`; tests/unit/test_shop_shapes.py loads every shape with the pipeline's
raw loader, so a drift between these names and the contract fails there.
"""

ORDERS = "orders"
ORDER_ITEMS = "order_items"
PRODUCTS = "products"

ORDER_REQUIRED = ("order_id", "customer_id", "ordered_at", "amount")
ORDER_OPTIONAL = ("status", "currency", "channel", "campaign_id")
ORDER_ITEM_COLUMNS = ("order_id", "product_id", "quantity", "unit_price")
PRODUCT_COLUMNS = ("product_id", "name", "category", "price")

# every entity of the contract: a shape's folder may hold only the ones it writes
ENTITIES = (ORDERS, ORDER_ITEMS, PRODUCTS, "customers", "web_events", "communications", "exchange_rates")
SUFFIXES = (".csv", ".csv.gz", ".parquet")

CURRENCY = "EUR"
