"""Where a model cannot be trained honestly it falls back to the baseline and says why; a model that
learnt nothing is flagged for the publishing gate."""

import numpy as np
import pandas as pd
import pyarrow as pa

from models_ml import run_predictions
from tests.unit.ml.conftest import CONFIG, NOW
from tests.unit.ml.synthetic_shop import Windows, make_shop


def _metrics(run) -> pd.DataFrame:
    metrics = run.model_metrics
    return metrics[metrics["category"].isna()].set_index("model")


def test_shuffled_labels_fail_the_floor_and_baseline_signals(shop):
    rng = np.random.default_rng(0)
    labels = shop.labels.copy()
    for column in ("purchase_label", "churn_label"):
        known = labels[column].notna()  # shuffle among the rows whose window is complete
        labels.loc[known, column] = rng.permutation(labels.loc[known, column].to_numpy())
    broken = _metrics(
        run_predictions(
            **{**shop.inputs(), "labels": labels, "category_labels": None}, config=CONFIG, now=NOW
        )
    )
    for model in ("purchase", "churn"):
        row = broken.loc[model]
        # whoever scores, the model or (when the model is below it) the baseline, nothing predicts
        assert abs(row["roc_auc"] - 0.5) < 0.06
        assert not row["passes_auc_floor"]
        assert not row["quality_ok"]


def test_one_labelled_cutoff_falls_back_to_the_baseline_with_a_reason():
    short = make_shop(
        customers=600,
        seed=5,
        training_cutoffs=2,
        windows=Windows(churn=45, clv=45, next_order=45, category=45),
    )
    run = run_predictions(**short.inputs(), config=CONFIG, now=NOW)
    metrics = _metrics(run)
    for model in ("churn", "clv", "next_order", "category_propensity"):
        assert metrics.loc[model, "prediction_source"] == "baseline", model
        assert metrics.loc[model, "reason"].startswith("one labelled cutoff"), metrics.loc[model, "reason"]
        assert metrics.loc[model, "quality_ok"]
    predictions = run.customer_predictions
    assert (predictions["churn_prediction_source"] == "baseline").all()
    assert (predictions["churn_model_version"] == "baseline").all()
    assert predictions["churn_probability"].between(0, 1).all()
    assert predictions["churn_reason_3"].str.startswith("rule-based score, no model").all()
    assert not predictions.isna().any().any()
    assert (run.category_propensity["prediction_source"] == "baseline").all()


def test_no_labels_at_all_still_scores_everyone():
    tiny = make_shop(
        customers=300,
        seed=6,
        training_cutoffs=1,
        windows=Windows(purchase=60, churn=60, clv=60, next_order=60, category=60),
    )
    run = run_predictions(tiny.features, tiny.labels.iloc[0:0], tiny.as_of, config=CONFIG, now=NOW)
    metrics = _metrics(run)
    assert (metrics["prediction_source"] == "baseline").all()
    assert metrics.loc["purchase", "reason"].startswith("no labelled cutoff")
    assert metrics.loc["purchase", "baseline_method"].startswith("order rate")
    assert metrics.loc["category_propensity", "reason"].startswith("no category labels")
    assert len(run.customer_predictions) == tiny.features["is_scoring_cutoff"].sum()
    assert run.category_propensity.empty
    assert run.trained_bundles == []


def test_too_few_positives_gives_baseline_predictions(shop):
    strict = CONFIG.__class__(**{**CONFIG.__dict__, "min_positives": 5000})
    run = run_predictions(**{**shop.inputs(), "category_labels": None}, config=strict, now=NOW)
    metrics = _metrics(run)
    assert metrics.loc["purchase", "prediction_source"] == "baseline"
    assert "< min_positives 5000" in metrics.loc["purchase", "reason"]
    assert metrics.loc["purchase", "baseline_roc_auc"] > 0.7  # still measured beside where a model would be
    assert (run.customer_predictions["purchase_prediction_source"] == "baseline").all()


def _schema(frame: pd.DataFrame) -> pa.Schema:
    return pa.Table.from_pandas(frame, preserve_index=False).schema.remove_metadata()


def test_an_orders_only_shop_gets_every_customer_model_and_no_categories(first_run):
    plain = make_shop(customers=1200, seed=7, with_categories=False)
    run = run_predictions(**plain.inputs(), config=CONFIG, now=NOW)
    for table in ("customer_predictions", "category_propensity", "model_metrics"):  # same published types
        assert _schema(getattr(run, table)) == _schema(getattr(first_run, table)), table
    metrics = _metrics(run)
    for model in ("purchase", "churn", "clv", "next_order"):
        assert metrics.loc[model, "prediction_source"] == "model", metrics.loc[model, "reason"]
    assert run.category_propensity.empty
    assert metrics.loc["category_propensity", "reason"].startswith("no category labels")
    assert not any(f.startswith("category_share__") for f in run.feature_importance["feature"])


def test_a_model_below_its_baseline_does_not_score(shop):
    """A model that learns less than the rule (here: hardly any rounds, no depth) gives way to it."""
    from dataclasses import replace

    weak = replace(CONFIG, max_rounds=1, max_depth=1, early_stopping_rounds=1)
    run = run_predictions(**{**shop.inputs(), "category_labels": None}, config=weak, now=NOW)
    metrics = _metrics(run)
    auc, baseline = metrics["roc_auc"], metrics["baseline_roc_auc"]
    below = [model for model in ("purchase", "churn") if auc[model] < baseline[model]]
    assert below, "the weakened models should do worse than the baseline on this shop"
    for model in below:
        row = metrics.loc[model]
        assert row["prediction_source"] == "baseline" and "below the no-model baseline" in row["reason"]
        column = "purchase_prediction_source" if model == "purchase" else "churn_prediction_source"
        assert (run.customer_predictions[column] == "baseline").all()
        assert run.champions.get(model) is None
