"""Segment details page: any category segment, audience, lifecycle state, RFM segment or predictive cell
with its totals, per-customer measures and most bought products."""

import streamlit as st

from dashboards import formatting as fmt
from dashboards.data import segments as q
from dashboards.session import load, published

data = published()
currency = data.reporting_currency
st.title("Segment details")

kinds = load(q.kinds)
if not kinds:
    st.info("No segment details in this run.")
    st.stop()
left, right = st.columns([1, 2])
kind = left.selectbox("Kind", kinds, format_func=lambda k: q.KIND_LABELS.get(k, k), key="segment_kind")
ids = load(q.segment_ids, kind)
labels = dict(zip(ids["segment_id"], ids["segment_label"], strict=True))
segment_id = right.selectbox(
    "Segment",
    ids["segment_id"].tolist(),
    format_func=lambda s: s if labels.get(s) in (None, s) else f"{s}: {labels[s]}",
    key="segment_id",
)
row = load(q.details, kind, segment_id)
if row is None:
    st.info("This segment has no details in this run.")
    st.stop()

st.subheader("Totals")
cols = st.columns(4)
cols[0].metric(f"Customers ({fmt.share(row['share_of_customers'])} of all)", fmt.count(row["customers"]))
cols[1].metric("Revenue", fmt.money(row["revenue"], currency))
cols[2].metric("Orders", fmt.count(row["orders"]))
cols[3].metric("Products bought", fmt.count(row["products_bought"]))

st.subheader("Per customer")
cols = st.columns(4)
cols[0].metric("Lifetime value", fmt.money(row["lifetime_value"], currency))
cols[1].metric("Average order", fmt.money(row["avg_order_value"], currency))
cols[2].metric("Basket size", fmt.number(row["avg_basket_size"], 2))
cols[3].metric("Average product price", fmt.money(row["avg_product_price"], currency))
cols = st.columns(4)
cols[0].metric("Revenue per year", fmt.money(row["revenue_per_year"], currency))
cols[1].metric("Orders per year", fmt.number(row["orders_per_year"], 2))
cols[2].metric("Days between orders", fmt.number(row["days_between_orders"], 1))
cols[3].metric("Customer lifetime (days)", fmt.number(row["customer_lifetime_days"], 0))

st.subheader("Popular products")
sort_by = st.radio("Sort by", q.PRODUCT_SORTS, horizontal=True, key="product_sort")
products = load(q.popular_products, kind, segment_id, sort_by)
st.dataframe(
    products,
    hide_index=True,
    column_config={"revenue": st.column_config.NumberColumn(f"revenue ({currency})", format="%.2f")},
)
