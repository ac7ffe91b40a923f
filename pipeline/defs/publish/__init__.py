"""Published tables: every dbt model tagged `published`, as Parquet, to PULSE_PUBLISH_URI."""
