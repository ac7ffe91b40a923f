"""The accuracy a marketer can check: every published prediction, once its horizon has passed, scored
against what the customers then did, beside the rule's score of the same day.

`ledger_rows` shapes one run's predictions for the ledger (`prediction_history`, kept across runs);
`prediction_outcomes` scores the ledger's past days: one row per as_of and target whose window
(as_of, as_of + horizon] has ended by the current as_of.
"""

import numpy as np
import pandas as pd

from models_ml.metrics import classifier_metrics, regressor_metrics

# target -> (published score column, the rule's score column in the ledger, kind)
LEDGER_TARGETS = {
    "purchase": ("purchase_probability_30d", "purchase_rule_score", "classifier"),
    "churn": ("churn_probability", "churn_rule_score", "classifier"),
    "clv": ("predicted_clv", "clv_rule_score", "regressor"),
}
OUTCOME_COLUMNS = [
    "as_of",
    "target",
    "horizon_days",
    "prediction_source",
    "customers",
    "roc_auc",
    "rule_roc_auc",
    "spearman",
    "rule_spearman",
    "mean_predicted",
    "observed_rate",
    "ece",
    "total_predicted",
    "total_actual",
]


def ledger_rows(predictions: pd.DataFrame, rule_scores: dict[str, np.ndarray]) -> pd.DataFrame:
    """A run's customer_predictions reduced to what the ledger scores later, with the rule's scores."""
    columns = ["customer_id", "as_of"]
    for target, (score, _rule, _) in LEDGER_TARGETS.items():
        columns += [score, f"{target}_prediction_source"]
    rows = predictions[columns].copy()
    for target, (_, rule, _) in LEDGER_TARGETS.items():
        rows[rule] = rule_scores[target]
    return rows


def _window_actuals(orders: pd.DataFrame, start: pd.Timestamp, days: int) -> pd.DataFrame:
    """Per customer: purchases and net spend in (start, start + days]."""
    end = start + pd.Timedelta(days=days)
    dates = pd.to_datetime(orders["ordered_date"])
    window = orders[(dates > start) & (dates <= end)]
    purchases = window[~window["is_refund"].astype(bool)].groupby("customer_id").size()
    spend = window.groupby("customer_id")["amount"].sum().astype("float64")
    return pd.DataFrame({"purchases": purchases, "spend": spend}).fillna(0.0)


def prediction_outcomes(
    history: pd.DataFrame, orders: pd.DataFrame, as_of: object, horizons: dict[str, int]
) -> pd.DataFrame:
    """`history`: ledger rows of earlier runs; `orders`: fct_orders' customer_id, ordered_date, amount,
    is_refund; `horizons`: days per target. Days whose window has not ended are left out."""
    current = pd.Timestamp(as_of).normalize()
    rows = []
    for day, ledger in history.groupby("as_of", sort=True):
        start = pd.Timestamp(day).normalize()
        for target, (score, rule, kind) in LEDGER_TARGETS.items():
            days = horizons[target]
            if start + pd.Timedelta(days=days) > current:
                continue
            scored = ledger[ledger[score].notna()]
            if scored.empty:
                continue
            actual = _window_actuals(orders, start, days).reindex(scored["customer_id"]).fillna(0.0)
            predicted = scored[score].to_numpy(np.float64)
            rule_scores = scored[rule].to_numpy(np.float64)
            row = {
                "as_of": start.date(),
                "target": target,
                "horizon_days": days,
                "prediction_source": scored[f"{target}_prediction_source"].mode().iloc[0],
                "customers": len(scored),
            }
            if kind == "classifier":
                outcome = actual["purchases"].to_numpy() > 0
                if target == "churn":
                    outcome = ~outcome
                model, baseline = (
                    classifier_metrics(outcome, predicted),
                    classifier_metrics(outcome, rule_scores),
                )
                row |= {
                    "roc_auc": model["roc_auc"],
                    "rule_roc_auc": baseline["roc_auc"],
                    "mean_predicted": model["mean_predicted"],
                    "observed_rate": model["observed_rate"],
                    "ece": model["ece"],
                    "total_predicted": float(predicted.sum()),
                    "total_actual": float(outcome.sum()),
                }
            else:
                spend = np.maximum(actual["spend"].to_numpy(), 0.0)
                model, baseline = regressor_metrics(spend, predicted), regressor_metrics(spend, rule_scores)
                row |= {
                    "spearman": model["spearman"],
                    "rule_spearman": baseline["spearman"],
                    "total_predicted": model["total_predicted"],
                    "total_actual": model["total_actual"],
                }
            rows.append(row)
    frame = pd.DataFrame(rows, columns=OUTCOME_COLUMNS)
    for column in OUTCOME_COLUMNS[5:]:
        frame[column] = pd.to_numeric(frame[column]).astype("float64")
    frame["horizon_days"] = frame["horizon_days"].astype("int64")
    frame["customers"] = frame["customers"].astype("int64")
    frame["as_of"] = pd.to_datetime(frame["as_of"]).dt.date
    return frame
