"""Hand-made frames the expectation suites are tried on, shared by the pandas and the Spark tests."""

import pandas as pd


def model_metrics_rows() -> pd.DataFrame:
    """Pooled rows of a scored, a rule-scored and a withheld target, and one category row."""
    return pd.DataFrame(
        {
            "model": ["purchase", "clv", "churn", "category_propensity"],
            "kind": ["classifier", "regressor", "classifier", "classifier"],
            "reason": ["model beats rule", "rule beats model", "78 customers, needs 200", "pooled"],
            "prediction_source": ["model", "rule", "withheld", "model"],
            "grade": ["Good", "Fair", None, None],
            "horizon_days": [30, 0, 0, 90],
            "category": [None, None, None, "Shoes"],
        }
    )
