"""The prediction ledger scored: each past as_of whose horizon has ended, against what customers did."""

import numpy as np
import pandas as pd

from models_ml.outcomes import LEDGER_TARGETS, ledger_rows, prediction_outcomes

HORIZONS = {"purchase": 30, "churn": 180, "clv": 365}


def _ledger(as_of: str, customers: int, rng: np.random.Generator) -> pd.DataFrame:
    score = rng.random(customers)
    return pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(customers)],
            "as_of": pd.Timestamp(as_of).date(),
            "purchase_probability_30d": score,
            "purchase_prediction_source": "model",
            "churn_probability": 1 - score,
            "churn_prediction_source": "rule",
            "predicted_clv": score * 100,
            "clv_prediction_source": "model",
            "purchase_rule_score": rng.random(customers),
            "churn_rule_score": rng.random(customers),
            "clv_rule_score": rng.random(customers),
        }
    )


def test_only_days_whose_horizon_has_passed_are_scored_against_what_happened():
    rng = np.random.default_rng(0)
    history = pd.concat([_ledger("2025-01-31", 400, rng), _ledger("2025-05-31", 400, rng)], ignore_index=True)
    january = history[history["as_of"] == pd.Timestamp("2025-01-31").date()]
    # customers with a high score buy 10 days later; the others never do
    buyers = january.loc[january["purchase_probability_30d"] > 0.5, "customer_id"]
    orders = pd.DataFrame(
        {
            "customer_id": buyers,
            "ordered_date": pd.Timestamp("2025-02-10").date(),
            "amount": 50.0,
            "is_refund": False,
        }
    )
    outcomes = prediction_outcomes(history, orders, "2025-06-15", HORIZONS).set_index(["as_of", "target"])
    day = pd.Timestamp("2025-01-31").date()
    # 2025-01-31 + 180 > 2025-06-15: churn and CLV are not due yet; May is not due for anything
    assert list(outcomes.index) == [(day, "purchase")]
    row = outcomes.loc[(day, "purchase")]
    assert row["roc_auc"] == 1.0 and abs(row["rule_roc_auc"] - 0.5) < 0.1
    assert row["observed_rate"] == len(buyers) / 400 and row["total_actual"] == len(buyers)
    assert row["customers"] == 400 and row["prediction_source"] == "model" and row["horizon_days"] == 30


def test_withheld_days_are_left_out_and_nothing_due_gives_an_empty_typed_frame():
    rng = np.random.default_rng(1)
    history = _ledger("2025-01-31", 100, rng)
    history["purchase_probability_30d"] = np.nan  # withheld that day
    orders = pd.DataFrame({"customer_id": [], "ordered_date": [], "amount": [], "is_refund": []})
    assert prediction_outcomes(history, orders, "2025-03-31", HORIZONS).empty
    empty = prediction_outcomes(history.iloc[0:0], orders, "2025-03-31", HORIZONS)
    assert empty.empty and empty["roc_auc"].dtype == "float64"


def test_ledger_rows_keep_each_targets_score_source_and_rule():
    predictions = _ledger("2025-01-31", 5, np.random.default_rng(2)).drop(columns=["purchase_rule_score"])
    rules = {target: np.arange(5.0) for target in LEDGER_TARGETS}
    rows = ledger_rows(predictions, rules)
    assert rows["purchase_rule_score"].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert {"customer_id", "as_of", "clv_prediction_source", "predicted_clv"} <= set(rows.columns)
