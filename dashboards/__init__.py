"""Customer Pulse dashboards: a Streamlit app over the published Delta tables of one run (no Dagster)."""
