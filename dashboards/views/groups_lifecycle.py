"""Customer groups and lifecycle page: the four frequency groups and their measures, active customers now
against 1, 3, 6 and 12 months ago, lifecycle growth by month, and the month's transition matrix."""

import streamlit as st

from dashboards import formatting as fmt
from dashboards.data import lifecycle as q
from dashboards.session import load, published

data = published()
currency = data.reporting_currency
st.title("Customer groups & lifecycle")

st.subheader("Frequency groups")
groups = load(q.customer_groups)
cols = st.columns(max(len(groups), 1))
for col, (_, row) in zip(cols, groups.iterrows(), strict=False):
    label = f"{row['frequency_group'].replace('_', ' ')} ({fmt.share(row['share_of_customers'])})"
    col.metric(label, fmt.count(row["customers"]))
st.dataframe(
    groups,
    hide_index=True,
    column_config={
        "share_of_customers": st.column_config.NumberColumn(format="percent"),
        "share_lost": st.column_config.NumberColumn(format="percent"),
        "revenue": st.column_config.NumberColumn(f"revenue ({currency})", format="%.2f"),
        "lifetime_value": st.column_config.NumberColumn(f"lifetime value ({currency})", format="%.2f"),
        "revenue_per_year": st.column_config.NumberColumn(f"revenue per year ({currency})", format="%.2f"),
    },
)

st.subheader("Active customers now vs earlier")
active = load(q.active_comparison)
if not active.empty:
    st.caption(
        f"At {active['month_end'].iloc[0]}: {fmt.count(active['active_now'].iloc[0])} active customers"
    )
    cols = st.columns(len(active))
    for col, (_, row) in zip(cols, active.iterrows(), strict=True):
        change = row["change_pct"]
        col.metric(
            f"vs {row['months_ago']} month{'s' if row['months_ago'] > 1 else ''} ago",
            fmt.count(row["active_then"]),
            None if change is None or change != change else f"{change:+.1f} %",
        )

st.subheader("Lifecycle growth")
frames = {"6 months": 6, "12 months": 12, "24 months": 24, "All": None}
frame = (
    st.segmented_control("Time frame", list(frames), default="12 months", key="growth_frame") or "12 months"
)
growth = load(q.growth, frames[frame])
st.bar_chart(
    growth,
    x="month_end",
    y=["new_customers", "active_customers", "slipping_customers", "lost_customers"],
    y_label="customers",
    height=280,
)

st.subheader("Transitions between lifecycle states")
months = load(q.transition_months)
if months:
    month_end = st.selectbox("Month end", months, key="transition_month")
    matrix = load(q.transitions, month_end)
    st.caption("Rows: state at the previous month end (none: first month); columns: state at this month end.")
    st.dataframe(matrix.style.background_gradient(cmap="Blues", axis=None))
