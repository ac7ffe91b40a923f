"""Same data, same scores: whatever order the warehouse returns the rows in, whatever chunks the
customers are scored in."""

from dataclasses import replace

import pandas as pd

import models_ml.run_context
from models_ml import run_predictions
from tests.unit.ml.conftest import CONFIG, NOW


def _shuffled(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def _as_written(frame: pd.DataFrame) -> pd.DataFrame:
    """Categories as the text the warehouse gets: chunks unite their reason categories in another order."""
    return frame.apply(lambda column: column.astype("str") if column.dtype == "category" else column)


def test_same_data_in_another_row_order_gives_identical_outputs(shop, first_run):
    again = run_predictions(
        features=_shuffled(shop.features, 1),
        labels=_shuffled(shop.labels, 2),
        as_of=shop.as_of,
        mix=_shuffled(shop.mix, 3),
        category_labels=_shuffled(shop.category_labels, 4),
        config=CONFIG,
        now=NOW,
    )
    pd.testing.assert_frame_equal(again.customer_predictions, first_run.customer_predictions)
    pd.testing.assert_frame_equal(again.category_propensity, first_run.category_propensity)
    pd.testing.assert_frame_equal(again.model_metrics, first_run.model_metrics)
    assert [b.version for b in again.trained_bundles] == [b.version for b in first_run.trained_bundles]


def test_scoring_in_small_chunks_gives_identical_outputs(shop, first_run, monkeypatch):
    """The rows to score are turned into features a chunk at a time (not one matrix kept for the run):
    chunks that do not divide the customers change nothing, categories and reasons included."""
    monkeypatch.setattr(models_ml.run_context, "SCORING_CHUNK_ROWS", 137)
    again = run_predictions(**shop.inputs(), config=CONFIG, now=NOW)
    assert len(first_run.customer_predictions) > 137 * 3
    pd.testing.assert_frame_equal(
        _as_written(again.customer_predictions), _as_written(first_run.customer_predictions)
    )
    pd.testing.assert_frame_equal(again.category_propensity, first_run.category_propensity)
    pd.testing.assert_frame_equal(again.feature_importance, first_run.feature_importance)
    pd.testing.assert_frame_equal(again.model_metrics, first_run.model_metrics)


def test_rule_scores_read_the_same_reasons_in_small_chunks(shop, monkeypatch):
    """A rule-scored target's reasons (recency and order count) read only their columns for every
    scored customer: the same as from the whole matrix."""
    config = replace(CONFIG, candidates=("rule",))
    whole = run_predictions(**shop.inputs(), config=config, now=NOW)
    monkeypatch.setattr(models_ml.run_context, "SCORING_CHUNK_ROWS", 137)
    chunked = run_predictions(**shop.inputs(), config=config, now=NOW)
    assert whole.models["churn"].source == "rule"
    assert whole.customer_predictions["churn_reason_1"].notna().all()
    pd.testing.assert_frame_equal(
        _as_written(chunked.customer_predictions), _as_written(whole.customer_predictions)
    )
