"""The names of the models a run trains, in the order they are reported: a module of its own so that
Dagster's definitions can declare one asset per model without importing XGBoost (a second at every load).
tests/unit/ml/test_ml_model_names.py checks it against the targets that define them."""

MODELS = ("purchase", "churn", "clv", "next_order", "category_propensity")
