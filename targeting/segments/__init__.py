"""Segments in one place: who to target per product category, and what targeting them returns.

- `rules.py`: per category, a shallow decision tree read as readable rule segments ranked by purchase
  likelihood, with their customers and the gain curve (published as `category_segments`);
- `roi.py`: the return of targeting a category's top-k segments (published as `segment_roi`);
- the per-category order value ROI multiplies by is SQL: the dbt model `category_order_values`
  (dbt_project/models/marts/core/, beside the order items it sums), read by
  pipeline/defs/targeting/segment_inputs.py.

Pure library code (DataFrames in, DataFrames out): no Dagster, no pipeline.
"""
