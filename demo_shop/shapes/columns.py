"""The data contract's file names that the shapes write (docs/data-contract.md).

They come from demo_shop/contract.py, which tests/unit/test_demo_contract.py checks against the pipeline's
contract; tests/unit/test_shop_shapes.py also loads every shape with the pipeline's raw loader.
"""

from demo_shop.contract import FILES

ORDERS = "orders"
ORDER_ITEMS = "order_items"
PRODUCTS = "products"

# every entity of the contract: a shape's folder may hold only the ones it writes
ENTITIES = FILES
SUFFIXES = (".csv", ".csv.gz", ".parquet")

CURRENCY = "EUR"
