"""Leakage at library level: what the held-out evaluation and as_of scores may and may not depend on."""

import numpy as np
import pandas as pd

from models_ml import run_predictions
from tests.unit.ml.conftest import CONFIG, NOW


def _holdout_predictions(run, model):
    return run.models[model].holdout.predicted


def test_held_out_labels_never_reach_the_evaluated_model(shop, first_run):
    """Shuffling the labels of the held-out cutoff changes the metrics, not the model that is measured (a
    shuffle keeps the positive rate, so the labels still look sane)."""
    labels = shop.labels.copy()
    holdout = labels["cutoff_date"] == labels.loc[labels["purchase_label"].notna(), "cutoff_date"].max()
    shuffled = np.random.default_rng(3).permutation(labels.loc[holdout, "purchase_label"].to_numpy())
    labels.loc[holdout, "purchase_label"] = shuffled
    flipped = run_predictions(
        **{**shop.inputs(), "labels": labels, "category_labels": None}, config=CONFIG, now=NOW
    )
    np.testing.assert_array_equal(
        _holdout_predictions(flipped, "purchase"), _holdout_predictions(first_run, "purchase")
    )
    before = first_run.model_metrics.set_index("model").loc["purchase", "roc_auc"]
    after = flipped.model_metrics.set_index("model").loc["purchase", "roc_auc"]
    assert before > 0.8 and abs(after - 0.5) < 0.06  # the same model, measured against shuffled outcomes


def test_labels_past_as_of_change_nothing(shop, first_run):
    """Labels whose window would end after as_of (and labels at as_of) are ignored, not learnt from."""
    labels = shop.labels.copy()
    latest = labels["cutoff_date"] == labels["cutoff_date"].max()
    labels.loc[latest, ["churn_label", "churn_window_days"]] = [True, 90]
    at_as_of = shop.features.loc[shop.features["is_scoring_cutoff"], ["customer_id", "cutoff_date"]]
    at_as_of = at_as_of.assign(purchase_label=True, purchase_window_days=30)
    labels = pd.concat([labels, at_as_of], ignore_index=True)
    peeking = run_predictions(**{**shop.inputs(), "labels": labels}, config=CONFIG, now=NOW)
    for column in ("churn_probability", "purchase_probability_30d"):
        np.testing.assert_array_equal(
            peeking.customer_predictions[column], first_run.customer_predictions[column]
        )
