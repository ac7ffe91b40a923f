"""Lapsed customers share one expected spend where the model cannot rank them (models_ml/lapsed_pool.py)."""

import numpy as np
import pandas as pd
import pytest

from models_ml.contract import CUSTOMER_ID, SCORING_FLAG
from models_ml.lapsed_pool import lapsed_rows, pooled


def test_lapsed_rows_share_their_mean_and_keep_their_total():
    values = np.array([10.0, 2.0, 4.0, 30.0, 0.0])
    lapsed = lapsed_rows(np.array([5.0, 400.0, 365.0, np.nan, 900.0]), 365)
    assert lapsed.tolist() == [False, True, True, False, True]  # a missing recency is not lapsed
    out = pooled(values, lapsed)
    assert out.tolist() == [10.0, 2.0, 2.0, 30.0, 2.0]
    assert out.sum() == pytest.approx(values.sum())
    assert values.tolist() == [10.0, 2.0, 4.0, 30.0, 0.0]  # the input is not changed
    assert pooled(values, np.zeros(5, dtype=bool)) is values


def test_the_clv_model_pools_lapsed_customers_at_its_horizon(shop, first_run):
    clv = first_run.models["clv"]
    assert clv.source == "model"
    after = clv.trained.metadata["lapsed_pooled_after_days"]
    # pooling did not lower the held-out Spearman, so it is on, after the label window's length
    assert after == clv.stats["horizon_days"]
    features = shop.inputs()["features"]
    at = features[features[SCORING_FLAG]].set_index(CUSTOMER_ID)["recency_days"]
    published = first_run.customer_predictions.set_index(CUSTOMER_ID)["predicted_clv"]
    recency = at.reindex(published.index)
    lapsed, active = published[recency >= after], published[recency < after]
    assert len(lapsed) > 50 and len(active) > 50
    assert lapsed.nunique() == 1  # one shared value: the model's mean over them
    assert active.nunique() > len(active) // 2  # everyone else keeps the model's own order
    # the held-out window measured the pooled scores the model candidate publishes
    holdout = clv.holdout
    assert pd.Series(holdout.predicted).corr(pd.Series(holdout.outcome), method="spearman") == pytest.approx(
        clv.metrics["spearman"]
    )
