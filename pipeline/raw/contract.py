"""The raw data contract (docs/data-contract.md) as data: which files, which columns, which are required."""

from collections.abc import Callable
from dataclasses import dataclass

from pipeline import vocabulary


@dataclass(frozen=True)
class RawEntity:
    name: str
    required: bool
    required_columns: tuple[str, ...]
    optional_columns: tuple[str, ...] = ()
    # optional columns of which at least one is needed (order_items: a line's unit price or its total)
    one_of: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required_columns + self.optional_columns

    def missing(self, present: set[str]) -> list[str]:
        """The required columns not in `present`, and the first of `one_of` when none of them is."""
        missing = [c for c in self.required_columns if c not in present]
        if self.one_of and not present.intersection(self.one_of):
            missing.append(self.one_of[0])
        return missing

    def alternatives(self, missing: list[str], hint: Callable[[str], str] = lambda column: "") -> str:
        """`; order_items takes line_amount in place of unit_price` when the missing column has stand-ins,
        each followed by `hint(column)` (where the header may hold it)."""
        if not self.one_of or self.one_of[0] not in missing:
            return ""
        others = " or ".join(f"{column}{hint(column)}" for column in self.one_of[1:])
        return f"; {self.name} takes {others} in place of {self.one_of[0]}"


ENTITIES: tuple[RawEntity, ...] = (
    RawEntity(
        "orders",
        required=True,
        required_columns=("order_id", "customer_id", "ordered_at", "amount"),
        optional_columns=("status", "currency", "channel", "campaign_id"),
    ),
    # a line is priced by its unit price or its total (a basket file's sales value); with both, the total is
    # what the line cost (a unit price rounded to the cent times the quantity can miss it)
    RawEntity(
        "order_items",
        False,
        ("order_id", "product_id", "quantity"),
        ("unit_price", "line_amount"),
        one_of=("unit_price", "line_amount"),
    ),
    RawEntity("products", False, ("product_id",), ("name", "category", "price")),
    RawEntity(
        "customers",
        False,
        ("customer_id",),
        ("email", "phone", "created_at", "country", "email_opt_in", "sms_opt_in"),
    ),
    RawEntity("web_events", False, ("customer_id", "event_at", "event_type"), ("product_id",)),
    RawEntity("communications", False, ("customer_id", "channel", "sent_at"), ("campaign_id",)),
    # amount in the reporting currency = amount x rate_to_reporting, from `date` until the next rate
    RawEntity("exchange_rates", False, ("date", "currency", "rate_to_reporting")),
)

# Columns the loader reads per file in the shop's own format and rewrites as the contract's canonical text:
# timestamps and dates as ISO-8601 UTC, numbers with a decimal point and no thousands separator.
TIMESTAMP_COLUMNS: dict[str, tuple[str, ...]] = {
    "orders": ("ordered_at",),
    "customers": ("created_at",),
    "web_events": ("event_at",),
    "communications": ("sent_at",),
    "exchange_rates": ("date",),
}
NUMBER_COLUMNS: dict[str, tuple[str, ...]] = {
    "orders": ("amount",),
    "order_items": ("unit_price", "line_amount"),
    "products": ("price",),
    "exchange_rates": ("rate_to_reporting",),
}

# Why a raw order row is quarantined, in the order the cleaning rules apply: defined once, in the dbt seed
# quarantine_reasons.csv (dbt_project/models/intermediate/orders/int_orders_validated.sql applies them).
INVALID_REASONS: tuple[str, ...] = vocabulary.invalid_reasons()
QUARANTINE_REASONS: tuple[str, ...] = vocabulary.quarantine_reasons()

# Lineage columns added to every raw table so a rejected row can be found in its file.
SOURCE_FILE_COLUMN = "_source_file"
SOURCE_ROW_COLUMN = "_source_row"
