"""Customer Pulse: Dagster orchestration (defs/) and the small libraries it calls."""
