"""Product recommendation page data: a category's buyers over time, its rule segments, popular products,
the ROI of targeting its top segments, and the audience upload rows."""

import pandas as pd

from dashboards.published import Published
from targeting.segments.roi import RoiSettings, segment_roi


def categories(data: Published) -> list[str]:
    if not data.has("category_segments"):
        return []
    frame = data.sql("select distinct category from category_segments order by category")
    return frame["category"].tolist()


def purchases_by_month(data: Published, category: str) -> pd.DataFrame:
    """Per month: customers who bought the category, all buying customers, and the share (purchase rate)."""
    return data.sql(
        """
        with category_buyers as (
            select date_trunc('month', ordered_date) as month, count(distinct customer_id) as buyers
            from fct_order_items
            where category = $category
            group by 1
        ),
        all_buyers as (
            select date_trunc('month', ordered_date) as month, count(distinct customer_id) as customers
            from fct_orders
            where not is_refund
            group by 1
        )
        select
            all_buyers.month,
            coalesce(category_buyers.buyers, 0) as buyers,
            all_buyers.customers,
            coalesce(category_buyers.buyers, 0) / all_buyers.customers as purchase_rate,
        from all_buyers
        left join category_buyers using (month)
        order by all_buyers.month
        """,
        {"category": category},
    )


def segments(data: Published, category: str) -> pd.DataFrame:
    """The category's rule segments, likeliest first, with the gain curve."""
    return data.sql(
        """
        select segment_rank, rule, customers, purchase_likelihood, expected_buyers,
               cumulative_customers, cumulative_expected_buyers, cumulative_buyer_share, lift,
               fallback_reason,
        from category_segments
        where category = $category
        order by segment_rank
        """,
        {"category": category},
    )


def selection_totals(segment_rows: pd.DataFrame, ranks: list[int]) -> dict[str, float]:
    """Customers, expected buyers and their likelihood over the chosen segments (any ranks, not only a
    top-k prefix)."""
    chosen = segment_rows[segment_rows["segment_rank"].isin(ranks)]
    customers = float(chosen["customers"].sum())
    expected = float(chosen["expected_buyers"].sum())
    return {
        "segments": len(chosen),
        "customers": customers,
        "expected_buyers": expected,
        "likelihood": expected / customers if customers else 0.0,
    }


def basket_bands(data: Published, category: str) -> pd.DataFrame:
    """The basket-value bands of popular_products ('all' first), with their value range."""
    return data.sql(
        """
        select basket_value_band, min(basket_value_min) as basket_value_min,
               max(basket_value_max) as basket_value_max,
        from popular_products
        where category = $category and grain = 'all'
        group by 1
        order by basket_value_band = 'all' desc, basket_value_band
        """,
        {"category": category},
    )


def popular_products(data: Published, category: str, band: str, top: int) -> pd.DataFrame:
    return data.sql(
        """
        select rank_by_units, product_name, product_id, units, orders, revenue,
        from popular_products
        where category = $category and basket_value_band = $band and grain = 'all'
        order by rank_by_units
        limit $top
        """,
        {"category": category, "band": band, "top": top},
    )


def published_roi_inputs(data: Published, category: str) -> dict[str, float]:
    """The cost per contact, margin and uplift the published segment_roi was computed with (read back from
    its first row), so the page opens on the pipeline's own figures; the library's defaults otherwise."""
    defaults = RoiSettings()
    frame = data.sql(
        """
        select cost / nullif(contacted_customers, 0) as cost_per_contact,
               (profit + cost) / nullif(incremental_revenue, 0) as margin,
               incremental_buyers / nullif(expected_buyers, 0) as uplift,
        from segment_roi
        where category = $category
        order by k
        limit 1
        """,
        {"category": category},
    )
    row = frame.iloc[0] if not frame.empty else {}
    return {
        name: round(float(row[name]), 4) if name in row and pd.notna(row[name]) else getattr(defaults, name)
        for name in ("cost_per_contact", "margin", "uplift")
    }


def roi(
    data: Published, category: str, cost_per_contact: float, margin: float, uplift: float
) -> pd.DataFrame:
    """segment_roi for the category recomputed with the page's campaign inputs (the published table holds
    the pipeline's defaults); the formula is the targeting library's own."""
    gain = data.sql(
        """
        select category, segment_rank, customers, purchase_likelihood,
        from category_segments
        where category = $category
        """,
        {"category": category},
    )
    aov = data.sql(
        "select any_value(average_order_value) as aov from segment_roi where category = $category",
        {"category": category},
    )["aov"].iloc[0]
    if gain.empty or pd.isna(aov):
        return pd.DataFrame()
    settings = RoiSettings(cost_per_contact=cost_per_contact, margin=margin, uplift=uplift)
    return segment_roi(gain, float(aov), settings)


def audiences(data: Published) -> pd.DataFrame:
    if not data.has("audiences"):
        return pd.DataFrame(columns=["audience", "channel", "category", "members", "control_members"])
    return data.sql(
        "select audience, description, channel, category, members, control_members, uploaded_members "
        "from audiences order by audience"
    )


def default_audiences(audiences: pd.DataFrame, category: str) -> list[str]:
    """The audiences built for the category, else the first ads audience (hashed contacts to upload)."""
    for_category = audiences.loc[audiences["category"] == category, "audience"].tolist()
    if for_category:
        return for_category
    ads = audiences.loc[audiences["channel"] == "ads", "audience"].tolist()
    return ads[:1]


def audience_upload(data: Published, chosen: list[str]) -> pd.DataFrame:
    """Rows to upload for the chosen audiences: the control group held out, contacts only as published
    (hashed for ads audiences, never plain e-mails or phones)."""
    columns = data.present(
        "audience_members",
        ["audience", "channel", "customer_id", "email_sha256", "phone_sha256", "phone_e164_sha256"],
    )
    if not chosen or not columns:
        return pd.DataFrame(columns=columns)
    return data.sql(
        f"""
        select {", ".join(columns)}
        from audience_members
        where audience in (select unnest($chosen)) and not is_control
        order by audience, customer_id
        """,
        {"chosen": chosen},
    )
