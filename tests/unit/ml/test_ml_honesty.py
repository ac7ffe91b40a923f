"""Each target decides for itself: the best measured candidate scores, and a target no candidate can serve
honestly is withheld with its reason, never scored by chance."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pyarrow as pa

from models_ml import run_predictions
from tests.unit.ml.conftest import CONFIG, NOW
from tests.unit.ml.synthetic_shop import Windows, make_shop


def _metrics(run) -> pd.DataFrame:
    metrics = run.model_metrics
    return metrics[metrics["category"].isna()].set_index("model")


def test_shuffled_labels_withhold_the_targets_they_break(shop):
    rng = np.random.default_rng(0)
    labels = shop.labels.copy()
    for column in ("purchase_label", "churn_label"):
        known = labels[column].notna()  # shuffle among the rows whose window is complete
        labels.loc[known, column] = rng.permutation(labels.loc[known, column].to_numpy())
    run = run_predictions(
        **{**shop.inputs(), "labels": labels, "category_labels": None}, config=CONFIG, now=NOW
    )
    broken = _metrics(run)
    for model in ("purchase", "churn"):
        row = broken.loc[model]
        # no candidate predicts labels that carry no signal: the target is withheld, never scored by chance
        assert abs(row["roc_auc"] - 0.5) < 0.06 and abs(row["baseline_roc_auc"] - 0.5) < 0.06
        assert row["prediction_source"] == "withheld" and pd.isna(row["grade"])
        assert row["reason"].startswith("no candidate surely reaches roc_auc 0.6 (rule 0."), row["reason"]
    predictions = run.customer_predictions
    assert predictions["churn_probability"].isna().all() and predictions["churn_decile"].isna().all()
    assert predictions["predictive_cell"].isna().all()  # a cell needs both axes
    assert (predictions["churn_prediction_source"] == "withheld").all()
    assert predictions["churn_reason_1"].isna().all()
    # the targets the shuffle did not touch still score (on this shop the run-rate rule ranks spend best)
    assert broken.loc["clv", "prediction_source"] in ("model", "rule"), broken.loc["clv", "reason"]
    assert predictions["predicted_clv"].notna().all()


def test_one_labelled_cutoff_scores_with_a_measured_rule():
    short = make_shop(
        customers=600,
        seed=5,
        training_cutoffs=2,
        windows=Windows(churn=45, clv=45, next_order=45, category=45),
    )
    run = run_predictions(**short.inputs(), config=CONFIG, now=NOW)
    metrics = _metrics(run)
    # a 45-day window is too short to call a 365-day CLV (a fifth is the least)
    assert metrics.loc["clv", "reason"] == "label window 45 days, needs 73 (0.2 of 365)"
    for model in ("churn", "category_propensity"):
        row = metrics.loc[model]
        # the only labelled cutoff is held out: the rule is measured on it, no model can be trained
        assert row["prediction_source"] in ("rule", "btyd"), (model, row["reason"])
        assert "model not trained: one labelled cutoff" in row["reason"], row["reason"]
        assert pd.notna(row["holdout_cutoff"]) and pd.notna(row["grade"])
    predictions = run.customer_predictions
    source = metrics.loc["churn", "prediction_source"]
    assert source == "rule"
    assert (predictions["churn_prediction_source"] == source).all()
    assert (predictions["churn_model_version"] == source).all()
    assert predictions["churn_probability"].between(0, 1).all()
    assert predictions["churn_reason_3"].str.contains("score, no (?:XGBoost )?model").all()
    assert (run.category_propensity["prediction_source"] == "rule").all()


def test_no_labels_at_all_withholds_every_target_with_its_reason():
    tiny = make_shop(
        customers=300,
        seed=6,
        training_cutoffs=1,
        windows=Windows(purchase=60, churn=60, clv=60, next_order=60, category=60),
    )
    run = run_predictions(tiny.features, tiny.labels.iloc[0:0], tiny.as_of, config=CONFIG, now=NOW)
    metrics = _metrics(run)
    assert (metrics["prediction_source"] == "withheld").all()
    assert metrics.loc["purchase", "reason"].startswith("no labelled cutoff")
    assert metrics.loc["category_propensity", "reason"].startswith("no category labels")
    predictions = run.customer_predictions
    assert len(predictions) == tiny.features["is_scoring_cutoff"].sum()
    assert predictions["purchase_probability_30d"].isna().all()
    assert run.category_propensity.empty
    assert run.trained_bundles == []


def test_too_few_customers_withholds_with_both_numbers(shop):
    strict = replace(CONFIG, min_customers=50_000)
    run = run_predictions(**{**shop.inputs(), "category_labels": None}, config=strict, now=NOW)
    metrics = _metrics(run)
    customers = shop.features["is_scoring_cutoff"].sum()
    for model in ("purchase", "churn", "clv", "next_order"):
        assert metrics.loc[model, "reason"] == f"{customers} customers with orders, needs 50000"
        assert metrics.loc[model, "prediction_source"] == "withheld"
    assert run.trained_bundles == []


def test_too_few_held_out_positives_withholds_with_both_numbers(shop):
    strict = replace(CONFIG, min_holdout_outcomes=5000)
    run = run_predictions(**{**shop.inputs(), "category_labels": None}, config=strict, now=NOW)
    metrics = _metrics(run)
    row = metrics.loc["purchase"]
    assert row["prediction_source"] == "withheld"
    assert row["reason"].endswith("needs 5000") and "positives in the held-out window" in row["reason"]
    assert (run.customer_predictions["purchase_prediction_source"] == "withheld").all()


def test_too_few_training_positives_leaves_xgboost_out_and_the_rule_competes(shop):
    strict = replace(CONFIG, min_positives=5000)
    run = run_predictions(**{**shop.inputs(), "category_labels": None}, config=strict, now=NOW)
    row = _metrics(run).loc["purchase"]
    assert row["prediction_source"] == "rule" and pd.isna(row["roc_auc"])
    assert (
        "model not trained: training cutoffs before" in row["reason"]
        and "min_positives 5000" in row["reason"]
    )


def _schema(frame: pd.DataFrame) -> pa.Schema:
    return pa.Table.from_pandas(frame, preserve_index=False).schema.remove_metadata()


def test_an_orders_only_shop_gets_every_customer_model_and_no_categories(first_run):
    plain = make_shop(customers=1200, seed=7, with_categories=False)
    run = run_predictions(**plain.inputs(), config=CONFIG, now=NOW)
    for table in ("customer_predictions", "category_propensity", "model_metrics"):  # same published types
        assert _schema(getattr(run, table)) == _schema(getattr(first_run, table)), table
    metrics = _metrics(run)
    for model in ("purchase", "churn"):
        assert metrics.loc[model, "prediction_source"] == "model", metrics.loc[model, "reason"]
    for model in ("clv", "next_order"):  # scored, or withheld because no candidate is surely good enough
        row = metrics.loc[model]
        scored = row["prediction_source"] in ("model", "rule")
        assert scored or row["reason"].startswith("no candidate surely"), row["reason"]
    assert run.category_propensity.empty
    assert metrics.loc["category_propensity", "reason"].startswith("no category labels")
    assert not any(f.startswith("category_share__") for f in run.feature_importance["feature"])


def test_a_model_below_the_rule_does_not_score(shop):
    """A model that learns less than the rule (here: hardly any rounds, no depth, and not boosted from
    BG/NBD's score, which alone beats the rule on this shop) gives way to it."""
    weak = replace(CONFIG, max_rounds=1, max_depth=1, early_stopping_rounds=1, boost_from_btyd=False)
    run = run_predictions(**{**shop.inputs(), "category_labels": None}, config=weak, now=NOW)
    metrics = _metrics(run)
    auc, baseline = metrics["roc_auc"], metrics["baseline_roc_auc"]
    below = [model for model in ("purchase", "churn") if auc[model] < baseline[model]]
    assert below, "the weakened models should do worse than the rule on this shop"
    for model in below:
        row = metrics.loc[model]
        # the rule scores; the model's number stays on record beside it
        assert row["prediction_source"] == "rule", row["reason"]
        assert f"model {auc[model]:.3f}" in row["reason"], row["reason"]
        assert row["scoring_primary_value"] == row["baseline_roc_auc"]
        column = "purchase_prediction_source" if model == "purchase" else "churn_prediction_source"
        assert (run.customer_predictions[column] == row["prediction_source"]).all()
        assert run.champions.get(model) is None


def test_a_held_out_positive_rate_far_outside_the_shops_history_withholds_the_target(shop):
    labels = shop.labels.copy()
    known = labels["purchase_label"].notna()
    latest = labels.loc[known, "cutoff_date"].max()
    held_out = known & (labels["cutoff_date"] == latest)
    # a broken export: nine in ten customers 'bought' in the held-out month
    flags = np.random.default_rng(2).random(held_out.sum()) < 0.9
    labels.loc[held_out, "purchase_label"] = flags
    run = run_predictions(
        **{**shop.inputs(), "labels": labels, "category_labels": None}, config=CONFIG, now=NOW
    )
    row = _metrics(run).loc["purchase"]
    assert row["prediction_source"] == "withheld"
    assert row["reason"].startswith("labels look broken: positive rate 8"), row["reason"]
    assert "the shop's history 1" in row["reason"], row["reason"]
    assert run.champions.get("purchase") is None


def test_a_handful_of_customers_withholds_everything_without_failing():
    handful = make_shop(customers=8, seed=11, training_cutoffs=3)
    run = run_predictions(**handful.inputs(), config=CONFIG, now=NOW)
    metrics = _metrics(run)
    assert (metrics["prediction_source"] == "withheld").all()
    assert metrics.loc["purchase", "reason"].endswith("customers with orders, needs 100")
    assert run.customer_predictions["purchase_probability_30d"].isna().all()
