"""CRM dashboard page (what a rented CRM dashboard sells): the base's freshness by time since the last
purchase, repeat customers and their share of revenue, best vs lost customers, and assisted sales."""

import streamlit as st

from dashboards import formatting as fmt
from dashboards.data import crm as q
from dashboards.session import load, published

data = published()
currency = data.reporting_currency
st.title("CRM dashboard")

months = st.select_slider(
    "Period", [3, 6, 12, 24, 36], value=12, format_func=lambda m: f"{m} months", key="crm_months"
)
latest = load(q.last_month, "customer_base_quality")
if latest is None:
    st.info("No monthly marts in this run.")
    st.stop()
since = q.months_back(latest, months)
st.caption(f"{since:%B %Y} – {latest:%B %Y}")

st.subheader("Base quality: customers by time since the last purchase")
quality = load(q.base_quality, since)
now = quality[quality["period_start"] == quality["period_start"].max()]
cols = st.columns(len(now))
for col, (_, row) in zip(cols, now.iterrows(), strict=True):
    col.metric(f"{row['band']} months ({fmt.share(row['share_of_base'])})", fmt.count(row["customers"]))
# the band's sort order leads its label, so the stack and legend run from fresh to lapsed
bands = quality.assign(
    months=[f"{o}: {b} months" for o, b in zip(quality["band_sort_order"], quality["band"], strict=True)]
)
st.bar_chart(bands, x="period_start", y="customers", color="months", y_label="customers", height=260)

st.subheader("Repeat customers")
overall = load(q.repeat_overall)
repeat = load(q.repeat_customers, since)
if not overall.empty:
    row = overall.iloc[0]
    cols = st.columns(3)
    cols[0].metric("Repeat customers (all time)", fmt.count(row["repeat_customers"]))
    cols[1].metric("Share of customers", fmt.share(row["repeat_customer_share"]))
    cols[2].metric("Share of revenue", fmt.share(row["repeat_revenue_share"]))
left, right = st.columns(2)
left.line_chart(
    repeat, x="period_start", y="repeat_customer_share", y_label="share with repeat purchases", height=240
)
right.line_chart(
    repeat, x="period_start", y="repeat_revenue_share", y_label="repeat customers' revenue share", height=240
)

st.subheader("Best (R5 F5 M5) vs lost (R1) customers")
best_lost = load(q.best_and_lost, since)
st.line_chart(
    best_lost, x="month_end", y=["best_customers", "lost_customers"], y_label="customers", height=240
)

st.subheader("Assisted sales")
assisted = load(q.assisted_sales, since)
left, right = st.columns(2)
left.bar_chart(
    assisted, x="period_start", y=["assisted_orders", "regular_orders"], y_label="orders", height=240
)
right.bar_chart(
    assisted,
    x="period_start",
    y=["assisted_revenue", "regular_revenue"],
    y_label=f"revenue ({currency})",
    height=240,
)
st.caption(
    f"Assisted over the period: {fmt.count(assisted['assisted_orders'].sum())} orders, "
    f"{fmt.money(assisted['assisted_revenue'].sum(), currency)}."
)
