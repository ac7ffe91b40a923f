"""Published tables: every dbt model tagged `published` and every table Python writes for publishing,
as Delta Lake tables at PULSE_PUBLISH_URI, then the run manifest."""
