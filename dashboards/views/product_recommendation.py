"""Product recommendation page (what Enhencer and Clerk.io sell): per category, who buys it over time, the
rule segments likeliest to buy it, its popular products, the ROI of targeting the top segments, and the
upload file of the chosen audiences."""

import streamlit as st

from dashboards import formatting as fmt
from dashboards.data import recommendation as q
from dashboards.session import load, published


def _band_label(band: str, bands, currency: str) -> str:
    row = bands[bands["basket_value_band"] == band].iloc[0]
    name = "all baskets" if band == "all" else f"quartile {band}"
    return f"{name} ({row['basket_value_min']:,.0f}–{row['basket_value_max']:,.0f} {currency})"


data = published()
currency = data.reporting_currency
st.title("Product recommendation")

categories = load(q.categories)
if not categories:
    st.info("No category segments in this run: they need order items with categories.")
    st.stop()
category = st.selectbox("Category", categories, key="category")

st.subheader(f"Customers buying {category} per month")
monthly = load(q.purchases_by_month, category)
left, right = st.columns(2)
left.bar_chart(monthly, x="month", y="buyers", y_label="customers", height=260)
right.line_chart(monthly, x="month", y="purchase_rate", y_label="share of buying customers", height=260)

st.subheader("Segments likeliest to buy")
segments = load(q.segments, category)
shown = segments[["segment_rank", "rule", "customers", "purchase_likelihood", "expected_buyers", "lift"]]
st.dataframe(
    shown,
    hide_index=True,
    column_config={
        "segment_rank": st.column_config.NumberColumn("#"),
        "rule": st.column_config.TextColumn("Rule", width="large"),
        "purchase_likelihood": st.column_config.ProgressColumn("Likelihood", format="percent"),
        "expected_buyers": st.column_config.NumberColumn("Expected buyers", format="%.1f"),
        "lift": st.column_config.NumberColumn("Lift", format="%.2f"),
    },
)
if segments["fallback_reason"].notna().any():
    st.caption(f"Fallback: {segments['fallback_reason'].dropna().iloc[0]}")

ranks = segments["segment_rank"].tolist()
chosen = st.multiselect("Segments to target", ranks, default=ranks[:3], key="segments")
totals = q.selection_totals(segments, chosen)
cols = st.columns(4)
cols[0].metric("Segments", totals["segments"])
cols[1].metric("Customers", fmt.count(totals["customers"]))
cols[2].metric("Expected buyers", fmt.number(totals["expected_buyers"], 1))
cols[3].metric("Cumulative likelihood", fmt.share(totals["likelihood"]))
st.line_chart(
    segments,
    x="cumulative_customers",
    y="cumulative_expected_buyers",
    x_label="customers contacted (top k)",
    y_label="expected buyers",
    height=220,
)

st.subheader("Popular products")
bands = load(q.basket_bands, category)
left, right = st.columns([1, 2])
top = left.slider("Products shown", 1, 20, 5, key="top_products")
band = right.selectbox(
    "Basket size",
    bands["basket_value_band"].tolist(),
    format_func=lambda b: _band_label(b, bands, currency),
    key="basket_band",
)
st.dataframe(load(q.popular_products, category, band, top), hide_index=True)

st.subheader("Return on targeting the top k segments")
inputs = load(q.published_roi_inputs, category)  # the pipeline's own settings, as first values
left, middle, right = st.columns(3)
cost = left.number_input(
    f"Cost per contact ({currency})", 0.0, 100.0, inputs["cost_per_contact"], 0.05, key="cost"
)
margin = middle.slider("Margin", 0.0, 1.0, inputs["margin"], 0.01, key="margin")
uplift = right.slider(
    "Uplift (extra buyers per expected buyer)", 0.0, 1.0, inputs["uplift"], 0.01, key="uplift"
)
roi = load(q.roi, category, cost, margin, uplift)
if roi.empty:
    st.info("No ROI for this category: it has no average order value in this run.")
else:
    st.bar_chart(roi, x="k", y="profit", y_label=f"profit ({currency})", height=240)
    money = st.column_config.NumberColumn(format="%.2f")
    st.dataframe(
        roi[
            ["k", "contacted_customers", "incremental_buyers", "incremental_revenue", "cost", "profit", "roi"]
        ],
        hide_index=True,
        column_config={
            "incremental_buyers": st.column_config.NumberColumn(format="%.1f"),
            "incremental_revenue": money,
            "cost": money,
            "profit": money,
            "roi": money,
        },
    )
    best = roi[roi["is_best_k"]]
    st.caption(
        f"Best k: {int(best['k'].iloc[0])} ({fmt.money(best['profit'].iloc[0], currency)} profit)"
        if not best.empty
        else "No k pays at these inputs: contacting nobody is best."
    )

st.subheader("Audience upload file")
audiences = load(q.audiences)
picked = st.multiselect(
    "Audiences",
    audiences["audience"].tolist(),
    default=q.default_audiences(audiences, category),
    key="audiences",
    help="Rows of audience_members: the control group is held out; ads audiences carry hashed contacts.",
)
upload = load(q.audience_upload, picked)
st.caption(f"{len(upload):,} customers to upload (control group held out).")
st.download_button(
    "Download CSV",
    upload.to_csv(index=False),
    file_name=f"{'_'.join(picked) or 'audience'}.csv",
    mime="text/csv",
    disabled=upload.empty,
    key="download_audience",
)
