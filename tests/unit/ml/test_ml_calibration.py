"""Calibration: isotonic on a held-out fold gives probabilities that mean what they say."""

import numpy as np
import pytest

from models_ml import Calibrator, ModelConfig, expected_calibration_error, fit_model
from models_ml.boosting import Target


def _well_specified(rows: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, 6)).astype(np.float32)
    margin = 1.4 * x[:, 0] - 0.9 * x[:, 1] + 0.6 * x[:, 2] * x[:, 3] - 0.8
    return x, (rng.uniform(size=rows) < 1 / (1 + np.exp(-margin))).astype(np.float64)


@pytest.mark.parametrize("method", ["isotonic", "sigmoid"])
def test_calibrated_probabilities_have_a_small_expected_calibration_error(method):
    x, y = _well_specified(6000, seed=11)
    fold = np.random.default_rng(12).uniform(size=len(y)) < 0.25
    config = ModelConfig(n_threads=1, calibration_method=method)
    model = fit_model("classifier", x, Target("classifier", y), fold, [f"x{i}" for i in range(6)], config)
    assert model.calibrator.method == method
    x_test, y_test = _well_specified(20_000, seed=13)  # enough rows to measure the calibration, not noise
    assert expected_calibration_error(y_test, model.predict(x_test)) <= 0.03


def test_a_calibrator_round_trips_through_json_and_clips_outside_its_range():
    rng = np.random.default_rng(0)
    raw = rng.uniform(size=2000)
    outcome = (rng.uniform(size=2000) < raw**2).astype(float)
    calibrator = Calibrator.fit(raw, outcome, "isotonic")
    again = Calibrator.from_dict(calibrator.to_dict())
    np.testing.assert_array_equal(again.apply(raw), calibrator.apply(raw))
    ends = np.clip([calibrator.y[0], calibrator.y[-1]], 0.001, 0.999)  # never exactly 0 or 1
    assert again.apply(np.array([-1.0, 2.0])) == pytest.approx(ends, abs=1e-6)


def test_isotonic_steps_keep_the_models_order_and_move_no_probability_by_more_than_a_millionth():
    rng = np.random.default_rng(1)
    raw = np.sort(rng.uniform(size=5000))
    outcome = (rng.uniform(size=5000) < raw**3).astype(float)
    calibrator = Calibrator.fit(raw, outcome, "isotonic")
    calibrated = calibrator.apply(raw)
    steps = np.clip(np.interp(raw, calibrator.x, calibrator.y), 0.001, 0.999)
    assert len(np.unique(steps)) < len(raw) / 10  # the steps alone tie most customers
    assert np.all(np.diff(calibrated) > 0)  # strictly increasing: every customer keeps their place
    assert np.max(np.abs(calibrated - steps)) <= 1e-6


def test_a_single_class_fold_leaves_probabilities_unchanged():
    calibrator = Calibrator.fit(np.array([0.2, 0.4]), np.array([1.0, 1.0]), "isotonic")
    assert calibrator.method == "identity"
    assert calibrator.apply(np.array([0.3])).tolist() == [0.3]


def test_auto_takes_isotonic_only_with_a_thousand_of_each_outcome():
    rng = np.random.default_rng(3)
    raw = rng.uniform(size=4_000)
    small = (rng.uniform(size=4_000) < 0.1).astype(float)  # about 400 positives
    even = (rng.uniform(size=4_000) < raw).astype(float)  # about 2,000 of each
    assert Calibrator.fit(raw, small, "auto").method == "sigmoid"
    assert Calibrator.fit(raw, even, "auto").method == "isotonic"
    # sigmoid keeps the ranking exactly: no two different raw scores share a probability
    calibrated = Calibrator.fit(raw, small, "auto").apply(raw)
    assert len(np.unique(calibrated)) == len(np.unique(raw))
