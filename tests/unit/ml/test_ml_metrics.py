"""Metrics, gains and the predictive grid on small hand-made examples."""

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from models_ml import (
    GridCuts,
    classifier_metrics,
    expected_calibration_error,
    gains_by_decile,
    predictive_cell,
    predictive_cells,
    regressor_metrics,
)


def test_gains_of_a_perfect_ranking_and_of_tied_scores():
    outcome = np.array([1.0] * 10 + [0.0] * 90)
    perfect = gains_by_decile(outcome, np.linspace(1, 0, 100))
    assert perfect["cumulative_gain"].iloc[0] == 1.0 and perfect["lift"].iloc[0] == 10.0
    tied = gains_by_decile(outcome, np.zeros(100))  # a constant score is as good as random
    np.testing.assert_allclose(tied["cumulative_gain"], np.arange(1, 11) / 10)
    np.testing.assert_allclose(tied["lift"], 1.0)


def test_classifier_metrics_match_their_definitions():
    rng = np.random.default_rng(0)
    probability = rng.uniform(size=5000)
    outcome = (rng.uniform(size=5000) < probability).astype(float)
    metrics = classifier_metrics(outcome, probability)
    assert metrics["roc_auc"] == pytest.approx(roc_auc_score(outcome, probability))
    assert metrics["brier"] == pytest.approx(np.mean((probability - outcome) ** 2))
    assert metrics["ece"] < 0.03  # calibrated by construction
    assert expected_calibration_error(outcome, np.clip(probability + 0.2, 0, 1)) > 0.15
    assert (
        classifier_metrics(np.ones(10), np.full(10, 0.5))["roc_auc"]
        != classifier_metrics(np.ones(10), np.full(10, 0.5))["roc_auc"]
    )  # NaN: one class has no AUC


def test_regressor_metrics():
    actual = np.array([0.0, 10.0, 20.0, 30.0])
    metrics = regressor_metrics(actual, np.array([1.0, 12.0, 18.0, 35.0]))
    assert metrics["mae"] == pytest.approx(2.5)
    assert metrics["spearman"] == pytest.approx(1.0)
    assert metrics["total_predicted"] == 66.0 and metrics["total_actual"] == 60.0


def test_predictive_grid_cells():
    assert predictive_cell(0.6, 0.1, (0.2, 0.5)) == "high_purchase/low_churn"
    assert predictive_cell(0.2, 0.5) == "medium_purchase/high_churn"  # a cut belongs to the level above
    cuts = GridCuts(purchase=(0.05, 0.1), churn=(0.3, 0.8))
    assert predictive_cell(0.07, 0.9, cuts) == "medium_purchase/high_churn"
    purchase, churn = np.array([0.01, 0.3, 0.7]), np.array([0.9, 0.3, 0.05])
    assert list(predictive_cells(purchase, churn)) == [
        predictive_cell(p, c) for p, c in zip(purchase, churn, strict=True)
    ]
    with pytest.raises(ValueError, match="need 0 < low < high < 1"):
        GridCuts(purchase=(0.5, 0.2))
