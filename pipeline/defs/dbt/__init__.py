"""dbt models as Dagster assets, dbt tests as asset checks."""
