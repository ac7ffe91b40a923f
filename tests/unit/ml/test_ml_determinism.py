"""Same data, same scores: whatever order the warehouse returns the rows in."""

import pandas as pd

from models_ml import run_predictions
from tests.unit.ml.conftest import CONFIG, NOW


def _shuffled(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


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
