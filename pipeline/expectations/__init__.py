"""Great Expectations suites for the published tables, and the validation that runs them (no Dagster here)."""
