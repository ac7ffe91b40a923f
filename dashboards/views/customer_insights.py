"""Customer insights page (what a customer-insights portal sells): new vs returning customers and their
revenue over a chosen period, spend by purchase number, time since the last purchase, and a drill-down
from years to one day's orders."""

from datetime import date

import streamlit as st

from dashboards import formatting as fmt
from dashboards.data import insights as q
from dashboards.session import load, published

data = published()
currency = data.reporting_currency
st.title("Customer insights")

first, last = load(q.period_bounds)
left, middle = st.columns([2, 1])
period = left.date_input(
    "Period", (max(first, date(last.year - 1, last.month, 1)), last), first, last, key="period"
)
grain = middle.radio("By", ["month", "day", "year"], horizontal=True, key="grain")
start, end = period if len(period) == 2 else (period[0], last)  # one date picked so far: up to the end

rows = load(q.new_vs_returning, grain, start, end)
st.subheader("New vs returning customers")
left, right = st.columns(2)
left.bar_chart(
    rows, x="period_start", y=["new_customers", "returning_customers"], y_label="customers", height=260
)
right.bar_chart(
    rows,
    x="period_start",
    y=["new_revenue", "returning_revenue"],
    y_label=f"revenue ({currency})",
    height=260,
)
totals = q.period_totals(rows)
cols = st.columns(4)
for col, (_, row) in zip(cols[:2], totals.iterrows(), strict=False):
    col.metric(f"Average order, {row['kind']}", fmt.money(row["avg_order_value"], currency))
for col, (_, row) in zip(cols[2:], totals.iterrows(), strict=False):
    col.metric(f"Sales per customer, {row['kind']}", fmt.money(row["sales_per_customer"], currency))
st.dataframe(totals, hide_index=True)

st.subheader("Spend by purchase number")
sequence = load(q.purchase_sequence)
left, right = st.columns(2)
left.bar_chart(
    sequence,
    x="purchase_number_label",
    y="avg_order_value",
    x_label="purchase number",
    y_label=f"average order ({currency})",
    sort=False,
    height=240,
)
right.bar_chart(
    sequence,
    x="purchase_number_label",
    y="customers_reaching",
    x_label="purchase number",
    y_label="customers reaching it",
    sort=False,
    height=240,
)

st.subheader("Time since the last purchase")
recency = load(q.time_since_last_purchase)
st.bar_chart(
    recency, x="months_since", y="customers", x_label="months since the last purchase (24 = 24+)", height=220
)

st.subheader("Drill down")
years = load(q.drill, "year")
st.dataframe(years, hide_index=True)
year = st.selectbox(
    "Year",
    years["period_start"].tolist(),
    index=len(years) - 1,
    format_func=lambda d: str(d.year),
    key="drill_year",
)
months = load(q.drill, "month", year, date(year.year, 12, 31))
# one bar per month and per day, labelled, rather than thin bars on a time axis
st.bar_chart(
    months.assign(month=[f"{d:%b}" for d in months["period_start"]]),
    x="month",
    y="revenue",
    y_label=f"revenue ({currency})",
    sort=False,
    height=200,
)
month = st.selectbox(
    "Month",
    months["period_start"].tolist(),
    index=len(months) - 1,
    format_func=lambda d: f"{d:%B %Y}",
    key="drill_month",
)
month_end = date(month.year + month.month // 12, month.month % 12 + 1, 1)
days = load(q.drill, "day", month, month_end)
days = days[days["period_start"] < month_end]
st.bar_chart(
    days.assign(day=[f"{d:%d}" for d in days["period_start"]]),
    x="day",
    y="revenue",
    y_label=f"revenue ({currency})",
    sort=False,
    height=200,
)
day = st.selectbox(
    "Day",
    days["period_start"].tolist(),
    index=len(days) - 1,
    format_func=lambda d: f"{d:%a %d %b %Y}",
    key="drill_day",
)
orders = load(q.orders_of_day, day)
st.caption(f"{len(orders):,} orders, {fmt.money(orders['amount'].sum(), currency)} net")
st.dataframe(orders, hide_index=True)
