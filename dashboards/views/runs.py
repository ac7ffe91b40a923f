"""Runs page: the recent runs (their `_runs/*.json` manifests), what each published, and what each
withheld and why."""

import streamlit as st

from dashboards.data import runs as q
from dashboards.session import load, published

data = published()
st.title("Runs")

runs = load(q.recent_runs)
st.dataframe(runs, hide_index=True)
run_id = st.selectbox("Run", runs["run_id"].tolist(), key="runs_run_id")

tables = load(q.run_tables, run_id)
written = int(tables["written_by_this_run"].sum()) if not tables.empty else 0
st.subheader("What it published")
st.caption(f"{written} tables written by this run, {len(tables) - written} carried over from earlier runs.")
st.dataframe(tables, hide_index=True)

st.subheader("What it withheld or left to the rule")
withheld = load(q.withheld, run_id)
if withheld.empty:
    st.success("Every target was scored by a model (XGBoost or BG/NBD): nothing withheld.")
else:
    st.dataframe(withheld, hide_index=True)
