"""The model matrix (models_ml.design.Design): any subset of feature rows as float32, whatever the columns'
dtypes, with infinity and missing values as NaN, the lifecycle one-hot and the mix shares."""

import numpy as np
import pandas as pd

from models_ml.design import Design


def _design() -> Design:
    features = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d"],
            "cutoff_date": pd.to_datetime(["2026-01-31"] * 4),
            "is_scoring_cutoff": [True, True, False, False],
            "order_count": pd.array([1, None, 3, 4], dtype="Int64"),
            "gap_ratio": [0.5, np.inf, -np.inf, 2.0],
            "is_subscriber": [True, False, True, False],
            "revenue": pd.array([10.0, 20.0, None, 40.0], dtype="double[pyarrow]"),
            "lifecycle_state": ["new", "Lost", None, "unheard_of"],
        }
    )
    mix = pd.DataFrame(
        {"dimension": ["category", "category"], "value": ["Shoes", "Hats"], "spend_share": [0.25, 1.0]}
    )
    return Design(features, mix, np.array([0, 3]))


def test_every_dtype_becomes_float32_with_nan_for_missing_and_infinite():
    design = _design()
    matrix = design.matrix(np.array([3, 1, 0]))
    assert matrix.dtype == np.float32
    column = {name: matrix[:, j] for j, name in enumerate(design.names)}
    np.testing.assert_array_equal(column["order_count"], [4, np.nan, 1])
    np.testing.assert_array_equal(column["gap_ratio"], [2.0, np.nan, 0.5])  # +inf is unknown, not huge
    np.testing.assert_array_equal(column["is_subscriber"], [0, 0, 1])
    np.testing.assert_array_equal(column["revenue"], [40, 20, 10])
    np.testing.assert_array_equal(column["lifecycle_state__lost"], [0, 1, 0])  # case-insensitive
    np.testing.assert_array_equal(column["lifecycle_state__new"], [0, 0, 1])
    np.testing.assert_array_equal(column["category_share__hats"], [1.0, 0, 0])
    np.testing.assert_array_equal(column["category_share__shoes"], [0, 0, 0.25])
    # the frame itself is left as it was
    assert np.isinf(design.features["gap_ratio"]).sum() == 2


def test_rows_asked_for_twice_get_the_same_values_as_asked_once():
    design = _design()
    repeated = design.matrix(np.array([2, 0, 2, 3, 0]))
    once = design.matrix(np.array([2, 0, 3]))
    np.testing.assert_array_equal(repeated, once[[0, 1, 0, 2, 1]])


def test_a_subset_of_columns_comes_in_the_order_asked_with_nan_for_unknown_names():
    design = _design()
    picked = design.matrix(np.array([0, 3]), ["revenue", "no_such_feature", "order_count"])
    np.testing.assert_array_equal(picked, np.array([[10, np.nan, 1], [40, np.nan, 4]], dtype=np.float32))
