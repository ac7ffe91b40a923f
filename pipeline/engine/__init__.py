"""The engines the warehouse runs on: DuckDB (default, pipeline/warehouse.py) or Spark (spark.py)."""
