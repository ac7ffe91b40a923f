"""Predictions page (SALESmanago's purchase × churn grid and more): the grid with counts, revenue and CLV,
a cell's customers to export, score distributions, each model's grade beside its baselines, and the
prediction ledger's accuracy once it is published."""

import streamlit as st

from dashboards.data import predictions as q
from dashboards.session import load, published

data = published()
currency = data.reporting_currency
st.title("Predictions")

st.subheader("Purchase × churn grid")
cells = load(q.grid)
if cells.empty:
    st.info("No grid in this run: the purchase or the churn target is withheld (see the models below).")
else:
    measures = {
        "customers": "Customers",
        "revenue": f"Revenue ({currency})",
        "predicted_clv": f"CLV ({currency})",
    }
    cols = st.columns(3)
    for col, (measure, label) in zip(cols, measures.items(), strict=True):
        col.caption(f"{label}: purchase level (rows) × churn level (columns)")
        if cells[measure].isna().all():  # CLV withheld while purchase and churn are not
            col.info("Withheld in this run: no values.")
            continue
        matrix = q.grid_matrix(cells, measure)
        col.dataframe(matrix.style.format("{:,.0f}").background_gradient(cmap="Greens", axis=None))
    cell = st.selectbox("Cell", sorted(cells["predictive_cell"]), key="grid_cell")
    customers = load(q.cell_customers, cell)
    st.caption(f"{len(customers):,} customers in {cell}")
    st.dataframe(customers, hide_index=True, height=240)
    st.download_button(
        "Export the cell's customer ids",
        customers[["customer_id"]].to_csv(index=False),
        file_name=f"{cell.replace('/', '__')}.csv",
        mime="text/csv",
        key="download_cell",
    )

st.subheader("Distributions")
cols = st.columns(3)
for col, (column, label) in zip(cols, q.SCORES.items(), strict=True):
    bins = load(q.distribution, column)
    col.caption(label)
    if bins.empty:
        col.info("Withheld in this run: no scores.")
    else:
        col.bar_chart(bins, x="bin", y="customers", x_label=f"{label} (bar start)", sort=False, height=220)

st.subheader("Models")
models = load(q.models)
if models.empty:
    st.info("No model_metrics in this run.")
for _, model in models.iterrows():
    grade = model["grade"] if isinstance(model["grade"], str) else "–"
    with st.container(border=True):
        st.markdown(
            f"**{model['model']}** ({model['target']}) · scored by **{model['prediction_source']}** · "
            f"grade **{grade}**"
        )
        floor = (
            f" · floor: {model['floor_metric']} ≥ {model['floor']:.2f}"
            if isinstance(model["floor_metric"], str)
            else ""
        )
        if q.is_withheld(model):  # the reason goes in the warning, not twice
            if floor:
                st.caption(floor.removeprefix(" · "))
            st.warning(f"Withheld: nothing is predicted for this target. {model['reason'] or ''}")
            continue
        if model["reason"] or floor:
            st.caption(f"{model['reason'] or ''}{floor}")
        comparison = q.metric_comparison(model)
        if comparison.empty:
            st.caption("No held-out metrics recorded.")
            continue
        absent = [name for name in comparison if comparison[name].isna().all()]
        comparison = comparison.drop(columns=absent)
        left, right = st.columns([1, 1])
        left.dataframe(comparison.style.format("{:.3f}", na_rep="–"))
        if absent:
            left.caption(f"Not measured in this run: {', '.join(absent)}.")
        primary = (
            model["primary_metric"] if model["primary_metric"] in comparison.index else comparison.index[0]
        )
        bars = comparison.loc[[primary]].T.reset_index(names="candidate").dropna()
        right.bar_chart(bars, x="candidate", y=primary, height=200, sort=False)

st.subheader("Accuracy over time")
outcomes = load(q.outcomes)
if outcomes is None:
    st.info("No prediction_outcomes table in this run (it predates the prediction ledger).")
elif outcomes.empty:
    st.info(
        "No horizon has passed yet: each published score is checked against what customers did once its "
        "horizon (30, 180 or 365 days) has ended, and its accuracy shows here."
    )
else:
    targets = sorted(outcomes["target"].unique())
    cols = st.columns(len(targets))
    for col, target in zip(cols, targets, strict=True):
        metric, series = q.outcome_series(outcomes, target)
        col.caption(f"{target}: {metric} of the published scores vs the rule, by as_of")
        col.line_chart(series, x="as_of", y=["published", "rule"], y_label=metric, height=220)
    with st.expander("Every outcome"):
        st.dataframe(outcomes, hide_index=True)
