"""ROI of targeting the top-k segments: the docstring's formulas on a hand-worked example; best-k flag."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from targeting.segments.roi import ROI_COLUMNS, RoiSettings, segment_roi
from targeting.segments.rules import build_category_segments

GAIN = pd.DataFrame(
    {
        "category": ["shoes"] * 3,
        "segment_rank": [1, 2, 3],
        "customers": [100, 400, 1000],
        "purchase_likelihood": [0.5, 0.1, 0.01],
    }
)


def test_hand_worked_example_with_default_settings():
    roi = segment_roi(GAIN.iloc[::-1], {"shoes": 50.0})  # input order does not matter
    assert list(roi.columns) == list(ROI_COLUMNS)
    # k=1: 100 contacted, 50 expected, 5 incremental, 250 revenue, cost 10, profit 0.3*250-10 = 65
    # k=2: 500 contacted, 90 expected, 9 incremental, 450 revenue, cost 50, profit 135-50 = 85
    # k=3: 1500 contacted, 100 expected, 10 incremental, 500 revenue, cost 150, profit 150-150 = 0
    assert roi.k.tolist() == [1, 2, 3]
    assert roi.contacted_customers.tolist() == [100, 500, 1500]
    np.testing.assert_allclose(roi.expected_buyers, [50, 90, 100])
    np.testing.assert_allclose(roi.incremental_buyers, [5, 9, 10])
    np.testing.assert_allclose(roi.incremental_revenue, [250, 450, 500])
    np.testing.assert_allclose(roi.cost, [10, 50, 150])
    np.testing.assert_allclose(roi.profit, [65, 85, 0], atol=1e-9)
    np.testing.assert_allclose(roi.roi, [6.5, 1.7, 0], atol=1e-9)
    assert roi.is_best_k.tolist() == [False, True, False]


def test_no_profitable_k_marks_nothing_and_ties_mark_the_smallest_k():
    expensive = segment_roi(GAIN, 50.0, RoiSettings(cost_per_contact=10))
    assert (expensive.profit < 0).all() and not expensive.is_best_k.any()
    # the second segment adds exactly its cost (0.5 margin * 0.5 uplift * 4 AOV * 0.25 = 0.25 per contact)
    tie = pd.DataFrame(
        {"category": "x", "segment_rank": [1, 2], "customers": 100, "purchase_likelihood": [1, 0.25]}
    )
    tied = segment_roi(tie, 4.0, RoiSettings(cost_per_contact=0.25, margin=0.5, uplift=0.5))
    assert tied.profit.tolist() == [75.0, 75.0]
    assert tied.is_best_k.tolist() == [True, False]
    zero_cost = segment_roi(GAIN, 50.0, RoiSettings(cost_per_contact=0))
    assert zero_cost.roi.isna().all() and zero_cost.is_best_k.tolist() == [False, False, True]


def test_roi_runs_on_the_category_segments_gain_curve():
    rng = np.random.default_rng(0)
    training = pd.DataFrame({"customer_id": range(3000), "orders_90d": rng.poisson(1.5, 3000)})
    bought = rng.random(3000) < 0.05 + 0.4 * (training.orders_90d >= 2)
    result = build_category_segments(training, pd.DataFrame({"shoes": bought, "home": ~bought}), training)
    roi = segment_roi(result.gain, {"shoes": 60.0, "home": 40.0})
    assert sorted(roi.category.unique()) == ["home", "shoes"]
    assert roi.groupby("category").contacted_customers.max().tolist() == [3000, 3000]
    assert roi.groupby("category").is_best_k.sum().max() <= 1


def test_bad_settings_and_missing_order_values_are_named():
    with pytest.raises(ValueError, match="margin=1.5 must be at most 1.0"):
        RoiSettings(margin=1.5)
    with pytest.raises(ValueError, match="cost_per_contact=-1 must be a number >= 0"):
        RoiSettings(cost_per_contact=-1)
    with pytest.raises(ValueError, match="no average order value for category 'shoes'"):
        segment_roi(GAIN, {"home": 10.0})
    with pytest.raises(ValueError, match="lacks columns \\['customers'\\]"):
        segment_roi(GAIN.drop(columns="customers"), 10.0)
    assert segment_roi(GAIN.iloc[:0], 10.0).empty


def test_a_shop_without_categories_gets_empty_tables_in_the_types_of_full_ones():
    """Published empty, an untyped column would be text (Spark's checks refused ranges on it)."""
    empty = pa.Table.from_pandas(segment_roi(GAIN.iloc[:0], 50.0), preserve_index=False).schema
    full = pa.Table.from_pandas(segment_roi(GAIN, 50.0), preserve_index=False).schema
    assert empty.names == full.names == list(ROI_COLUMNS)
    assert empty.types == full.types
    built = build_category_segments(
        pd.DataFrame({"recency_days": [1.0, 2.0]}),
        pd.DataFrame(index=range(2)),
        pd.DataFrame({"customer_id": ["a", "b"], "recency_days": [1.0, 2.0]}),
    )
    segments = pa.Table.from_pandas(built.segments, preserve_index=False).schema
    gain = pa.Table.from_pandas(built.gain, preserve_index=False).schema
    assert not any(pa.types.is_null(kind) for kind in [*segments.types, *gain.types])
    assert gain.field("lift").type == pa.float64() and segments.field("customers").type == pa.int64()
