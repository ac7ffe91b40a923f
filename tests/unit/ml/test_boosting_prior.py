"""XGBoost boosted from a prior (BG/NBD's margin): it keeps what the prior knows, adds what a feature knows
beyond it, needs the prior to score, and credits the prior's part of a reason to the feature for it."""

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from models_ml.boosting import Target, fit_model
from models_ml.config import ModelConfig

CONFIG = ModelConfig(n_threads=1, max_rounds=200)
NAMES = ["btyd_p_alive", "campaign_responder", "noise"]


def _shop(rows: int, seed: int, responder_effect: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows whose outcome follows a known prior log-odds, plus `responder_effect` for a binary feature."""
    rng = np.random.default_rng(seed)
    prior = rng.normal(-1.0, 1.2, rows)
    responder = (rng.random(rows) < 0.25).astype(np.float64)
    truth = prior + responder_effect * responder
    bought = (rng.random(rows) < 1 / (1 + np.exp(-truth))).astype(np.float64)
    alive = 1 / (1 + np.exp(-prior))
    features = np.column_stack([alive, responder, rng.normal(size=rows)]).astype(np.float32)
    return features, bought, prior


def _fit(features, bought, prior, names=NAMES):
    calibration = np.arange(len(bought)) % 5 == 0
    return fit_model(
        "classifier",
        features,
        Target("classifier", bought),
        calibration,
        names,
        CONFIG,
        None,
        ("btyd_p_alive", prior),
    )


def test_with_nothing_beyond_the_prior_the_model_ranks_as_well_as_the_prior():
    features, bought, prior = _shop(4_000, seed=1, responder_effect=0.0)
    model = _fit(features, bought, prior)
    test_x, test_y, test_prior = _shop(20_000, seed=2, responder_effect=0.0)
    prior_auc = roc_auc_score(test_y, test_prior)
    model_auc = roc_auc_score(test_y, model.predict(test_x, test_prior))
    assert model_auc == pytest.approx(prior_auc, abs=0.01)


def test_a_signal_the_prior_misses_is_learnt_on_top_of_it():
    features, bought, prior = _shop(4_000, seed=3, responder_effect=1.5)
    model = _fit(features, bought, prior)
    test_x, test_y, test_prior = _shop(20_000, seed=4, responder_effect=1.5)
    prior_auc = roc_auc_score(test_y, test_prior)
    model_auc = roc_auc_score(test_y, model.predict(test_x, test_prior))
    best_possible = roc_auc_score(test_y, test_prior + 1.5 * test_x[:, 1])
    assert model_auc > prior_auc + 0.03
    assert model_auc == pytest.approx(best_possible, abs=0.015)


def test_a_model_with_a_prior_will_not_score_without_it():
    features, bought, prior = _shop(1_000, seed=5, responder_effect=1.0)
    model = _fit(features, bought, prior)
    with pytest.raises(ValueError, match="btyd_p_alive prior"):
        model.predict(features)


def test_contributions_add_up_to_the_margin_and_credit_the_prior_to_its_feature():
    features, bought, prior = _shop(2_000, seed=6, responder_effect=1.0)
    model = _fit(features, bought, prior)
    contributions = model.contributions(features, margin=prior)
    raw = model.raw(features, prior)
    assert contributions.sum(axis=1) == pytest.approx(np.log(raw / (1 - raw)), abs=1e-3)
    # the customer with the highest prior has the largest credit on the prior's feature
    column = NAMES.index("btyd_p_alive")
    assert np.argmax(contributions[:, column]) == np.argmax(prior)


def test_the_registry_keeps_what_a_model_boosts_from():
    from datetime import UTC, datetime

    from models_ml.registry import ModelBundle

    features, bought, prior = _shop(1_000, seed=7, responder_effect=1.0)
    model = _fit(features, bought, prior)
    bundle = ModelBundle("purchase", "purchase-test", datetime(2026, 1, 1, tzinfo=UTC), model, model)
    restored = ModelBundle.from_bytes(bundle.to_bytes())
    assert restored.final.prior == restored.evaluation.prior == "btyd_p_alive"
    assert restored.final.predict(features, prior) == pytest.approx(model.predict(features, prior), abs=1e-6)
