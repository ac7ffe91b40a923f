"""Customer Pulse's learning library: feature and label frames in, calibrated, explained predictions,
metrics beside a no-model baseline and registry bundles out. It never imports Dagster or `pipeline/`.

One entry point
---------------
    run = run_predictions(features, labels, as_of, mix=mix, category_labels=category_labels,
                          config=ModelConfig(...), incumbents={name: ModelBundle, ...}, now=now,
                          last_trained={name: datetime, ...})

`run` is a `PredictionRun`:
    run.customer_predictions    -> table `customer_predictions`   (one row per customer)
    run.category_propensity     -> table `customer_category_propensity` (customer × category)
    run.model_metrics           -> table `model_metrics`          (one row per model, + per category)
    run.feature_importance      -> table `model_feature_importance`
    run.model_gains             -> lift and cumulative gain by decile on the held-out cutoff
    run.trained_bundles         -> every model trained this run: save each (`bundle.to_bytes()`)
                                   under `bundle_key(bundle.model, bundle.version)`
    run.champions               -> the bundle that scored each model: point `champion_key(model)` at it
                                   (and `latest_key(model)` at each trained bundle: the retraining cadence
                                   counts from it, and it stands in where a model has no champion)
    run.decisions               -> champion / challenger decision and reason per model
    run.plots(model)            -> {'cumulative_gain' | 'calibration' | 'feature_importance': PNG bytes}

Inputs (the contract; see `contract.py`): `features` one row per (customer_id, cutoff_date) with
`is_scoring_cutoff` (true only at as_of), numeric feature columns and `lifecycle_state`; `labels` one
row per training (customer_id, cutoff_date) with each label and its window in days (null where the
window is not complete by as_of); `mix` long (customer_id, cutoff_date, dimension, value, spend_share,
order_share) and `category_labels` long (customer_id, cutoff_date, category, bought, window_days), both
optional. Models are named 'purchase', 'churn', 'clv', 'next_order' and 'category_propensity'.

The pieces, each usable alone: `check_inputs` (contract), `Design` (feature matrix), `fit_model` /
`FittedModel` (XGBoost + calibrator), `Calibrator`, the baselines, `classifier_metrics` /
`regressor_metrics` / `gains_by_decile`, `top_reasons`, `ModelBundle` (registry bytes),
`decide_champion` / `retrain_due`, `predictive_cell`, the plot functions, and the BG/NBD + Gamma-Gamma
model (`btyd_summary` / `fit_btyd` / `FittedBtyd`, not yet part of the run).
"""

from importlib import import_module

# Each public name and the module that defines it, imported on first use: the settings read the
# defaults in models_ml.config without loading XGBoost (seconds) into every process that reads settings.
_HOMES = {
    "FittedModel": "boosting",
    "fit_model": "boosting",
    "BtydFit": "btyd",
    "BtydPrediction": "btyd",
    "FittedBtyd": "btyd",
    "btyd_summary": "btyd",
    "fit_btyd": "btyd",
    "Calibrator": "calibration",
    "ChampionDecision": "champion",
    "decide_champion": "champion",
    "retrain_due": "champion",
    "GridCuts": "config",
    "ModelConfig": "config",
    "InputContractError": "contract",
    "check_inputs": "contract",
    "top_reasons": "explain",
    "PREDICTIVE_CELLS": "grid",
    "predictive_cell": "grid",
    "predictive_cells": "grid",
    "classifier_metrics": "metrics",
    "expected_calibration_error": "metrics",
    "gains_by_decile": "metrics",
    "regressor_metrics": "metrics",
    "calibration_png": "plots",
    "cumulative_gain_png": "plots",
    "feature_importance_png": "plots",
    "PredictionRun": "predictions",
    "run_predictions": "predictions",
    "ModelBundle": "registry",
    "bundle_key": "registry_keys",
    "champion_key": "registry_keys",
    "latest_key": "registry_keys",
}


def __getattr__(name: str) -> object:
    if name == "MODELS":
        return import_module("models_ml.model_names").MODELS
    if name in _HOMES:
        return getattr(import_module(f"models_ml.{_HOMES[name]}"), name)
    raise AttributeError(f"module 'models_ml' has no attribute {name!r}")


__all__ = [
    "MODELS",
    "PREDICTIVE_CELLS",
    "BtydFit",
    "BtydPrediction",
    "Calibrator",
    "ChampionDecision",
    "FittedBtyd",
    "FittedModel",
    "GridCuts",
    "InputContractError",
    "ModelBundle",
    "ModelConfig",
    "PredictionRun",
    "btyd_summary",
    "bundle_key",
    "calibration_png",
    "champion_key",
    "check_inputs",
    "classifier_metrics",
    "cumulative_gain_png",
    "decide_champion",
    "expected_calibration_error",
    "feature_importance_png",
    "fit_btyd",
    "fit_model",
    "gains_by_decile",
    "latest_key",
    "predictive_cell",
    "predictive_cells",
    "regressor_metrics",
    "retrain_due",
    "run_predictions",
    "top_reasons",
]
