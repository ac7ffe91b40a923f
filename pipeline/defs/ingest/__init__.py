"""Raw files -> the warehouse's raw schema (the dbt sources)."""
