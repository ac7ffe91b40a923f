"""The ladder's pure rules (selection with a confidence margin, grades) and a run where the rule, BG/NBD
and XGBoost all compete."""

from dataclasses import replace

import pandas as pd
import pytest

from models_ml import run_predictions
from models_ml.candidates import Floor, auc_standard_error, select_candidate
from models_ml.grade import grade
from tests.unit.ml.conftest import CONFIG, NOW

AUC_FLOOR = Floor("roc_auc", 0.6, z=2.0, positives=500, negatives=500)


def test_the_best_candidate_surely_above_the_floor_scores():
    metrics = {"rule": {"roc_auc": 0.70}, "btyd": {"roc_auc": 0.72}, "model": {"roc_auc": 0.75}}
    chosen = select_candidate("roc_auc", True, AUC_FLOOR, metrics)
    assert chosen.source == "model" and chosen.reason == "roc_auc 0.750 vs rule 0.700, BG/NBD 0.720"
    # a tie goes to the simpler candidate
    tie = select_candidate("roc_auc", True, AUC_FLOOR, {"rule": {"roc_auc": 0.7}, "model": {"roc_auc": 0.7}})
    assert tie.source == "rule"


def test_a_more_complex_candidate_must_be_ahead_by_the_margin():
    metrics = {"rule": {"roc_auc": 0.800}, "btyd": {"roc_auc": 0.820}, "model": {"roc_auc": 0.823}}
    chosen = select_candidate("roc_auc", True, AUC_FLOOR, metrics, margin=0.005)
    assert chosen.source == "btyd"
    assert chosen.reason == "roc_auc 0.820 vs rule 0.800, model 0.823; model not ahead by more than 0.005"
    metrics["model"]["roc_auc"] = 0.826  # 0.006 ahead of BG/NBD: worth its complexity
    assert select_candidate("roc_auc", True, AUC_FLOOR, metrics, margin=0.005).source == "model"
    # each step is against the pick so far: BG/NBD 0.003 ahead of the rule is not worth it, XGBoost 0.007 is
    close = {"rule": {"roc_auc": 0.800}, "btyd": {"roc_auc": 0.803}, "model": {"roc_auc": 0.807}}
    assert select_candidate("roc_auc", True, AUC_FLOOR, close, margin=0.005).source == "model"


def test_a_value_above_the_floor_by_less_than_its_noise_is_withheld():
    small = Floor("roc_auc", 0.6, z=2.0, positives=60, negatives=60)
    # 0.66 on 120 rows: about ± 0.10 at two standard errors, so not surely above 0.6
    chosen = select_candidate("roc_auc", True, small, {"rule": {"roc_auc": 0.55}, "model": {"roc_auc": 0.66}})
    assert chosen.source == "withheld"
    assert chosen.reason.startswith("no candidate surely reaches roc_auc 0.6 (rule 0.550 ± 0.10")
    # the same value on 1,000 rows is sure enough
    assert select_candidate("roc_auc", True, AUC_FLOOR, {"model": {"roc_auc": 0.66}}).source == "model"


def test_hanley_mcneil_standard_error_matches_its_known_value():
    # Hanley & McNeil (1982), table: AUC 0.8 with 50 and 50 cases has a standard error near 0.044
    assert auc_standard_error(0.8, 50, 50) == pytest.approx(0.0437, abs=0.001)
    assert auc_standard_error(0.8, 0, 50) == float("inf")


def test_grades_follow_the_metric_and_need_a_lift_for_excellent():
    assert grade("roc_auc", 0.62, None) == "Poor"
    assert grade("roc_auc", 0.70, None) == "Fair"
    assert grade("roc_auc", 0.80, None) == "Good"
    assert grade("roc_auc", 0.90, 0.85) == "Excellent"
    assert grade("roc_auc", 0.90, 0.895) == "Good"  # a rule nearly as good: not excellent
    assert grade("spearman", 0.45, None) == "Fair"
    assert grade("spearman", float("nan"), None) is None


def test_bg_nbd_scores_where_it_measures_best_and_says_so(shop):
    everyone = replace(CONFIG, candidates=("rule", "btyd", "model"))
    run = run_predictions(**{**shop.inputs(), "category_labels": None}, config=everyone, now=NOW)
    metrics = run.model_metrics.set_index("model")
    row = metrics.loc["purchase"]
    # the synthetic shop follows the BG/NBD story: BG/NBD beats the rule on the held-out customers, and
    # XGBoost, boosted from BG/NBD's score, finds nothing worth the candidate margin on top of it
    assert row["btyd_roc_auc"] > row["baseline_roc_auc"], row["reason"]
    assert row["roc_auc"] - row["btyd_roc_auc"] <= everyone.candidate_margin, row["reason"]
    assert row["prediction_source"] == "btyd" and row["model_version"] == "btyd"
    assert row["scoring_primary_value"] == row["btyd_roc_auc"] and row["grade"] in ("Good", "Excellent")
    # no calibration is claimed for probabilities no calibrator touched
    assert row["calibration_method"] == "none: BG/NBD's own probability"
    for _, other in metrics[metrics["kind"] == "classifier"].iterrows():
        expected = {
            "model": {"isotonic", "sigmoid"},
            "rule": {"none: the cell's observed rate"},
            "withheld": {None},
        }
        method = other["calibration_method"] if pd.notna(other["calibration_method"]) else None
        assert method in expected.get(other["prediction_source"], {row["calibration_method"]})
    predictions = run.customer_predictions
    assert (predictions["purchase_prediction_source"] == "btyd").all()
    assert predictions["purchase_probability_30d"].between(0, 1).all()
    assert predictions["purchase_reason_3"].str.startswith("BG/NBD score, no XGBoost model").all()
    # its outputs are XGBoost features too
    trained = {bundle.model: bundle for bundle in run.trained_bundles}
    assert {"btyd_p_alive", "btyd_expected_purchases", "btyd_expected_spend"} <= set(
        trained["purchase"].features
    )
