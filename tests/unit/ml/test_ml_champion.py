"""Model registry bundles and champion / challenger: pure decisions, then real runs that use them."""

import io
import json
import zipfile
from datetime import timedelta

import numpy as np
import pytest

from models_ml import ModelBundle, bundle_key, champion_key, decide_champion, retrain_due, run_predictions
from tests.unit.ml.conftest import CONFIG, NOW


def test_decisions_compare_on_the_primary_metric_with_a_tolerance():
    def decide(challenger, champion, higher=True, problem=None):
        return decide_champion("churn", "roc_auc", higher, 0.005, "new", challenger, "old", champion, problem)

    assert decide(0.80, 0.80).winner == "challenger"
    assert decide(0.797, 0.80).winner == "challenger"  # within the tolerance: not worse
    worse = decide(0.79, 0.80)
    assert worse.winner == "champion" and worse.reason.startswith("challenger worse: roc_auc 0.7900")
    assert decide(12.0, 10.0, higher=False).winner == "champion"  # MAE: lower is better
    assert decide(0.7, 0.9, problem="features missing").winner == "challenger"
    assert decide(0.7, None).winner == "challenger"
    first = decide_champion("churn", "roc_auc", True, 0.005, "new", 0.7)
    assert first.winner == "challenger" and first.reason == "no champion yet"


def test_retraining_is_due_after_the_cadence_or_without_a_champion():
    assert retrain_due(None, NOW, 24)
    assert not retrain_due(NOW - timedelta(hours=23), NOW, 24)
    assert retrain_due(NOW - timedelta(hours=24), NOW, 24)


def test_a_bundle_is_inspectable_bytes_that_score_the_same_after_a_round_trip(first_run):
    bundle = first_run.champions["churn"]
    data = bundle.to_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == ["bundle.json", "evaluation_model.ubj", "model.ubj"]
        document = json.loads(archive.read("bundle.json"))
    assert document["model"] == "churn" and document["version"] == bundle.version
    # the synthetic shop's calibration fold is small, so 'auto' calibrated with sigmoid (two numbers)
    assert document["calibrator"]["method"] == "sigmoid" and document["calibrator"]["slope"] > 0
    assert document["features"] == bundle.features
    assert document["final_training_cutoffs"][-1] == document["holdout_cutoff"]
    assert {"xgboost", "scikit-learn", "python"} <= set(document["library_versions"])
    assert document["metrics"]["roc_auc"] > 0.8
    assert bundle_key("churn", bundle.version) == f"_models/churn/{bundle.version}.zip"
    assert champion_key("churn") == "_models/churn/champion.json"

    loaded = ModelBundle.from_bytes(data, n_threads=1)
    x = np.random.default_rng(0).normal(size=(50, len(bundle.features))).astype(np.float32)
    margin = np.random.default_rng(1).normal(size=50)  # churn boosts from BG/NBD's log-odds
    assert loaded.final.prior == bundle.final.prior == "btyd_p_alive"
    np.testing.assert_array_equal(loaded.final.predict(x, margin), bundle.final.predict(x, margin))
    np.testing.assert_array_equal(loaded.evaluation.predict(x, margin), bundle.evaluation.predict(x, margin))


@pytest.fixture(scope="module")
def stored_champions(first_run):
    """Champions as a later run reads them back from the registry."""
    return {
        name: ModelBundle.from_bytes(b.to_bytes(), n_threads=1) for name, b in first_run.champions.items()
    }


def _later(hours: float = 25):
    return NOW + timedelta(hours=hours)


def _customer_only(shop):
    return {**shop.inputs(), "category_labels": None}


def test_a_worse_challenger_keeps_the_champion_and_says_why(shop, stored_champions):
    labels = shop.labels.copy()
    holdout = labels.loc[labels["churn_label"].notna(), "cutoff_date"].max()
    training = labels["cutoff_date"] < holdout  # garbage to learn from, the true held-out period
    labels.loc[training, "churn_label"] = np.random.default_rng(1).permutation(
        labels.loc[training, "churn_label"].to_numpy()
    )
    run = run_predictions(
        **{**_customer_only(shop), "labels": labels}, config=CONFIG, incumbents=stored_champions, now=_later()
    )
    decision = run.decisions["churn"]
    assert decision.winner == "champion"
    assert decision.reason.startswith("challenger worse: roc_auc")
    assert decision.challenger_value < decision.champion_value
    champion = stored_champions["churn"]
    predictions = run.customer_predictions
    assert (predictions["churn_model_version"] == champion.version).all()
    metrics = run.model_metrics.set_index("model")
    assert metrics.loc["churn", "champion_decision"] == "champion"
    assert metrics.loc["churn", "roc_auc"] == pytest.approx(decision.champion_value)
    assert run.champions["churn"] is champion
    assert "churn" in {b.model for b in run.trained_bundles}  # the loser is still kept in the registry


def test_the_cadence_counts_from_the_latest_training_even_when_that_model_lost(shop, stored_champions):
    # the champions are 25 h old, but a model of each target was trained (and lost) 2 h ago: none is due
    last_trained = {name: _later(23) for name in stored_champions}
    run = run_predictions(
        **_customer_only(shop),
        config=CONFIG,
        incumbents=stored_champions,
        now=_later(),
        last_trained=last_trained,
    )
    assert {bundle.model for bundle in run.trained_bundles} == {
        "purchase",
        "churn",
        "clv",
        "next_order",
    } - set(stored_champions)
    decision = run.decisions["churn"]
    assert decision.winner == "champion" and decision.reason == (
        "retraining not due (last trained 2.0 h ago, retrain every 24 h)"
    )
    assert run.decisions["churn"].champion_value is not None  # still measured on today's held-out cutoff


def test_an_equal_challenger_replaces_the_champion(shop, stored_champions):
    run = run_predictions(**_customer_only(shop), config=CONFIG, incumbents=stored_champions, now=_later())
    decision = run.decisions["churn"]
    assert decision.winner == "challenger" and decision.reason.startswith("challenger not worse")
    assert decision.challenger_value == pytest.approx(decision.champion_value)
    assert run.champions["churn"].version != stored_champions["churn"].version
    assert run.model_metrics.set_index("model").loc["churn", "trained_this_run"]


def test_a_champion_missing_features_loses_to_the_challenger(shop, stored_champions):
    features = shop.features.drop(columns=["spend_trend"])
    run = run_predictions(
        **{**_customer_only(shop), "features": features},
        config=CONFIG,
        incumbents=stored_champions,
        now=_later(),
    )
    decision = run.decisions["churn"]
    assert decision.winner == "challenger"
    assert "features are missing now (spend_trend)" in decision.reason


def test_when_retraining_is_not_due_the_champion_scores_without_training(shop, stored_champions):
    run = run_predictions(**_customer_only(shop), config=CONFIG, incumbents=stored_champions, now=_later(2))
    # a target without a champion (another candidate scored it last time) trains; the others do not
    customer_targets = {"purchase", "churn", "clv", "next_order"}
    assert {bundle.model for bundle in run.trained_bundles} == customer_targets - set(stored_champions)
    for model in stored_champions.keys() & {"purchase", "churn", "clv", "next_order"}:
        decision = run.decisions[model]
        assert decision.winner == "champion" and decision.reason.startswith("retraining not due"), decision
        if run.models[model].source == "model":
            versions = run.customer_predictions[f"{model}_model_version"]
            assert (versions == stored_champions[model].version).all()
    metrics = run.model_metrics.set_index("model")
    assert metrics.loc["churn", "roc_auc"] > 0.8  # its evaluation model, on today's held-out cutoff
