"""Which header columns probably hold a missing contract column: known synonyms, then near spellings."""

import difflib
import re

# what shop systems and spreadsheets call the contract's columns (Shopify, WooCommerce, hand-made exports)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "order_id": ("name", "order id", "order number", "order no", "order", "id", "order_number"),
    "customer_id": (
        "email",
        "customer id",
        "customer email",
        "billing email",
        "customer user id",
        "customer",
    ),
    "ordered_at": ("created at", "order date", "date", "created", "paid at", "timestamp", "purchase date"),
    "amount": ("total", "order total", "order total amount", "grand total", "total price", "revenue"),
    "product_id": ("lineitem sku", "sku", "product id", "item #", "item id"),
    "quantity": ("lineitem quantity", "qty", "item quantity"),
    "unit_price": ("lineitem price", "item cost", "price", "unit price"),
    "line_amount": ("line total", "line amount", "item total", "sales value", "line subtotal"),
}


def _key(name: str) -> str:
    return re.sub(r"[\s_\-]+", " ", name.strip().lower())


def near_matches(column: str, header: list[str], taken: set[str] = frozenset()) -> list[str]:
    """The header's columns that may be `column`: synonyms first, then close spellings (difflib)."""
    by_key = {_key(name): name for name in header if name.strip() and name not in taken}
    found = [by_key[s] for s in SYNONYMS.get(column, ()) if s in by_key]
    keys = list(by_key)
    close = difflib.get_close_matches(_key(column), keys, n=2, cutoff=0.6)
    # a misspelt synonym too ('Totl' for Total)
    for synonym in SYNONYMS.get(column, ()):
        close += difflib.get_close_matches(synonym, keys, n=1, cutoff=0.8)
    return list(dict.fromkeys(found + [by_key[k] for k in close]))


def maybe_hint(column: str, header: list[str], taken: set[str] = frozenset()) -> str:
    """` (maybe 'Created at')`: the header's likely columns for `column`, or nothing."""
    maybe = near_matches(column, header, taken)
    return f" (maybe {' or '.join(repr(m) for m in maybe)})" if maybe else ""


def missing_columns_sentence(missing: list[str], header: list[str], taken: set[str] = frozenset()) -> str:
    """`'ordered_at' (maybe 'Created at'), 'amount' (maybe 'Total')`: every missing column with its hints;
    `taken` are header columns already matched to the contract, never suggested."""
    return ", ".join(f"'{column}'{maybe_hint(column, header, taken)}" for column in missing)
