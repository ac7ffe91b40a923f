"""`python -m pipeline.run_cli`: one real Dagster run of the pipeline, told in a few plain lines."""
