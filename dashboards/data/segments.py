"""Segment details page data: any segment, audience, lifecycle state, RFM segment or predictive cell with
its totals, per-customer measures and most bought products."""

import pandas as pd

from dashboards.published import Published

KIND_LABELS = {
    "category_segment": "Category segment",
    "audience": "Audience",
    "lifecycle_state": "Lifecycle state",
    "rfm_segment": "RFM segment",
    "predictive_cell": "Predictive cell",
}
PRODUCT_SORTS = ("units", "orders", "customers", "revenue")


def kinds(data: Published) -> list[str]:
    frame = data.sql("select distinct segment_kind from segment_details order by segment_kind")
    return frame["segment_kind"].tolist()


def segment_ids(data: Published, kind: str) -> pd.DataFrame:
    return data.sql(
        """
        select segment_id, segment_label, customers,
        from segment_details
        where segment_kind = $kind
        order by customers desc, segment_id
        """,
        {"kind": kind},
    )


def details(data: Published, kind: str, segment_id: str) -> pd.Series | None:
    frame = data.sql(
        """
        select segment_label, customers, share_of_customers, revenue, orders, products_bought,
               avg_product_price, lifetime_value, avg_order_value, avg_basket_size, revenue_per_year,
               customer_lifetime_days, days_between_orders, orders_per_year,
        from segment_details
        where segment_kind = $kind and segment_id = $segment_id
        """,
        {"kind": kind, "segment_id": segment_id},
    )
    return None if frame.empty else frame.iloc[0]


def popular_products(data: Published, kind: str, segment_id: str, sort_by: str = "units") -> pd.DataFrame:
    if sort_by not in PRODUCT_SORTS:
        raise ValueError(f"sort_by must be one of {PRODUCT_SORTS}, not {sort_by!r}")
    return data.sql(
        f"""
        select rank_by_units, product_name, category, units, orders, customers, revenue,
        from segment_popular_products
        where segment_kind = $kind and segment_id = $segment_id
        order by {sort_by} desc, rank_by_units
        """,
        {"kind": kind, "segment_id": segment_id},
    )
