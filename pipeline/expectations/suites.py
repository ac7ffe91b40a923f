"""The expectation suites, as data: one function per published table, returning its GX expectations.

These restate, in a second tool, the promises each published table makes to its readers (the .yml beside
each dbt model documents them). Some overlap with dbt tests on purpose; the ones dbt does not test (the
currency code's shape, amounts that may never be negative) are why the suites exist.

Great Expectations is imported on first use, not with this module: it costs seconds of CPU, and the Dagster
definitions (which only need the table names in SUITES) load without it.
"""

from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING

from pipeline import vocabulary

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation


def _gxe() -> ModuleType:
    import great_expectations.expectations as gxe

    return gxe


def fct_orders() -> list["Expectation"]:
    """One row per order_id with customer, time and amount filled in; currency a three-letter ISO 4217
    code; status completed or refunded; gross and refunded amounts never negative."""
    gxe = _gxe()
    return [
        gxe.ExpectColumnValuesToNotBeNull(column="order_id"),
        gxe.ExpectColumnValuesToBeUnique(column="order_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="customer_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="ordered_at"),
        gxe.ExpectColumnValuesToNotBeNull(column="amount"),
        # an ISO 4217 code; dbt only checks it against the var accepted_currencies, which an analyst edits
        gxe.ExpectColumnValuesToMatchRegex(column="currency", regex=r"^[A-Z]{3}$"),
        gxe.ExpectColumnValuesToNotBeNull(column="is_refund"),
        gxe.ExpectColumnValuesToBeInSet(column="is_refund", value_set=[True, False]),
        gxe.ExpectColumnValuesToBeInSet(column="status", value_set=["completed", "refunded"]),
        gxe.ExpectColumnValuesToBeBetween(column="gross_amount", min_value=0),
        gxe.ExpectColumnValuesToBeBetween(column="refunded_amount", min_value=0),
    ]


def quarantined_orders() -> list["Expectation"]:
    """Every rejected row has a reason from the raw contract's list, a reason_kind (invalid or excluded)
    and the source_file and source_row it came from."""
    gxe = _gxe()
    return [
        gxe.ExpectColumnValuesToNotBeNull(column="reason"),
        gxe.ExpectColumnValuesToBeInSet(column="reason", value_set=list(vocabulary.quarantine_reasons())),
        gxe.ExpectColumnValuesToNotBeNull(column="reason_kind"),
        gxe.ExpectColumnValuesToBeInSet(column="reason_kind", value_set=list(vocabulary.reason_kinds())),
        gxe.ExpectColumnValuesToNotBeNull(column="source_file"),
        gxe.ExpectColumnValuesToNotBeNull(column="source_row"),
    ]


def customers() -> list["Expectation"]:
    """One row per customer_id; R, F and M scores from 1 to 5; a known lifecycle_state and
    frequency_group; revenue filled in."""
    gxe = _gxe()
    return [
        gxe.ExpectColumnValuesToNotBeNull(column="customer_id"),
        gxe.ExpectColumnValuesToBeUnique(column="customer_id"),
        *(
            gxe.ExpectColumnValuesToBeBetween(column=score, min_value=1, max_value=5)
            for score in ("r_score", "f_score", "m_score")
        ),
        *(
            gxe.ExpectColumnValuesToBeInSet(column=column, value_set=list(values()))
            for column, values in (
                ("lifecycle_state", vocabulary.lifecycle_states),
                ("frequency_group", vocabulary.frequency_groups),
                ("rfm_segment", vocabulary.rfm_segments),
            )
        ),
        gxe.ExpectColumnValuesToNotBeNull(column="revenue"),
    ]


# published table -> its suite; a table listed here gets a blocking check when dbt has the model
SUITES: dict[str, Callable[[], list["Expectation"]]] = {
    "fct_orders": fct_orders,
    "quarantined_orders": quarantined_orders,
    "customers": customers,
}
