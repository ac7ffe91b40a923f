"""Held-out metrics for classifiers and regressors, and the curves behind the plots.

Expected calibration error uses 10 equal-frequency bins (each holds a tenth of the rows): scores of
churn and purchase models crowd near 0 or 1, where equal-width bins would be nearly empty.
Gains treat tied scores as ordered at random (the expected gain), so a coarse baseline with 25
distinct scores is not flattered or punished by how ties happen to be sorted.
"""

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

CALIBRATION_BINS = 10
DECILES = 10


def expected_calibration_error(outcome: np.ndarray, probability: np.ndarray) -> float:
    curve = calibration_curve(outcome, probability)
    if curve.empty:
        return float("nan")
    weights = curve["rows"] / curve["rows"].sum()
    return float((weights * (curve["observed_rate"] - curve["mean_predicted"]).abs()).sum())


def calibration_curve(outcome: np.ndarray, probability: np.ndarray) -> pd.DataFrame:
    """Mean predicted vs observed rate in equal-frequency bins (the reliability diagram)."""
    order = np.argsort(probability, kind="stable")
    rows = [
        (b + 1, len(part), float(probability[part].mean()), float(outcome[part].mean()))
        for b, part in enumerate(np.array_split(order, min(CALIBRATION_BINS, len(order))))
        if len(part)
    ]
    return pd.DataFrame(rows, columns=["bin", "rows", "mean_predicted", "observed_rate"])


def cumulative_gain(value: np.ndarray, score: np.ndarray, fractions: np.ndarray) -> np.ndarray:
    """Share of the total `value` held by the top `fractions` of rows by score (ties: expected value)."""
    total = float(np.sum(value))
    if len(value) == 0 or total <= 0:
        return np.full(len(fractions), np.nan)
    order = np.argsort(-score, kind="stable")
    sorted_score, sorted_value = score[order], value[order]
    ends = np.flatnonzero(np.r_[sorted_score[1:] != sorted_score[:-1], True]) + 1  # end of each tie group
    cum_rows = np.r_[0, ends].astype(np.float64)
    cum_value = np.r_[0.0, np.cumsum(sorted_value)[ends - 1]]
    return np.interp(fractions * len(value), cum_rows, cum_value) / total


def gains_by_decile(value: np.ndarray, score: np.ndarray) -> pd.DataFrame:
    """Per decile of score (1 = highest): cumulative gain, the decile's lift and the cumulative lift."""
    fractions = np.arange(0, DECILES + 1) / DECILES
    gain = cumulative_gain(value, score, fractions)
    deciles = np.arange(1, DECILES + 1)
    return pd.DataFrame(
        {
            "decile": deciles,
            "cumulative_share_of_rows": fractions[1:],
            "cumulative_gain": gain[1:],
            "lift": (gain[1:] - gain[:-1]) * DECILES,
            "cumulative_lift": gain[1:] / fractions[1:],
        }
    )


def _two_classes(outcome: np.ndarray) -> bool:
    return len(outcome) > 0 and 0 < outcome.sum() < len(outcome)


def classifier_metrics(outcome: np.ndarray, probability: np.ndarray) -> dict[str, float]:
    outcome = np.asarray(outcome, dtype=np.float64)
    probability = np.asarray(probability, dtype=np.float64)
    nan = float("nan")
    both = _two_classes(outcome)
    top = cumulative_gain(outcome, probability, np.array([0.1]))[0] if both else nan
    return {
        "roc_auc": float(roc_auc_score(outcome, probability)) if both else nan,
        "pr_auc": float(average_precision_score(outcome, probability)) if both else nan,
        "brier": float(brier_score_loss(outcome, probability)) if len(outcome) else nan,
        "ece": expected_calibration_error(outcome, probability) if len(outcome) else nan,
        "gain_top_decile": top,
        "lift_top_decile": top * DECILES,
        "mean_predicted": float(probability.mean()) if len(outcome) else nan,
        "observed_rate": float(outcome.mean()) if len(outcome) else nan,
    }


def regressor_metrics(actual: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    actual = np.asarray(actual, dtype=np.float64)
    predicted = np.asarray(predicted, dtype=np.float64)
    nan = float("nan")
    if len(actual) == 0:
        return dict.fromkeys(
            ("mae", "rmse", "spearman", "total_predicted", "total_actual", "gain_top_decile"), nan
        )
    error = predicted - actual
    spearman = pd.Series(actual).corr(pd.Series(predicted), method="spearman")
    return {
        "mae": float(np.abs(error).mean()),
        "rmse": float(np.sqrt((error**2).mean())),
        "spearman": float(spearman) if spearman == spearman else nan,
        "total_predicted": float(predicted.sum()),
        "total_actual": float(actual.sum()),
        "gain_top_decile": float(cumulative_gain(actual, predicted, np.array([0.1]))[0]),
    }
