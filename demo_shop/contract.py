"""The data contract's files and columns as the demo shop writes them (docs/data-contract.md), hard-coded.

The demo shop is a source like any shop's export: it does not import `pipeline`.
tests/unit/test_demo_contract.py checks these lists against the pipeline's contract (pipeline/raw/contract.py
and the quarantine reasons seed), so a drift fails there rather than in a run.
"""

FILES = ("orders", "order_items", "products", "customers", "web_events", "communications", "exchange_rates")
COLUMNS: dict[str, tuple[str, ...]] = {
    "orders": (
        "order_id",
        "customer_id",
        "ordered_at",
        "amount",
        "status",
        "currency",
        "channel",
        "campaign_id",
    ),
    "order_items": ("order_id", "product_id", "quantity", "unit_price"),
    "products": ("product_id", "name", "category", "price"),
    "customers": ("customer_id", "email", "phone", "created_at", "country", "email_opt_in", "sms_opt_in"),
    "web_events": ("customer_id", "event_at", "event_type", "product_id"),
    "communications": ("customer_id", "channel", "sent_at", "campaign_id"),
    "exchange_rates": ("date", "currency", "rate_to_reporting"),
}

# Why the pipeline quarantines an invalid order row, in the order its cleaning rules apply
# (dbt_project/seeds/quarantine_reasons.csv): the demo writes one kind of dirty row per reason.
INVALID_REASONS = (
    "missing_order_id",
    "missing_customer_id",
    "missing_timestamp",
    "unparseable_timestamp",
    "future_timestamp",
    "missing_amount",
    "non_numeric_amount",
    "unknown_currency",
    "missing_exchange_rate",
    "unknown_status",
)
